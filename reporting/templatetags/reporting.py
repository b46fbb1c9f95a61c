from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators import formatting, progress, schedule
from indicators.models import Result
from reporting import text
from reporting.charts import format_number

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


# Result lights: an icon and a word beside the colour, so the status reads in print and for colour-blind readers.
LIGHTS = {
    progress.GREEN: "✔",
    progress.YELLOW: "!",
    progress.RED: "✖",
    progress.GREY: "–",
}
LIGHT_LABELS = dict(Result.Status.choices)


@register.inclusion_tag("reporting/_light.html")
def light(status, short=False, rule=None):
    status = status if status in LIGHTS else progress.GREY
    label = text.NOT_JUDGED if rule == progress.NO_REGIONAL_TARGET else LIGHT_LABELS[status]
    return {"status": status, "icon": LIGHTS[status], "label": label, "short": short}


@register.simple_tag
def progress_of(indicator, value):
    return text.progress_text(indicator, value)


@register.simple_tag
def required_of(indicator, value):
    return text.required_text(indicator, value)


@register.inclusion_tag("reporting/_schedule_bar.html")
def schedule_bar(status, achieved, expected):
    """Achieved against expected share as a bar with a marker; widths only, the colour is the status's."""
    return {
        "status": status,
        "achieved": text.percent(achieved),
        "expected": text.percent(expected),
        "width": _clamp(text.percent(achieved)),
        "marker": _clamp(text.percent(expected)),
    }


def _clamp(value):
    return None if value is None else max(0.0, min(100.0, value))


@register.filter
def get_item(mapping, key):
    """A dict's entry in a template: {{ reports|get_item:task.pk }}."""
    return mapping.get(key)


@register.filter
def percent(share):
    """0.423 -> 42.3 (a share read as a percentage)."""
    return text.percent(share)


@register.filter
def number(value):
    """1,234.5 rather than 1234.500: up to two decimals, thousands separated."""
    return format_number(value)


@register.filter
def plain(value):
    """A figure exactly as entered: 1000, not 1E+3 (what Decimal.normalize prints)."""
    return formatting.plain(value)


@register.filter
def chart_html(html, nonce):
    """A plotly chart's HTML (charts._html) as safe markup whose inline <script> carries the request's CSP nonce
    (`{{ chart|chart_html:request.csp_nonce }}`): the Content-Security-Policy runs no other inline script.
    The nonce is added here, when the page is rendered, so a cached chart never carries an old one."""
    return mark_safe(str(html).replace("<script>", format_html('<script nonce="{}">', nonce)))
