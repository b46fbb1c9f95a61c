"""The roles, as Django groups. Group names are stable identifiers; labels are for display.

Administration is split in three (三员分立, as a 等保 level-3 evaluation expects): the system administrator
manages users, departments and plan data; the security administrator manages roles, lockouts, second factors
and the password policy; the audit administrator reads and exports the audit trail, and nothing else. None
may do another's work or change their own rights. A superuser is for the first set-up only (README)."""

from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
HEAD = "head"
REVIEWER = "reviewer"
LEADER = "leader"
ADMINISTRATOR = "administrator"  # the system administrator (the group keeps its name from before the split)
SECURITY_ADMINISTRATOR = "security_administrator"
AUDIT_ADMINISTRATOR = "audit_administrator"

LABELS = {
    CLERK: _("Data-entry clerk"),
    HEAD: _("Department head"),
    REVIEWER: _("Statistics reviewer"),
    LEADER: _("City leadership"),
    ADMINISTRATOR: _("System administrator"),
    SECURITY_ADMINISTRATOR: _("Security administrator"),
    AUDIT_ADMINISTRATOR: _("Audit administrator"),
}

ADMINISTRATORS = (ADMINISTRATOR, SECURITY_ADMINISTRATOR, AUDIT_ADMINISTRATOR)
# The roles that work with the plans' data; the security and audit administrators do not see it.
BUSINESS = (CLERK, HEAD, REVIEWER, LEADER, ADMINISTRATOR)
