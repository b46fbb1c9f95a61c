"""What people owe and do with figures, read for the entry, upload, review and completeness pages and the
reminders: each statistic owed once across the active plans, each read in a fixed number of queries."""

from django.core.paginator import Paginator
from django.db.models import F

from departments.models import Department, Region

from . import kinds, permissions, schedule
from .models import Figure, Indicator, Plan, TaskResponsibility


def _cells(figures):
    """{(statistic_id, region_id, year): [figures]} from an iterable of figures."""
    cells = {}
    for figure in figures:
        cells.setdefault((figure.statistic_id, figure.region_id, figure.year), []).append(figure)
    return cells


def owed(user):
    """What a user enters, each statistic once across the active plans: a list of the targets reading each
    statistic that the user may enter, the latest plan's first (it names the row). 1 query."""
    targets = (
        permissions.enterable_indicators(user)
        .select_related("statistic", "task__plan")
        .order_by("-plan__baseline_year", "-plan_id", "task__position", "position")
    )
    by_statistic = {}
    for target in targets:
        by_statistic.setdefault(target.statistic_id, []).append(target)
    return list(by_statistic.values())


def entry_targets(*, user, statistic):
    """The targets reading `statistic` whose figures the user may enter, the latest plan's first: 1 query."""
    return [
        target
        for target in permissions.enterable_indicators(user)
        .filter(statistic=statistic)
        .select_related("statistic", "task__plan")
        .order_by("-plan__baseline_year", "-plan_id")
    ]


def owed_years(targets, today):
    """The years a statistic is due for on `today`: those of every target reading it, each up to the year
    being collected within its own plan."""
    years = set()
    for target in targets:
        plan = target.task.plan
        years.update(
            _due_years(target, schedule.reporting_year(today, first=plan.baseline_year, last=plan.target_year))
        )
    return years


def entry_grid(*, user, today):
    """A user's statistics x years across the active plans, the state of each, and what needs their
    action: 3 queries."""
    scope_region = None if user.department_id else user.region_id
    owing = owed(user)
    figures = Figure.objects.filter(
        statistic__in=[targets[0].statistic_id for targets in owing], region_id=scope_region
    )
    cells = _cells(figures.select_related("statistic"))
    plans = {target.task.plan for targets in owing for target in targets} or set(filter(None, [Plan.objects.current()]))
    latest = max(plans, key=lambda p: (p.baseline_year, p.pk), default=None)
    years = list(
        range(min((p.baseline_year for p in plans), default=0), max((p.target_year for p in plans), default=-1) + 1)
    )
    last_due = schedule.reporting_year(today, first=latest.baseline_year, last=latest.target_year) if latest else None
    rows = []
    for targets in owing:
        due, statistic = owed_years(targets, today), targets[0].statistic
        states = []
        for year in years:
            status = schedule.cell_status(f.status for f in cells.get((statistic.pk, scope_region, year), []))
            states.append({"year": year, "status": status, "due": year in due})
        rows.append({"indicator": targets[0], "statistic": statistic, "targets": targets, "cells": states})
    action = [f for group in cells.values() for f in group if f.status in (Figure.Status.RETURNED, Figure.Status.DRAFT)]
    return {
        "plan": latest,
        "years": years,
        "rows": rows,
        "region": user.region if scope_region else None,
        "missing": sum(1 for row in rows for c in row["cells"] if c["due"] and c["status"] == schedule.MISSING),
        "returned": sorted((f for f in action if f.status == Figure.Status.RETURNED), key=_figure_order),
        "drafts": sorted((f for f in action if f.status == Figure.Status.DRAFT), key=_figure_order),
        "deadline": latest.report_deadline(last_due) if latest else None,
        "reporting_year": last_due,
    }


def _due_years(indicator, last_year):
    return schedule.due_years(
        kind=indicator.kind,
        baseline_year=indicator.baseline_year,
        has_baseline_value=indicator.baseline_value is not None,
        last_year=last_year,
    )


def _figure_order(figure):
    return (figure.year, figure.statistic.code, figure.measure, figure.stage)


def entry_cell(*, indicator, region, year, stage):
    """One statistic's figures for a year (and region), as the target `indicator` reads them, last year's
    beside them, and the form's starting values for `stage` (final unless preliminary is asked for): 1 query."""
    stage = stage if stage in kinds.STAGES else kinds.FINAL
    figures = Figure.objects.filter(statistic=indicator.statistic_id, region=region, year__in=[year - 1, year])
    figures = list(figures.select_related("entered_by", "reviewed_by").order_by("year", "measure", "stage"))
    current = [f for f in figures if f.year == year]
    shown = [f for f in current if f.stage == stage]
    # 29, not 29.000000: the value as the clerk typed it.
    initial = {"stage": stage, "note": shown[0].note if shown else ""} | {
        f.measure: f"{f.value.normalize():f}" for f in shown
    }
    return {
        "indicator": indicator,
        "region": region,
        "year": year,
        "current": current,
        "previous": [f for f in figures if f.year == year - 1 and f.status != Figure.Status.RETURNED],
        "initial": initial,
        "locked": any(f.is_locked for f in shown),
        "returned": [f for f in shown if f.status == Figure.Status.RETURNED],
    }


REVIEW_PAGE_SIZE = 100


def review_queue(*, user, page=1):
    """A page of the submitted figures the user may review, oldest first, with last year's value beside
    each: 3 queries (count, page, last year's values), however long the queue."""
    queryset = (
        permissions.reviewable_figures(user)
        .select_related("statistic", "region", "entered_by")
        .order_by("submitted_at", "statistic__code", "year", "pk")
    )
    page = Paginator(queryset, REVIEW_PAGE_SIZE).get_page(page)
    figures = list(page.object_list)
    previous = Figure.objects.filter(
        statistic__in={f.statistic_id for f in figures},
        year__in={f.year - 1 for f in figures},
        status=Figure.Status.APPROVED,
    ).values_list("statistic_id", "region_id", "year", "measure", "stage", "value")
    last = {}
    for statistic_id, region_id, year, measure, _stage, value in sorted(previous, key=lambda r: r[4] == "final"):
        last[(statistic_id, region_id, year + 1, measure)] = value  # final sorts last: it wins
    for figure in figures:
        figure.previous_value = last.get((figure.statistic_id, figure.region_id, figure.year, figure.measure))
    page.object_list = figures
    return page


OPEN = (schedule.MISSING, schedule.DRAFT, schedule.RETURNED)  # what a unit still has to do


def completeness(*, plan, year, today, unit=None):
    """Per department (the tasks it leads) and region (indicators broken down by region): how many
    indicators are due for `year`, and how many are missing, drafts, returned, submitted, approved, late.
    Only `unit`'s row when given. 5 queries, whatever the number of units."""
    deadline = plan.report_deadline(year)
    indicators = list(
        Indicator.objects.filter(task__plan=plan).only(
            "kind", "baseline_year", "baseline_value", "by_region", "task_id", "position", "statistic_id"
        )
    )
    due = [i for i in indicators if year in _due_years(i, year)]
    leads = {}
    for task_id, department in TaskResponsibility.objects.filter(
        task__plan=plan, role=TaskResponsibility.Role.LEAD
    ).values_list("task_id", "department_id"):
        leads.setdefault(department, set()).add(task_id)
    statuses = {}
    for statistic_id, region_id, status in Figure.objects.filter(
        year=year, statistic__in={i.statistic_id for i in due}
    ).values_list("statistic_id", "region_id", "status"):
        statuses.setdefault((statistic_id, region_id), []).append(status)
    units = [
        (d, [(i.statistic_id, None) for i in due if i.task_id in leads.get(d.pk, ())]) for d in Department.objects.all()
    ]
    units += [(r, [(i.statistic_id, r.pk) for i in due if i.by_region]) for r in Region.objects.all()]
    if unit is not None:
        units = [(u, keys) for u, keys in units if u == unit]
    late = schedule.is_late(today, deadline)
    rows = []
    for each, keys in units:
        if not keys:
            continue
        counts = {status: 0 for status in (schedule.MISSING, *schedule.CELL_ORDER)}
        open_keys = {state: set() for state in OPEN}
        for key in set(keys):  # a statistic two targets read is owed once
            status = schedule.cell_status(statuses.get(key, []))
            counts[status] += 1
            if status in open_keys:
                open_keys[status].add(key)
        open_ = counts[schedule.MISSING] + counts[schedule.DRAFT] + counts[schedule.RETURNED]
        rows.append(
            {"unit": each, "due": len(set(keys)), **counts, "late": open_ if late else 0, "open": open_}
            | {"open_keys": open_keys}
        )
    return {"plan": plan, "year": year, "deadline": deadline, "is_late": late, "rows": rows}


def indicator_figures(*, indicator):
    """An indicator's figures with their status, and its change history (who, when, old -> new, why):
    3 queries."""
    figures = list(
        Figure.objects.filter(statistic=indicator.statistic_id)
        .select_related("region", "entered_by", "reviewed_by")
        .order_by(F("region__position").asc(nulls_first=True), "year", "measure", "stage")
    )
    records = list(
        Figure.history.filter(statistic_id=indicator.statistic_id)
        .select_related("history_user", "region")
        .order_by("id", "history_date", "history_id")
    )
    before = {}
    for record in records:  # each record's predecessor is the figure's record just before it
        record.old = before.get(record.id)
        before[record.id] = record
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    locked = sorted(
        {(f.year, f.region) for f in figures if f.is_locked},
        key=lambda pair: (pair[0], pair[1].position if pair[1] else -1),
    )
    return {"indicator": indicator, "figures": figures, "history": records[:HISTORY_SHOWN], "locked": locked}


HISTORY_SHOWN = 300


def template_rows(*, user, today):
    """The rows of a user's XLSX template: each statistic they owe, once across the active plans, and each
    due year, with the value already entered (final stage, the default measure) so they see what is there."""
    scope_region = None if user.department_id else user.region
    owing = owed(user)
    existing = {
        (statistic_id, year, measure): value
        for statistic_id, year, measure, value in Figure.objects.filter(
            statistic__in=[targets[0].statistic_id for targets in owing], region=scope_region, stage=kinds.FINAL
        ).values_list("statistic_id", "year", "measure", "value")
    }
    rows = []
    for targets in owing:
        target, statistic = targets[0], targets[0].statistic
        measure = kinds.default_measure(target.kind)
        for year in sorted(owed_years(targets, today)):
            rows.append(
                {
                    "indicator": statistic.code,
                    "region": scope_region.name if scope_region else "全市",
                    "year": year,
                    "measure": measure,
                    "stage": kinds.FINAL,
                    "value": existing.get((statistic.pk, year, measure)),
                    "name": statistic.name,
                    "unit": statistic.unit,
                    "target": "；".join(str(t.target_label) for t in targets),
                    "measures": ", ".join(statistic.measures),
                }
            )
    return rows
