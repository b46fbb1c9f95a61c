"""The roles, as Django groups. Group names are stable identifiers; labels are for display."""

from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
HEAD = "head"
REVIEWER = "reviewer"
LEADER = "leader"
ADMINISTRATOR = "administrator"
# Reads the security audit trail (/audit/) and nothing else: kept apart from the system administrator.
AUDIT_ADMINISTRATOR = "audit_administrator"

LABELS = {
    CLERK: _("Data-entry clerk"),
    HEAD: _("Department head"),
    REVIEWER: _("Statistics reviewer"),
    LEADER: _("City leadership"),
    ADMINISTRATOR: _("Administrator"),
    AUDIT_ADMINISTRATOR: _("Audit administrator"),
}
