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


def _words(indicator, value):
    """The placeholders of a kind's sentences (see kinds.Kind) for this indicator and value."""
    unit = indicator.display_unit
    return {"value": format_number(value), "amount": _amount(value, unit), "year": indicator.baseline_year}


def progress_text(indicator, value):
    """How far the indicator has come: 8.1% below 2020, 2,345 t in total, 85.2%, 1.2 points lower."""
    if value is None:
        return "—"
    sentence = kinds.kind(indicator.kind).progress_sentence
    if sentence is None:  # a level: the value itself
        return _amount(value, indicator.display_unit)
    return _(sentence) % _words(indicator, value)


def required_text(indicator, value):
    """What each remaining year must bring to still meet the target in time."""
    if value is None:
        return "—"
    sentence = kinds.kind(indicator.kind).required_sentence
    if sentence is not None:
        return _(sentence) % _words(indicator, value)
    unit = indicator.display_unit
    if value < 0:
        return _("%(amount)s lower each year") % {"amount": _amount(-value, unit)}
    return _("%(amount)s higher each year") % {"amount": _amount(value, unit)}


def percent(share):
    """A share (0.42) as a percentage for reading (42.0); None stays None."""
    return None if share is None else round(100 * share, 1)
