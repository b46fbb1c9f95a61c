"""The pages' charts: a selector's series with labels in the reader's language, drawn by `charts`."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators import kinds, progress
from indicators.models import Result

from . import charts, text


def _locale():
    return "zh-CN" if (get_language() or "").startswith("zh") else "en"


def value_axis(indicator):
    """The y-axis in the target's own terms, with the unit."""
    unit = indicator.display_unit
    label = kinds.kind(indicator.kind).axis_label
    if label is None:
        return f"{indicator.display_name} ({unit})" if unit else indicator.display_name
    if "%(" not in label:  # no placeholder: not a format string, its % is literal ("Done (%)")
        return _(label)
    return _(label) % {"year": indicator.baseline_year, "unit": unit}


def indicator_chart(indicator, series, *, static=False, div_id="indicator-chart"):
    labels = {
        "actual": _("Actual"),
        "expected": _("Expected path"),
        "target": _("Target"),
        "year": _("Year"),
        "value": value_axis(indicator),
    }
    return charts.indicator_chart(
        years=series["years"],
        actual=series["actual"],
        expected=series["expected"],
        target=series["target"],
        regions=series["regions"] or None,
        labels=labels,
        locale=_locale(),
        div_id=div_id,
        static=static,
    )


def region_chart(indicator, results, *, highlight=None, div_id="region-chart"):
    """One indicator's year across the regions, each bar in its status's colour and word."""
    labels = {str(k): str(v) for k, v in Result.Status.choices}
    if kinds.kind(indicator.kind).cumulative:  # the plan sets the amount for the whole city only
        labels[progress.GREY] = str(text.NOT_JUDGED)
    return charts.region_chart(
        regions=[r.region.display_name for r in results],
        values=[r.value for r in results],
        statuses=[r.status for r in results],
        status_labels=labels,
        labels={"value": value_axis(indicator), "title": ""},
        highlight=highlight.display_name if highlight else None,
        locale=_locale(),
        div_id=div_id,
    )
