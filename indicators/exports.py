"""A plan's catalogue and results as plain data: the JSON contracts of `manage.py export_plan` and
`export_progress`, also what the tests compare byte for byte."""

from django.db.models import F

from departments.models import Department, Region

from .formatting import number
from .models import Indicator, Plan, Result, Task


def plan_export(*, plan=None):
    """A plan's whole catalogue as plain data: the contract of `manage.py export_plan` (default: the only plan)."""
    plan = plan or Plan.objects.get()
    tasks = list(Task.objects.filter(plan=plan).for_overview())
    indicators = Indicator.objects.filter(task__plan=plan).order_by("position")
    tasks_by_id = {task.pk: task for task in tasks}
    return {
        "plan": {
            "name": plan.name,
            "name_en": plan.name_en,
            "document_number": plan.document_number,
            "adopted_on": plan.adopted_on.isoformat(),
            "baseline_year": plan.baseline_year,
            "target_year": plan.target_year,
        },
        "departments": [_unit(d) for d in Department.objects.all()],
        "regions": [_unit(r) for r in Region.objects.all()],
        "tasks": [
            {
                "code": task.code,
                "title": task.title,
                "lead_departments": [d.name for d in task.lead_departments],
                "cooperating_departments": [d.name for d in task.cooperating_departments],
            }
            for task in tasks
        ],
        "indicators": [_indicator(i, tasks_by_id[i.task_id]) for i in indicators],
    }


def _unit(unit):
    return {"name": unit.name, "name_en": unit.name_en, "kind": unit.kind, "aliases": list(unit.aliases)}


def _indicator(indicator, task):
    return {
        "code": indicator.code,
        "name": indicator.name,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "baseline_year": indicator.baseline_year,
        "baseline_value": number(indicator.baseline_value),
        "target_year": indicator.target_year,
        "target_value": number(indicator.target_value),
        "binding": indicator.binding,
        "task": task.code,
        "lead_departments": [d.name for d in task.lead_departments],
        "cooperating_departments": [d.name for d in task.cooperating_departments],
        "source_text": indicator.source_text,
    }


def progress_export(*, plan, indicator_code=None):
    """A plan's stored results as plain data: the contract of `manage.py export_progress`."""
    results = (
        Result.objects.filter(indicator__task__plan=plan)
        .select_related("indicator", "region")
        .order_by("indicator__position", "indicator_id", F("region__position").asc(nulls_first=True), "year")
    )
    if indicator_code:
        results = results.filter(indicator__code=indicator_code)
    return [
        {
            "indicator": r.indicator.code,
            "region": r.region.name if r.region_id else "",
            "year": r.year,
            "achieved": r.achieved,
            "expected": r.expected,
            "status": r.status,
            "required_per_year": r.required_per_year,
            "projected": r.projected,
            "explanation": {"rule": r.rule, "text": r.explanation, "source": r.source, **_inputs(r)},
        }
        for r in results
    ]


def _inputs(result):
    inputs = {name: getattr(result, name) for name in ("baseline", "previous", "current", "value")}
    return inputs | result.inputs
