"""Reads for pages and exports, each in a fixed number of queries."""

import pandas as pd
from django.db import connection
from django.db.models import F, FloatField
from django.db.models.functions import Cast, Coalesce, Greatest

from departments.models import Department, Region

from . import parsing, progress
from .formatting import number
from .models import Figure, Indicator, Plan, Result, Task


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


# --- For the import parser and the progress engine ---------------------------------------------------


def indicator_specs(indicators, *, plan):
    """What the import parser needs to know of each indicator, by code."""
    return {
        i.code: parsing.IndicatorSpec(
            code=i.code,
            kind=i.kind,
            unit=i.unit,
            by_region=i.by_region,
            components=i.energy_components,
            first_year=i.baseline_year,
            last_year=max(i.target_year, plan.target_year),
        )
        for i in indicators
    }


def region_names():
    """Every name a file may use for a region (Chinese name, English name, aliases) -> its name."""
    names = {}
    for name, name_en, aliases in Region.objects.values_list("name", "name_en", "aliases"):
        for alias in [name, name_en, *aliases]:
            if alias:
                names[alias] = name
    return names


def indicator_ids(ids=None):
    queryset = Indicator.objects.all() if ids is None else Indicator.objects.filter(pk__in=ids)
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def indicators_frame(ids):
    """The engine's indicator table; the plan's threshold fills in where an indicator has none."""
    rows = Indicator.objects.filter(pk__in=ids).values_list(
        "pk",
        "kind",
        "baseline_year",
        "target_year",
        "target_value",
        "strict",
        "baseline_value",
        Coalesce("green_ratio", "task__plan__green_ratio"),
        Greatest("target_year", "task__plan__target_year"),
    )
    frame = pd.DataFrame(list(rows), columns=progress.INDICATOR_COLUMNS)
    for column in ["target_value", "baseline_value", "green_ratio"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def figures_frame(ids):
    """Approved figures of the indicators as the engine's frame, read with one raw query: no model
    instances and no Decimal conversion per row (this read is the benchmark's yardstick)."""
    queryset = Figure.objects.filter(indicator_id__in=ids, status=Figure.Status.APPROVED).values_list(
        "indicator_id", "region_id", "year", "measure", "stage", Cast("value", FloatField())
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        frame = pd.DataFrame(cursor.fetchall(), columns=progress.FIGURE_COLUMNS)
    frame["region_id"] = frame["region_id"].fillna(progress.CITY).astype("int64")
    frame["value"] = frame["value"].astype(float)
    return frame


def trajectory_frame(ids):
    rows = [
        (pk, int(year), float(value))
        for pk, trajectory in Indicator.objects.filter(pk__in=ids)
        .exclude(trajectory={})
        .values_list("pk", "trajectory")
        for year, value in trajectory.items()
    ]
    return pd.DataFrame(rows, columns=progress.TRAJECTORY_COLUMNS)


def progress_export(*, indicator_code=None):
    """The stored results as plain data: the contract of `manage.py export_progress`."""
    results = Result.objects.select_related("indicator", "region").order_by(
        "indicator__position", "indicator_id", F("region__position").asc(nulls_first=True), "year"
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
