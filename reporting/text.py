"""Results in words: progress and the pace still needed, in the target's own terms and the reader's
language. Shared by the pages, the workbook and the annual report."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import kinds

from .charts import format_number

# The light of a region's share of a city-wide amount: shown, not judged (see progress.NO_REGIONAL_TARGET).
NOT_JUDGED = gettext_lazy("No regional target")


def _amount(value, unit):
    return f"{format_number(value)}{'' if unit == '%' else ' '}{unit}".strip()


def progress_text(indicator, value):
    """How far the indicator has come: 8.1% below 2020, 2,345 t in total, 85.2%, 1.2 points lower."""
    if value is None:
        return "—"
    unit, kind = indicator.display_unit, indicator.kind
    if kind == kinds.RELATIVE_REDUCTION:
        return _("%(value)s%% below %(year)s") % {"value": format_number(value), "year": indicator.baseline_year}
    if kind == kinds.CUMULATIVE_TOTAL:
        return _("%(amount)s so far") % {"amount": _amount(value, unit)}
    if kind == kinds.POINT_REDUCTION:
        return _("%(value)s points lower") % {"value": format_number(value)}
    if kind == kinds.MILESTONE:
        return _("%(value)s%% done") % {"value": format_number(value)}
    return _amount(value, unit)


def required_text(indicator, value):
    """What each remaining year must bring to still meet the target in time."""
    if value is None:
        return "—"
    unit, kind = indicator.display_unit, indicator.kind
    if kind == kinds.RELATIVE_REDUCTION:
        return _("%(value)s%% lower each year") % {"value": format_number(value)}
    if kind == kinds.CUMULATIVE_TOTAL:
        return _("%(amount)s each year") % {"amount": _amount(value, unit)}
    if kind == kinds.POINT_REDUCTION:
        return _("%(value)s points lower each year") % {"value": format_number(value)}
    if kind == kinds.MILESTONE:
        return _("%(value)s%% more each year") % {"value": format_number(value)}
    if value < 0:
        return _("%(amount)s lower each year") % {"amount": _amount(-value, unit)}
    return _("%(amount)s higher each year") % {"amount": _amount(value, unit)}


def percent(share):
    """A share (0.42) as a percentage for reading (42.0); None stays None."""
    return None if share is None else round(100 * share, 1)
