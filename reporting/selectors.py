"""Reads for the dashboards (overview, indicator, department and region pages, the workbook and the annual
report). Each takes a fixed number of queries, whatever the number of indicators, regions or years: the
statuses come from the stored results, joined in SQL, never looked up row by row."""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from departments.models import Department, Region
from indicators import kinds, permissions, progress, schedule
from indicators.models import (
    Figure,
    Indicator,
    PendingRecompute,
    ProgressReport,
    RecomputeRun,
    Result,
    Task,
    TaskResponsibility,
)

PAGE_SIZE = 100
RESULT_FIELDS = ("status", "rule", "value", "current", "achieved", "expected", "required_per_year", "projected")
LIGHTS = (progress.RED, progress.YELLOW, progress.GREEN, progress.GREY)


def freshness(*, plan, now):
    """When `plan`'s results were last computed and from which approved figures, the recompute of it that is
    queued or running now, if any, and otherwise how many of its indicators have changes the results do not
    count yet (a recompute that failed or was lost; the periodic catch-up retries it): 2 queries.

    A queued or running run silent for longer than settings.RECOMPUTE_RUN_TIMEOUT lost its message or its
    worker: it is not shown, even before the catch-up marks it failed. A run for every plan counts for each."""
    pending = (
        f"SELECT COUNT(DISTINCT p.indicator_id) FROM {PendingRecompute._meta.db_table} p "
        f"JOIN {Indicator._meta.db_table} i ON i.id = p.indicator_id WHERE i.plan_id = %s"
    )
    runs = RecomputeRun.objects.filter(Q(plan=plan) | Q(plan__isnull=True))
    last = (
        runs.filter(status=RecomputeRun.Status.DONE)
        .annotate(behind=RawSQL(pending, [plan.pk]))  # on the same query: every page shows this line
        .order_by("-finished_at")
        .first()
    )
    alive_since = now - timedelta(seconds=settings.RECOMPUTE_RUN_TIMEOUT)
    active = runs.filter(status__in=RecomputeRun.OPEN, heartbeat_at__gte=alive_since).order_by("-pk").first()
    return {"last": last, "active": active, "behind": 0 if active or not last else last.behind}


def assessed_years(plan):
    return list(range(plan.baseline_year + 1, plan.target_year + 1))


def default_year(plan, fresh):
    """The plan's latest year with a result, so the page opens on the year there is something to say about."""
    latest = fresh["last"].latest_years.get(str(plan.pk)) if fresh["last"] else None
    years = assessed_years(plan)
    return latest if latest in years else years[0]


def with_result(indicators, *, year, region=None):
    """Each indicator annotated with its result for `year`, city-wide or for `region`: one LEFT JOIN.
    No result (never computed, or no data) reads as grey."""
    where = Q(results__year=year) & (Q(results__region=region) if region else Q(results__region__isnull=True))
    annotated = indicators.annotate(result=FilteredRelation("results", condition=where))
    fields = {name: F(f"result__{name}") for name in RESULT_FIELDS if name != "status"}
    return annotated.annotate(status=Coalesce(F("result__status"), Value(progress.GREY)), **fields)


def overview_indicators(*, plan, year, task=None, department=None, region=None, status=None):
    """The overview's indicators after its filters, with their year's result, in plan order, and the count
    of each light over them (before the status filter). A region shows the indicators broken down by
    region, with that region's results."""
    chosen = _chosen(plan, task=task, department=department, region=region)
    indicators = with_result(chosen, year=year, region=region)
    counts = dict(indicators.order_by().values_list("status").annotate(n=Count("pk")))
    if status:
        indicators = indicators.filter(status=status)
    ordered = indicators.select_related("task").order_by("task__position", "position")
    return ordered, {light: counts.get(light, 0) for light in LIGHTS}


def _chosen(plan, *, task=None, department=None, region=None):
    indicators = Indicator.objects.filter(task__plan=plan)
    if region:
        indicators = indicators.filter(by_region=True)
    if task:
        indicators = indicators.filter(task=task)
    if department:
        indicators = indicators.filter(task__responsibilities__department=department)
    return indicators


def overview(*, plan, year, page=1, **filters):
    """Everything the overview shows: the binding targets' tiles, the counts of each light, a page of
    indicators grouped by task with their lead departments, and who is behind. 10 queries."""
    indicators, counts = overview_indicators(plan=plan, year=year, **filters)
    status = filters.get("status")
    # Page through the ids first and join the results for that page only: ordering every indicator's
    # result row to keep 100 costs more than the rest of the page at national scale.
    if not status:  # no need to join the results to know which indicators a page holds
        indicators = _chosen(plan, **{k: v for k, v in filters.items() if k != "status"})
    ids = indicators.order_by("task__position", "position").values_list("pk", flat=True)
    paginator = Paginator(ids, PAGE_SIZE)
    paginator.count = counts[status] if status else sum(counts.values())  # known already: no COUNT(*)
    page = paginator.get_page(page)
    ids = list(page.object_list)
    region = filters.get("region")
    rows = list(
        with_result(Indicator.objects.filter(pk__in=ids), year=year, region=region)
        .select_related("task")
        .order_by("task__position", "position")
    )
    leads = lead_departments({row.task_id for row in rows})
    groups = {}
    for row in rows:
        groups.setdefault(row.task, []).append(row)
    binding = Indicator.objects.filter(task__plan=plan, binding=True).select_related("task")
    return {
        "year": year,
        "page": page,
        "groups": [{"task": task, "leads": leads.get(task.pk, []), "rows": group} for task, group in groups.items()],
        "counts": counts,
        "total": sum(counts.values()),
        "tiles": list(with_result(binding, year=year).order_by("position")),
        "behind": departments_behind(plan=plan, year=year),
        "regions": regions_status(plan=plan, year=year),
    }


def lead_departments(task_ids):
    """{task id: [lead departments]} for these tasks: 1 query."""
    leads = {}
    for responsibility in TaskResponsibility.objects.filter(
        task_id__in=task_ids, role=TaskResponsibility.Role.LEAD
    ).select_related("department"):
        leads.setdefault(responsibility.task_id, []).append(responsibility.department)
    return leads


def departments_behind(*, plan, year):
    """Departments ranked by the red, then yellow, indicators of the tasks they lead: 2 queries."""
    lead = "indicator__task__responsibilities"
    tallies = (
        Result.objects.filter(
            year=year,
            region__isnull=True,
            status__in=[progress.RED, progress.YELLOW],
            indicator__task__plan=plan,
            **{f"{lead}__role": TaskResponsibility.Role.LEAD},
        )
        .values(f"{lead}__department")
        .annotate(red=Count("pk", filter=Q(status=progress.RED)), yellow=Count("pk", filter=Q(status=progress.YELLOW)))
        .order_by("-red", "-yellow")
    )
    tallies = list(tallies)
    departments = Department.objects.in_bulk([t[f"{lead}__department"] for t in tallies])
    ranked = [
        {"department": departments[t[f"{lead}__department"]], "red": t["red"], "yellow": t["yellow"]} for t in tallies
    ]
    return sorted(ranked, key=lambda r: (-r["red"], -r["yellow"], r["department"].position))


def regions_status(*, plan, year):
    """Each region with the count of each light over the indicators broken down by region: 2 queries."""
    tallies = {
        region_id: {"red": red, "yellow": yellow, "green": green}
        # Only indicators broken down by region have regional results; saying so lets the database
        # start from those indicators and their index instead of reading every result of the year.
        for region_id, red, yellow, green in Result.objects.filter(
            year=year, region__isnull=False, indicator__by_region=True, indicator__task__plan=plan
        )
        .values("region_id")
        .annotate(
            red=Count("pk", filter=Q(status=progress.RED)),
            yellow=Count("pk", filter=Q(status=progress.YELLOW)),
            green=Count("pk", filter=Q(status=progress.GREEN)),
        )
        .values_list("region_id", "red", "yellow", "green")
    }
    empty = {"red": 0, "yellow": 0, "green": 0}
    return [{"region": region, **tallies.get(region.pk, empty)} for region in Region.objects.all()]


def explanation(annotated):
    """The rule behind an annotated indicator's light, in the reader's language."""
    if annotated.rule is None:
        return gettext("No result computed for this year yet.")
    return Result(rule=annotated.rule, achieved=annotated.achieved, expected=annotated.expected).explanation


# --- Indicator page ----------------------------------------------------------------------------------


def indicators_with_departments():
    """Indicators with their task's plan and departments at hand (2 queries for one indicator)."""
    responsibilities = TaskResponsibility.objects.select_related("department")
    return Indicator.objects.select_related("task__plan").prefetch_related(
        Prefetch("task__responsibilities", queryset=responsibilities)
    )


def indicator_progress(*, indicator):
    """An indicator's results by year, city-wide and per region, with the expected path in the target's
    own terms for the chart, and the latest year that has something to say: 1 query."""
    results = list(
        indicator.results.select_related("region").order_by(F("region__position").asc(nulls_first=True), "year")
    )
    city = [r for r in results if r.region_id is None]
    regions = {}
    for result in results:
        if result.region_id is not None:
            regions.setdefault(result.region, []).append(result)
    known = [r for r in city if r.status != progress.GREY]
    return {
        "results": city,
        "regions": regions,
        "latest": known[-1] if known else (city[-1] if city else None),
        "chart": _chart_series(indicator, city, regions),
    }


def _chart_series(indicator, city, regions):
    """Years from the baseline, the actual and expected progress and the target, in the target's terms."""
    target = float(indicator.target_value)
    baseline = _start_value(indicator, city)
    years = [indicator.baseline_year] + [r.year for r in city]
    expected = [baseline] + [
        progress.expected_value(kind=indicator.kind, expected=r.expected, target_value=target, baseline=r.baseline)
        for r in city
    ]
    # A year without data has no value; a region's share of a city-wide amount has one, not judged.
    return {
        "years": years,
        "actual": [baseline] + [r.value for r in city],
        "expected": expected,
        "target": target,
        "regions": {region.display_name: [None] + [r.value for r in rows] for region, rows in regions.items()},
    }


def _start_value(indicator, city):
    """Where the path starts: nothing achieved yet (0), or the baseline level for a level target."""
    if not kinds.kind(indicator.kind).level_target:
        return 0.0
    known = [r.baseline for r in city if r.baseline is not None]
    if known:
        return known[0]
    return float(indicator.baseline_value) if indicator.baseline_value is not None else None


# --- Department and region pages ---------------------------------------------------------------------


def department_overview(*, department, plan, year, today):
    """A department's tasks (led or shared) with their indicators and this year's lights, its figures
    that are due or overdue, the submissions waiting for its approval, and its progress reports: 8 queries."""
    indicators = with_result(Indicator.objects.order_by("position"), year=year)
    tasks = list(
        Task.objects.filter(plan=plan, responsibilities__department=department)
        .order_by("position")
        .prefetch_related(
            Prefetch("responsibilities", queryset=TaskResponsibility.objects.select_related("department")),
            Prefetch("indicators", queryset=indicators),
        )
    )
    for task in tasks:
        task.role = next(r.role for r in task.responsibilities.all() if r.department_id == department.pk)
    led = [i for task in tasks if task.role == TaskResponsibility.Role.LEAD for i in task.indicators.all()]
    awaiting = permissions.awaiting_approval(department)  # what its head approves, as the review queue
    reports = ProgressReport.objects.filter(department=department, year=year).select_related("updated_by")
    due = _open_figures(plan, led, today)
    return {
        "department": department,
        "year": year,
        "tasks": tasks,
        "due": due[:DUE_SHOWN],
        "due_count": len(due),
        "overdue_count": sum(1 for item in due if item["late"]),
        "awaiting": list(awaiting.select_related("statistic", "entered_by").order_by("submitted_at")[:AWAITING_SHOWN]),
        "awaiting_count": awaiting.count(),
        "reports": {report.task_id: report for report in reports},
    }


AWAITING_SHOWN = 20
DUE_SHOWN = 15


def _open_figures(plan, indicators, today):
    """The city-wide figures of these indicators that are due and not yet submitted, up to the year now
    being reported, the late ones marked: 1 query."""
    last = schedule.reporting_year(today, first=plan.baseline_year, last=plan.target_year)
    statuses = {}
    for statistic_id, year, status in Figure.objects.filter(
        statistic__in={i.statistic_id for i in indicators}, region__isnull=True
    ).values_list("statistic_id", "year", "status"):
        statuses.setdefault((statistic_id, year), []).append(status)
    rows = []
    for indicator in indicators:
        for year in schedule.due_years(
            kind=indicator.kind,
            baseline_year=indicator.baseline_year,
            has_baseline_value=indicator.baseline_value is not None,
            last_year=last,
        ):
            cell = schedule.cell_status(statuses.get((indicator.statistic_id, year), []))
            if cell in (schedule.MISSING, schedule.DRAFT, schedule.RETURNED):
                late = schedule.is_late(today, plan.report_deadline(year))
                rows.append({"indicator": indicator, "year": year, "status": cell, "late": late})
    return sorted(rows, key=lambda r: (not r["late"], r["year"], r["indicator"].position))


def region_overview(*, region, plan, year):
    """The indicators broken down by region: this region's lights and figures by year, and every region
    side by side for `year`: 3 queries."""
    indicators = list(Indicator.objects.filter(task__plan=plan, by_region=True).order_by("position"))
    own = {}
    for result in Result.objects.filter(region=region, indicator__in=indicators):
        own[(result.indicator_id, result.year)] = result
    side_by_side = {}
    for result in (
        Result.objects.filter(year=year, region__isnull=False, indicator__in=indicators)
        .select_related("region")
        .order_by("region__position")
    ):
        side_by_side.setdefault(result.indicator_id, []).append(result)
    years = assessed_years(plan)
    return {
        "region": region,
        "year": year,
        "years": years,
        "rows": [
            {
                "indicator": indicator,
                "cells": [own.get((indicator.pk, y)) for y in years],
                "regions": side_by_side.get(indicator.pk, []),
            }
            for indicator in indicators
        ],
    }


# --- Annual report -----------------------------------------------------------------------------------


def annual_report(*, plan, year):
    """The year's assessment: every task with its indicators' lights, the binding targets' paths for the
    charts, and the departments' progress reports: 6 queries."""
    indicators = with_result(Indicator.objects.order_by("position"), year=year)
    tasks = list(
        Task.objects.filter(plan=plan)
        .order_by("position")
        .prefetch_related(
            Prefetch("responsibilities", queryset=TaskResponsibility.objects.select_related("department")),
            Prefetch("indicators", queryset=indicators),
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.filter(year=year).select_related("department").order_by("department"),
            ),
        )
    )
    binding = [i for task in tasks for i in task.indicators.all() if i.binding]
    results = {}
    for result in Result.objects.filter(indicator__in=binding, region__isnull=True, year__lte=year).order_by("year"):
        results.setdefault(result.indicator_id, []).append(result)
    counts = {light: 0 for light in LIGHTS}
    for task in tasks:
        for indicator in task.indicators.all():
            counts[indicator.status] += 1
    return {
        "year": year,
        "tasks": tasks,
        "counts": counts,
        "binding": [(i, _chart_series(i, results.get(i.pk, []), {})) for i in binding],
    }
