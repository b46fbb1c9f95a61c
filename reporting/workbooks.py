"""The overview as workbook content: the selector's indicators turned into the rows and labels that
`exports.overview_workbook` writes. The same words and numbers as the page."""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from indicators.models import Result

from . import selectors, text


def columns():
    return [
        ("code", _("Code")),
        ("indicator", _("Indicator")),
        ("unit", _("Unit")),
        ("target", _("Target")),
        ("lead", _("Lead departments")),
        ("status", _("Status")),
        ("value", _("Progress")),
        ("progress", _("Progress in words")),
        ("achieved", _("Achieved share of target (%)")),
        ("expected", _("Expected by now (%)")),
        ("required", _("Needed each year")),
        ("explanation", _("Why")),
    ]


def overview_sheets(*, plan, year, indicators, counts, fresh):
    """Keyword arguments for `exports.overview_workbook`: a summary sheet, then one sheet per task."""
    indicators = list(indicators)
    leads = selectors.lead_departments({i.task_id for i in indicators})
    sheets = {}
    for indicator in indicators:
        task = indicator.task
        sheet = sheets.setdefault(
            task.pk,
            {"name": f"{task.code} {task.display_title}", "heading": f"{task.code} {task.display_title}", "rows": []},
        )
        sheet["rows"].append(_row(indicator, leads.get(task.pk, [])))
    labels = {str(k): str(v) for k, v in Result.Status.choices}
    return {
        "title": plan.display_name,
        "subtitle": subtitle(year, fresh),
        "summary": [(_("Year"), year)] + [(labels[light], counts[light]) for light in selectors.LIGHTS],
        "summary_name": _("Summary"),
        "summary_headers": (_("Item"), _("Count")),
        "columns": columns(),
        "sheets": list(sheets.values()),
        "status_labels": labels,
    }


def _row(indicator, leads):
    return {
        "code": indicator.code,
        "indicator": indicator.display_name,
        "unit": indicator.display_unit,
        "target": str(indicator.target_label),
        "lead": "、".join(d.display_name for d in leads),
        "status": indicator.status,
        "value": indicator.value if indicator.status != "grey" else None,
        "progress": text.progress_text(indicator, indicator.value if indicator.status != "grey" else None),
        "achieved": text.percent(indicator.achieved),
        "expected": text.percent(indicator.expected),
        "required": text.required_text(indicator, indicator.required_per_year),
        "explanation": selectors.explanation(indicator),
    }


def subtitle(year, fresh):
    """ "2024 · computed 2026-11-25 03:10 from 312 approved figures": what the numbers stand on."""
    last = fresh["last"]
    if last is None:
        return _("%(year)s · not computed yet") % {"year": year}
    return _("%(year)s · computed %(when)s from %(count)s approved figures") % {
        "year": year,
        "when": date_format(localtime(last.finished_at), "Y-m-d H:i"),
        "count": last.approved_figures,
    }
