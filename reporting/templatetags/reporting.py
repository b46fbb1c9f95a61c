from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators import schedule

register = template.Library()

# Each state has an icon and a word, never colour alone; the colour comes from the CSS class.
STATES = {
    schedule.MISSING: ("○", _("Missing")),
    schedule.DRAFT: ("✎", _("Draft")),
    schedule.RETURNED: ("↩", _("Returned")),
    schedule.SUBMITTED: ("↑", _("Submitted")),
    schedule.APPROVED: ("✔", _("Approved")),
}


@register.inclusion_tag("reporting/_status.html")
def status_badge(status, short=False):
    icon, label = STATES.get(status, ("?", status))
    return {"status": status, "icon": icon, "label": label, "short": short}


COLUMN_LABELS = {
    "indicator": _("indicator"),
    "region": _("region"),
    "year": _("year"),
    "value": _("value"),
    "measure": _("measure"),
    "stage": _("stage"),
    "note": _("note"),
}


@register.filter
def problem_text(problem):
    """An import problem in the reader's language, with its line and column."""
    body = gettext(problem.message)
    body = body % problem.params if problem.params else body
    column = COLUMN_LABELS.get(problem.column, problem.column)
    if problem.line is not None and column:
        where = gettext("Line %(line)s, column %(column)s") % {"line": problem.line, "column": column}
    elif problem.line is not None:
        where = gettext("Line %(line)s") % {"line": problem.line}
    elif column:
        where = gettext("Column %(column)s") % {"column": column}
    else:
        return body
    return f"{where}: {body}"
