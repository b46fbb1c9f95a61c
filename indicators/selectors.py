"""Reads for pages and exports, each in a fixed number of queries."""

from departments.models import Department, Region

from .formatting import number
from .models import Indicator, Plan, Task


def plan_export():
    """The whole catalogue as plain data: the contract of `manage.py export_plan`."""
    plan = Plan.objects.get()
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


def plan_overview():
    """Everything the first overview page shows: the plan and its tasks with indicators and leads."""
    plan = Plan.objects.first()
    tasks = list(Task.objects.filter(plan=plan).for_overview()) if plan else []
    return {
        "plan": plan,
        "tasks": tasks,
        "indicator_count": sum(len(task.indicators.all()) for task in tasks),
        "binding": [i for task in tasks for i in task.indicators.all() if i.binding],
    }
