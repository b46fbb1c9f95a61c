"""The final assessment (终期评估) of a plan: what its page and workbook show, read in a fixed number of
queries, judged by indicators.assessment (pure) and written to XLSX with indicators.workbook.write_cell."""

import io
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from departments.models import Region
from indicators import assessment
from indicators.formatting import number
from indicators.models import Figure, Indicator, Result, TaskResponsibility
from indicators.workbook import write_cell
from reporting import text
from reporting.charts import format_number
from reporting.exports import paint_status

OUTCOME_LABELS = {
    assessment.MET: gettext_lazy("Met"),
    assessment.NOT_MET: gettext_lazy("Not met"),
    assessment.NO_DATA: gettext_lazy("No data"),
}
# Icons beside the colour, as the lights have them, so that the outcome reads in print and without colour.
OUTCOME_ICONS = {assessment.MET: "✔", assessment.NOT_MET: "✖", assessment.NO_DATA: "–"}
STAGE_LABELS = dict(Figure.Stage.choices)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Row:
    """One target of the plan at its target year."""

    indicator: Indicator
    baseline: float | None
    verdict: assessment.Verdict

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.verdict.outcome]

    @property
    def icon(self):
        return OUTCOME_ICONS[self.verdict.outcome]

    @property
    def stage_label(self):
        return STAGE_LABELS.get(self.verdict.stage, "—")

    @property
    def baseline_text(self):
        return format_number(self.baseline)

    @property
    def value_text(self):
        return text.progress_text(self.indicator, self.verdict.value)

    @property
    def gap_text(self):
        return gap_text(self.indicator, self.verdict.gap)


def is_due(plan, today):
    """Whether the plan can be assessed: its target year's figures were due by plan.report_deadline."""
    return today >= plan.report_deadline(plan.target_year)


def final_assessment(*, plan):
    """Every target of `plan` judged at its own target year, the shares met overall, binding and expected,
    per lead department and per region (targets broken down by region only): 5 queries."""
    indicators = list(
        Indicator.objects.filter(task__plan=plan).select_related("task").order_by("task__position", "position")
    )
    results, stages = _results(plan), _stages(plan)
    rows = [_row(indicator, results, stages) for indicator in indicators]
    return {
        "rows": rows,
        "shares": assessment.shares((row.indicator.binding, row.verdict) for row in rows),
        "departments": assessment.shares_by(_department_verdicts(plan, rows)),
        "regions": assessment.shares_by(_region_verdicts(indicators, results, stages)),
    }


def outcomes(*, plan):
    """{indicator id: Row} of every target of `plan` judged as final_assessment judges it, for the overview
    of the plan's last year: 3 queries."""
    results, stages = _results(plan), _stages(plan)
    return {i.pk: _row(i, results, stages) for i in Indicator.objects.filter(task__plan=plan)}


def _department_verdicts(plan, rows):
    """(lead department, verdict) for each target of each task the department leads."""
    by_task = {}
    for row in rows:
        by_task.setdefault(row.indicator.task_id, []).append(row.verdict)
    leads = TaskResponsibility.objects.filter(task__plan=plan, role=TaskResponsibility.Role.LEAD)
    leads = leads.select_related("department").order_by("department__position", "department__name")
    return [(lead.department, verdict) for lead in leads for verdict in by_task.get(lead.task_id, [])]


def _results(plan):
    """{(indicator id, region id or None): the Result of the indicator's target year}."""
    found = Result.objects.filter(indicator__task__plan=plan, year=F("indicator__target_year"))
    return {(r.indicator_id, r.region_id): r for r in found.only("indicator_id", "region_id", "value", "baseline")}


def _stages(plan):
    """{(indicator id, region id or None): the stages of the approved figures of its target year}."""
    found = Indicator.objects.filter(
        plan=plan, statistic__figures__status=Figure.Status.APPROVED, statistic__figures__year=F("target_year")
    ).values_list("pk", "statistic__figures__region_id", "statistic__figures__stage")
    stages = {}
    for indicator_id, region_id, stage in found.distinct():
        stages.setdefault((indicator_id, region_id), set()).add(stage)
        stages.setdefault((indicator_id, "any"), set()).add(stage)  # a city total summed from the regions
    return stages


def _verdict(indicator, result, stages):
    return assessment.judge(
        kind=indicator.kind,
        strict=indicator.strict,
        target_value=indicator.target_value,
        value=result.value if result else None,
        stage=assessment.stage_used(stages),
    )


def _row(indicator, results, stages):
    result = results.get((indicator.pk, None))
    city_stages = stages.get((indicator.pk, None)) or stages.get((indicator.pk, "any"), ())
    baseline = result.baseline if result and result.baseline is not None else number(indicator.baseline_value)
    return Row(indicator=indicator, baseline=baseline, verdict=_verdict(indicator, result, city_stages))


def _region_verdicts(indicators, results, stages):
    """(region, verdict) of every region for each target broken down by region and judged there."""
    judged = [i for i in indicators if i.by_region and assessment.judged_in_regions(i.kind)]
    if not judged:
        return []
    return [
        (region, _verdict(i, results.get((i.pk, region.pk)), stages.get((i.pk, region.pk), ())))
        for region in Region.objects.all()
        for i in judged
    ]


def gap_text(indicator, gap):
    """The gap in the target's terms: points for reductions in %, else the indicator's unit."""
    if gap is None:
        return "—"
    if indicator.kind in ("relative_reduction", "point_reduction"):
        return _("%(value)s points") % {"value": format_number(gap)}
    unit = indicator.display_unit
    return f"{format_number(gap)}{'' if unit == '%' else ' '}{unit}".strip()


def workbook(*, plan, data):
    """The assessment as XLSX bytes: the targets, then the shares, the departments and the regions."""
    book = Workbook()
    targets = book.active
    targets.title = _("Targets")[:31]
    _heading(targets, plan)
    _table(targets, _target_headers(), [_target_cells(row) for row in data["rows"]])
    _share_sheet(book, _("Shares met"), plan, [(_share_name(key), s) for key, s in data["shares"].items()])
    _share_sheet(book, _("Departments"), plan, [(d.display_name, s) for d, s in data["departments"].items()])
    _share_sheet(book, _("Regions"), plan, [(r.display_name, s) for r, s in data["regions"].items()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet, plan):
    write_cell(sheet.cell(row=1, column=1), _("Final assessment of %(plan)s") % {"plan": plan.display_name})
    sheet.cell(row=1, column=1).font = Font(bold=True)
    write_cell(sheet.cell(row=2, column=1), plan.document_number)


def _table(sheet, headers, lines):
    """Headers in row 3 (as the overview workbook has them), one line a row below; statuses painted."""
    for column, header in enumerate(headers, start=1):
        write_cell(sheet.cell(row=3, column=column), str(header)).font = Font(bold=True)
    for number_, cells in enumerate(lines, start=4):
        for column, value in enumerate(cells, start=1):
            status = value[1] if isinstance(value, tuple) else None
            cell = write_cell(sheet.cell(row=number_, column=column), value[0] if status else value)
            if status:
                paint_status(cell, status)
    sheet.freeze_panes = "A4"


def _target_headers():
    return [
        _("Code"), _("Indicator"), _("Binding"), _("Baseline"), _("Target"), _("Final value"), _("Stage"),
        _("Outcome"), _("Gap"),
    ]  # fmt: skip


def _target_cells(row):
    indicator, verdict = row.indicator, row.verdict
    return [
        indicator.code,
        indicator.display_name,
        _("Binding") if indicator.binding else _("Expected"),
        row.baseline,
        indicator.target_label,
        verdict.value,
        str(row.stage_label),
        (str(row.outcome_label), verdict.status),
        verdict.gap,
    ]


def _share_sheet(book, title, plan, shares):
    sheet = book.create_sheet(str(title)[:31])
    _heading(sheet, plan)
    headers = [title, _("Met"), _("Assessed"), _("No data"), _("Share met (%)")]
    _table(sheet, headers, [[str(name), s.met, s.assessed, s.missing, text.percent(s.ratio)] for name, s in shares])


SHARE_NAMES = {
    "all": gettext_lazy("All targets"),
    "binding": gettext_lazy("Binding targets (约束性)"),
    "expected": gettext_lazy("Expected targets (预期性)"),
}


def _share_name(key):
    return SHARE_NAMES[key]
