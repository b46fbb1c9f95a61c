"""Writes that span models."""

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments import roles
from departments.models import Department, Region
from departments.services import roles_ensure, user_upsert

from . import kinds, parsing, pgcopy, plausibility, progress, selectors
from .demo import demo_rows
from .models import Figure, Indicator, PendingRecompute, Plan, PlanEvent, RecomputeRun, Result, Task, TaskResponsibility

logger = logging.getLogger(__name__)


@transaction.atomic
def plan_load(*, catalogue):
    """Creates or updates the plan, its departments, regions, tasks and indicators from a catalogue
    (see indicators.catalogue). Keyed on natural keys, so loading twice gives the same database;
    baseline values already entered are kept when the catalogue has none."""
    departments = _upsert_units(Department, catalogue["departments"])
    _upsert_units(Region, catalogue["regions"])

    data = catalogue["plan"]
    # A plan is loaded as a draft (only administrators see it) and keeps its state when loaded again.
    plan, _ = Plan.objects.update_or_create(
        document_number=data["document_number"],
        defaults={key: data[key] for key in ("name", "name_en", "adopted_on", "baseline_year", "target_year")}
        | {"slug": data.get("slug") or _free_slug(data), "fictional": data.get("fictional", False)},
    )

    tasks = {}
    for position, item in enumerate(catalogue["tasks"]):
        task, _ = Task.objects.update_or_create(
            plan=plan,
            code=item["code"],
            defaults={key: item[key] for key in ("title", "title_en", "text", "responsibility_text")}
            | {"position": position},
        )
        tasks[item["code"]] = task
        _set_responsibilities(task, item, departments)

    for position, item in enumerate(catalogue["indicators"]):
        fields = {
            key: item[key]
            for key in (
                "section",
                "name",
                "name_en",
                "unit",
                "unit_en",
                "kind",
                "baseline_year",
                "target_year",
                "target_value",
                "binding",
                "by_region",
                "strict",
                "energy_components",
                "source_text",
                "note",
            )
        }
        if item["baseline_value"] is not None:
            fields["baseline_value"] = item["baseline_value"]
        # Keyed on the plan and the code: loading a plan never moves another plan's indicators.
        Indicator.objects.filter(task__plan=plan).update_or_create(
            code=item["code"], defaults=fields | {"task": tasks[item["task"]], "position": position}
        )
    return plan


def _free_slug(data):
    """A short name for a catalogue that gives none: its baseline and target years, made unique."""
    base = f"plan-{data['baseline_year']}-{data['target_year']}"
    existing = Plan.objects.filter(document_number=data["document_number"]).values_list("slug", flat=True).first()
    if existing:
        return existing
    taken = set(Plan.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class TransitionRefused(Exception):
    """The plan cannot move to that state (plans move forward only), or no reason was given."""


@transaction.atomic
def plan_transition(*, plan, to, reason, user):
    """Moves a plan to its next state (draft → active → closed), keeping who, when and why."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # two administrators at once: one moves it
    if not reason.strip():
        raise TransitionRefused(gettext("Give the reason for the change."))
    if to != plan.next_status():
        raise TransitionRefused(
            gettext("The plan is %(status)s; it cannot become %(to)s.")
            % {"status": plan.get_status_display(), "to": Plan.Status(to).label}
        )
    PlanEvent.objects.create(plan=plan, from_status=plan.status, to_status=to, reason=reason.strip(), user=user)
    plan.status = to
    plan.save(update_fields=["status"])
    return plan


def _upsert_units(model, items):
    """Departments or regions by name, in catalogue order; returns them by name."""
    units = {}
    for position, item in enumerate(items):
        fields = {key: item[key] for key in ("name_en", "kind", "aliases")} | {"position": position}
        units[item["name"]], _ = model.objects.update_or_create(name=item["name"], defaults=fields)
    return units


def _set_responsibilities(task, item, departments):
    wanted = [(name, TaskResponsibility.Role.LEAD) for name in item["lead_departments"]]
    wanted += [(name, TaskResponsibility.Role.COOPERATING) for name in item["cooperating_departments"]]
    task.responsibilities.exclude(department__name__in=[name for name, _ in wanted]).delete()
    for position, (name, role) in enumerate(wanted):
        TaskResponsibility.objects.update_or_create(
            task=task, department=departments[name], defaults={"role": role, "position": position}
        )


DEMO_SOURCE = "演示数据（非官方统计）"
DEMO_PASSWORD = "demo-2025"
# (username, role, department, region, first name): one person per role, see README.md.
DEMO_USERS = [
    ("clerk", roles.CLERK, "市生态环境局", None, "生态环境局填报员"),
    ("colleague", roles.CLERK, "市生态环境局", None, "生态环境局填报员二"),
    ("head", roles.HEAD, "市发改委（市能源局）", None, "发改委负责人"),
    ("reviewer", roles.REVIEWER, "市统计局", None, "统计局审核员"),
    ("region_clerk", roles.CLERK, None, "鲅鱼圈区", "鲅鱼圈区填报员"),
    ("leader", roles.LEADER, None, None, "市领导"),
    ("admin", roles.ADMINISTRATOR, None, None, "系统管理员"),
]


@transaction.atomic
def demo_load(*, plan):
    """Demo users for every role and illustrative figures for 2020–2024, all approved.

    Replaces only earlier demo figures; a figure entered for real is never overwritten.
    Returns the users created, for the command to print their logins."""
    roles_ensure()
    users = [
        user_upsert(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first_name,
            department=Department.objects.get(name=department) if department else None,
            region=Region.objects.get(name=region) if region else None,
            is_staff=role == roles.ADMINISTRATOR,
            is_superuser=role == roles.ADMINISTRATOR,
        )
        for username, role, department, region, first_name in DEMO_USERS
    ]
    indicators = {i.code: i for i in Indicator.objects.filter(task__plan=plan)}
    regions = {r.name: r for r in Region.objects.exclude(kind=Region.Kind.DEVELOPMENT_ZONE)}
    Figure.objects.filter(indicator__task__plan=plan, source=DEMO_SOURCE).delete()
    taken = set(
        Figure.objects.filter(indicator__task__plan=plan, stage=Figure.Stage.FINAL).values_list(
            "indicator__code", "region__name", "year", "measure"
        )
    )
    rows = demo_rows(
        [
            {
                "code": i.code,
                "kind": i.kind,
                "target_value": i.target_value,
                "target_year": i.target_year,
                "by_region": i.by_region,
            }
            for i in indicators.values()
        ],
        list(regions),
    )
    by_username = {user.username: user for user in users}
    # Entered by the 生态环境局 clerk, approved by the 统计局 reviewer, who approves across departments.
    entered_by, reviewed_by, now = by_username["clerk"], by_username["reviewer"], timezone.now()
    bulk_create_with_history(
        [
            Figure(
                indicator=indicators[code],
                region=regions[region] if region else None,
                year=year,
                measure=measure,
                value=value,
                status=Figure.Status.APPROVED,
                source=DEMO_SOURCE,
                entered_by=entered_by,
                reviewed_by=reviewed_by,
                reviewed_at=now,
            )
            for code, region, year, measure, value in rows
            if (code, region, year, measure) not in taken
        ],
        Figure,
        default_user=entered_by,
        default_change_reason="load_demo",
    )
    _demo_submissions(indicators, by_username, taken)
    plan.has_demo_data = True
    plan.save(update_fields=["has_demo_data"])
    figures_changed(indicator_ids={i.pk for i in indicators.values()})
    return users


# Figures of the year being collected, waiting in the review queue:
# (indicator, region, measure, change on 2024, entered by).
DEMO_SUBMISSIONS = [
    ("COD", "鲅鱼圈区", kinds.AMOUNT, Decimal("1.05"), "region_clerk"),
    ("STRAW_USE", None, kinds.LEVEL, Decimal("1.01"), "clerk"),
]


def _demo_submissions(indicators, users, taken):
    """A few 2025 figures submitted by demo clerks, so the review pages have something to show."""
    now = timezone.now()
    for code, region, measure, factor, username in DEMO_SUBMISSIONS:
        last = Figure.objects.filter(
            indicator=indicators[code], region__name=region, year=2024, measure=measure, status=Figure.Status.APPROVED
        ).first()
        if last is None or (code, region, 2025, measure) in taken:
            continue
        value = (last.value * factor).quantize(Decimal("0.1"))
        figure = Figure(
            indicator=indicators[code],
            region=last.region,
            year=2025,
            measure=measure,
            value=min(value, Decimal(100)) if measure == kinds.LEVEL else value,
            status=Figure.Status.SUBMITTED,
            source=DEMO_SOURCE,
            entered_by=users[username],
            submitted_at=now,
            note="演示：2025年初步汇总",
        )
        figure._history_user, figure._change_reason = users[username], "load_demo"
        figure.save()


# --- Figures: import and change notification -------------------------------------------------------


class ImportRejected(Exception):
    """The file was refused; nothing was saved. `problems` name the line and column of each."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportSummary:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    indicator_ids: set = field(default_factory=set)


CREATE, REPLACE, UNCHANGED = "create", "replace", "unchanged"


@dataclass
class Change:
    """What importing one row does: create a figure, replace an existing one's value, or nothing."""

    row: parsing.Row
    indicator: Indicator
    region: Region | None
    figure: Figure | None  # the figure as it is now, if there is one
    action: str
    flags: list = field(default_factory=list)  # plausibility findings (see indicators.plausibility)

    @property
    def flag_texts(self):
        return [plausibility.flag_text(flag, gettext) for flag in self.flags]


def figures_import(*, data, filename, user=None, approve=False, scope=None, skip_blank=False, plan=None):
    """Reads a CSV or XLSX file of figures and saves all its rows or none.

    Every row is checked before anything is written; any problem raises ImportRejected. A row for a
    figure that exists replaces its value as a new revision (the history keeps the old one). Rows are
    submitted for review, or approved when `approve` (official data loaded by an administrator with
    `manage.py import_figures --approve`). Submitted rows may not change an approved (locked) figure,
    and a row the plausibility checks flag needs a note. `scope` (permissions.EntryScope) limits the
    rows to what an uploading user may enter."""
    rows, indicators = figures_read(data=data, filename=filename, skip_blank=skip_blank, plan=plan)
    return _figures_save(rows, indicators=indicators, user=user, approve=approve, scope=scope, filename=filename)


def figures_save(*, rows, filename, user, scope):
    """Submits rows parsed earlier (an upload's, see figures_parse) for review, all or none, after checking
    them again against the database: scope, locks and plausibility (ImportRejected on any problem)."""
    return _figures_save(
        rows, indicators=figures_indicators(), user=user, approve=False, scope=scope, filename=filename
    )


def figures_read(*, data, filename, skip_blank=False, plan=None):
    """The parsed rows of a file and the plan's indicators by code; ImportRejected on any problem."""
    rows, indicators, problems = figures_parse(data=data, filename=filename, skip_blank=skip_blank, plan=plan)
    if problems:
        raise ImportRejected(problems)
    return rows, indicators


def figures_indicators(*, plan=None):
    """The plan's indicators by code, with the task and plan that figures_plan reads."""
    plan = plan or Plan.objects.current()
    return {i.code: i for i in Indicator.objects.filter(task__plan=plan).select_related("task__plan")}


def figures_parse(*, data, filename, skip_blank=False, seconds=None, plan=None):
    """The good rows of a file, the plan's indicators by code, and the problems of the other rows.
    A file that cannot be read at all raises ImportRejected.

    `skip_blank`: rows with an empty value are not reported yet and skipped (the browser's template
    lists every indicator and year a user may report; they fill in what they have). `seconds` bounds
    the time a workbook may take to read. `plan`: whose indicators the rows name (default: the current plan)."""
    try:
        frame = parsing.read_table(data, filename, seconds=seconds)
    except parsing.FileProblem as error:
        raise ImportRejected([error.problem]) from None
    if skip_blank and "value" in frame:
        frame = frame[frame["value"].str.strip() != ""]
        if frame.empty:
            raise ImportRejected([parsing.Problem(line=None, column="value", message=NO_VALUES)])
    plan = plan or Plan.objects.current()
    indicators = figures_indicators(plan=plan)
    rows, problems = parsing.parse_figures(
        frame, indicators=selectors.indicator_specs(indicators.values(), plan=plan), regions=selectors.region_names()
    )
    return rows, indicators, problems


def figures_plan(rows, *, indicators, approve, scope, lock=False):
    """What importing `rows` would do, and the problems that forbid it (scope, locks, unexplained flags)."""
    regions = {r.name: r for r in Region.objects.all()}
    figures = Figure.objects.filter(indicator__code__in={row.indicator for row in rows})
    existing = {_key(f): f for f in (figures.select_for_update() if lock else figures)}
    # Last year's and the preliminary values as they will be once the file is in: the file wins.
    values = {key: f.value for key, f in existing.items() if f.status != Figure.Status.RETURNED}
    changes, problems = [], []
    for row in rows:
        indicator, region = indicators[row.indicator], regions[row.region] if row.region else None
        key = (indicator.pk, region.pk if region else None, row.year, row.measure, row.stage)
        values[key] = row.value
        figure = existing.get(key)
        if scope is not None and not scope.allows(indicator.pk, key[1]):
            problems.append(_row_problem(row, "indicator", OUTSIDE_SCOPE, indicator=row.indicator))
            continue
        changes.append(Change(row, indicator, region, figure, _action(row, figure, approve)))
    if not approve:
        for change in changes:
            problems += _submission_problems(change, values)
    return changes, problems


def _key(figure):
    return (figure.indicator_id, figure.region_id, figure.year, figure.measure, figure.stage)


def _action(row, figure, approve):
    if figure is None:
        return CREATE
    target = Figure.Status.APPROVED if approve else Figure.Status.SUBMITTED
    # The same value again is no new revision, and never takes back an approval.
    if figure.value == row.value and figure.note == row.note and figure.status in (target, Figure.Status.APPROVED):
        return UNCHANGED
    return REPLACE


NO_VALUES = kinds.gettext_noop("No row of the file has a value: fill in the value column.")
OUTSIDE_SCOPE = kinds.gettext_noop("You may not report figures of %(indicator)s for this region or the whole city.")
LOCKED = kinds.gettext_noop("The %(year)s figure is approved and locked; an administrator must unlock it first.")
NEEDS_NOTE = kinds.gettext_noop("Explain this value in the note column: %(flags)s")


def _row_problem(row, column, message, **params):
    return parsing.Problem(line=row.line, column=column, message=message, params=params)


def _submission_problems(change, values):
    """A locked figure may not change; a flagged value needs the submitter's explanation."""
    row = change.row
    if change.action == UNCHANGED:
        return []
    if change.figure is not None and change.figure.is_locked:
        return [_row_problem(row, "value", LOCKED, year=row.year)]
    cell = (change.indicator.pk, change.region.pk if change.region else None)
    previous, preliminary = neighbour_values(values, cell, row.year, row.stage)
    plan = change.indicator.task.plan
    change.flags = plausibility.check(
        values={row.measure: row.value},
        previous=previous,
        preliminary={m: v for m, v in preliminary.items() if m == row.measure},
        jump=plan.jump_threshold,
        tolerance=plan.final_tolerance,
    )
    if change.flags and not row.note.strip():
        texts = "; ".join(plausibility.flag_text(flag, gettext) for flag in change.flags)
        return [_row_problem(row, "note", NEEDS_NOTE, flags=texts)]
    return []


def neighbour_values(values, cell, year, stage):
    """Last year's values by measure (final preferred), and this year's preliminary ones when `stage`
    is final; `values` is keyed like figures: (indicator, region, year, measure, stage)."""
    previous, preliminary = {}, {}
    for measure in kinds.ALL_MEASURES:
        for last_stage in kinds.STAGES:  # preliminary first, so a final value overwrites it
            value = values.get((*cell, year - 1, measure, last_stage))
            if value is not None:
                previous[measure] = value
        value = values.get((*cell, year, measure, kinds.PRELIMINARY))
        if stage == kinds.FINAL and value is not None:
            preliminary[measure] = value
    return previous, preliminary


# What an import writes on each figure it creates or replaces.
IMPORT_FIELDS = ["value", "note", "status", "entered_by", "flags", "reviewed_by", "reviewed_at", "submitted_at"]


@transaction.atomic
def _figures_save(rows, *, indicators, user, approve, scope, filename):
    changes, problems = figures_plan(rows, indicators=indicators, approve=approve, scope=scope, lock=True)
    if problems:
        raise ImportRejected(problems)
    now, summary, reason = timezone.now(), ImportSummary(), f"import {filename}"
    status = Figure.Status.APPROVED if approve else Figure.Status.SUBMITTED
    review = {"reviewed_by": user if approve else None, "reviewed_at": now if approve else None}
    created, replaced, touched = [], [], set()
    for change in changes:
        row, figure = change.row, change.figure
        fields = {"value": row.value, "note": row.note, "status": status, "entered_by": user, "flags": change.flags}
        fields |= review | {"submitted_at": now}
        if change.action == UNCHANGED:
            summary.unchanged += 1
            continue
        if change.action == CREATE:
            created.append(
                Figure(
                    indicator=change.indicator,
                    region=change.region,
                    year=row.year,
                    measure=row.measure,
                    stage=row.stage,
                    **fields,
                )
            )
        else:
            if figure.status == Figure.Status.APPROVED:
                touched.add(figure.indicator_id)
            for name, new in fields.items():
                setattr(figure, name, new)
            figure.revision += 1
            figure.updated_at = now
            replaced.append(figure)
        if approve:
            touched.add(change.indicator.pk)
    bulk_create_with_history(created, Figure, default_user=user, default_change_reason=reason)
    bulk_update_with_history(
        replaced, Figure, [*IMPORT_FIELDS, "revision", "updated_at"], default_user=user, default_change_reason=reason
    )
    summary.created, summary.replaced, summary.indicator_ids = len(created), len(replaced), touched
    figures_changed(indicator_ids=touched)
    return summary


def figures_changed(*, indicator_ids):
    """Approved figures (or the definition) of these indicators changed: they are noted as pending in the
    caller's transaction, and their recompute is queued once it commits. Should the job never be queued
    or never finish, the note stays and the periodic `recompute_stale` job recomputes them."""
    ids = sorted(set(indicator_ids))
    if ids:
        PendingRecompute.objects.bulk_create(PendingRecompute(indicator_id=pk) for pk in ids)
        transaction.on_commit(lambda: _dispatch_recompute(ids))


def _dispatch_recompute(ids):
    from .tasks import recompute_indicators  # tasks import this module

    # The run is recorded before the job is queued, so pages say "recompute queued" at once.
    run = RecomputeRun.objects.create(total=len(ids), indicator_ids=ids)
    _send(recompute_indicators, run, ids)


def recompute_queue():
    """Queues a recompute of every indicator (an administrator's button); the page follows its run.
    Returns the run, already failed when the queue did not take it (outside a transaction; inside one
    the job is sent at the commit)."""
    from .tasks import recompute_all

    run = RecomputeRun.objects.create(whole_plan=True)
    transaction.on_commit(lambda: _send(recompute_all, run))
    run.refresh_from_db()
    return run


def _send(task, run, *args):
    """Queues `task` for `run`. It runs after a commit, inside a request: whatever goes wrong (broker or
    result store down, or in eager mode the recompute itself) is logged and recorded on the run, never
    raised, because the change that asked for it is already saved and stays pending for the catch-up."""
    try:
        task.delay(*args, run_id=run.pk)
    except Exception as error:
        logger.exception("Could not queue %s for recompute run %s", task.name, run.pk)
        _runs_fail(RecomputeRun.objects.filter(pk=run.pk, status=RecomputeRun.Status.QUEUED), f"not queued: {error!r}")


# --- Progress results --------------------------------------------------------------------------------

BATCH_SIZE = 5000  # indicators per transaction in a full recompute
# Done runs are kept this long: enough to see what happened last month, without growing forever.
RUNS_KEPT_DAYS = 60


def progress_recompute(*, indicator_ids=None, on_progress=None, run_id=None, task_id=""):
    """Recomputes the results of the given indicators (all when None) from their approved figures.

    Works in batches of indicators, each in one transaction that locks its indicators' rows, so two
    recomputes of the same indicator run one after the other and the second writes the same rows.
    `on_progress(done, total)` is called after each batch. The run is recorded in a RecomputeRun (the
    queued one `run_id` names, else the one of Celery task `task_id`, else a new one) with its progress
    and a heartbeat. Returns the number of results written (0 when the run needs no attempt)."""
    ids = selectors.indicator_ids(indicator_ids)
    run = _run_start(run_id, task_id, ids=ids, whole_plan=indicator_ids is None)
    if run is None:
        return 0
    written = 0
    try:
        for start in range(0, len(ids), BATCH_SIZE):
            written += _recompute_batch(ids[start : start + BATCH_SIZE])
            done = min(start + BATCH_SIZE, len(ids))
            RecomputeRun.objects.filter(pk=run.pk).update(done=done, results=written, heartbeat_at=timezone.now())
            if on_progress:
                on_progress(done, len(ids))
    except Exception as error:
        _runs_fail(RecomputeRun.objects.filter(pk=run.pk), repr(error))
        raise
    _run_finish(run, written)
    return written


def progress_recompute_stale(*, now, task_id=""):
    """The periodic catch-up (every 5 minutes): open runs that lost their message or their worker are
    marked failed, then the indicators whose results do not count their latest change are recomputed,
    except those a live run is still working on. Idempotent; beside a running recompute the indicator
    locks make the two take turns. Returns the number of results written."""
    alive_since = now - timedelta(seconds=settings.RECOMPUTE_RUN_TIMEOUT)
    open_runs = RecomputeRun.objects.filter(status__in=RecomputeRun.OPEN)
    _runs_fail(open_runs.filter(heartbeat_at__lt=alive_since), "no sign of life: its message or its worker was lost")
    alive = list(open_runs.values_list("whole_plan", "indicator_ids"))
    if any(whole_plan for whole_plan, _ in alive):
        return 0  # it reads every pending change; what it misses is caught up next time
    busy = {pk for _, ids in alive for pk in ids or ()}
    ids = [pk for pk in selectors.stale_indicator_ids() if pk not in busy]
    return progress_recompute(indicator_ids=ids, task_id=task_id) if ids else 0


# A run whose worker was lost this many times (killed mid-run, the message handed back each time) is a
# poison job: it is given up rather than killing every worker that takes it.
MAX_ATTEMPTS = 3


def _run_start(run_id, task_id, *, ids, whole_plan):
    """The run this attempt works for, marked running; None when no attempt is wanted: its work is done
    (a late or repeated message), or its previous attempts all died mid-run."""
    run = _run_of(run_id, task_id) or RecomputeRun(
        whole_plan=whole_plan, indicator_ids=None if whole_plan else ids, task_id=task_id or ""
    )
    if run.status in (RecomputeRun.Status.DONE, RecomputeRun.Status.SUPERSEDED):
        return None
    if run.status == RecomputeRun.Status.RUNNING and run.attempts >= MAX_ATTEMPTS:
        _runs_fail(RecomputeRun.objects.filter(pk=run.pk), f"given up after {run.attempts} attempts that never ended")
        return None
    now = timezone.now()
    run.status, run.started_at, run.heartbeat_at = RecomputeRun.Status.RUNNING, now, now
    run.total, run.done, run.attempts, run.error = len(ids), 0, run.attempts + 1, ""
    run.save()
    return run


def _run_of(run_id, task_id):
    if run_id:
        return RecomputeRun.objects.filter(pk=run_id).first()
    return RecomputeRun.objects.filter(task_id=task_id).first() if task_id else None


def _runs_fail(runs, error):
    runs.update(status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000])


def _run_finish(run, written):
    """Records what the results now stand on: the approved figures and the latest year with a result."""
    approved = Figure.objects.filter(status=Figure.Status.APPROVED).aggregate(n=Count("pk"), last=Max("reviewed_at"))
    latest = (
        Result.objects.filter(region__isnull=True).exclude(status=progress.GREY).aggregate(year=Max("year"))["year"]
    )
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        results=written,
        approved_figures=approved["n"],
        last_approved_at=approved["last"],
        latest_year=latest,
    )
    _runs_supersede(run)
    cutoff = timezone.now() - timedelta(days=RUNS_KEPT_DAYS)
    RecomputeRun.objects.filter(finished_at__lt=cutoff).delete()


def _runs_supersede(run):
    """Closes the older open runs this finished one covered (every one, or those of a subset of its
    indicators): they were queued after their figures were committed, and this run, queued later still,
    read those figures. Their late messages then find them closed and do nothing."""
    older = RecomputeRun.objects.filter(pk__lt=run.pk, status__in=RecomputeRun.OPEN)
    if not run.whole_plan:
        covered = set(run.indicator_ids or ())
        subsets = older.filter(whole_plan=False).values_list("pk", "indicator_ids")
        older = older.filter(pk__in=[pk for pk, ids in subsets if ids is not None and set(ids) <= covered])
    older.update(status=RecomputeRun.Status.SUPERSEDED, finished_at=timezone.now(), error=f"superseded by run {run.pk}")


@transaction.atomic
def _recompute_batch(ids):
    list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    # The pending changes are read before the figures: one committed in between stays pending, as its
    # figures may not have been read, and the catch-up recomputes it.
    pending = list(PendingRecompute.objects.filter(indicator_id__in=ids).values_list("pk", flat=True))
    results = progress.compute(
        selectors.indicators_frame(ids), selectors.figures_frame(ids), selectors.trajectory_frame(ids)
    )
    Result.objects.filter(indicator_id__in=ids).delete()
    _results_write(results)
    for start in range(0, len(pending), BATCH_SIZE):
        PendingRecompute.objects.filter(pk__in=pending[start : start + BATCH_SIZE]).delete()
    return len(results)


def _results_write(results):
    """Writes the engine's frame: binary COPY on PostgreSQL (see pgcopy), bulk_create elsewhere."""
    now, inputs = timezone.now(), _component_inputs(results)
    city = results["region_id"] == progress.CITY
    if connection.vendor != "postgresql":
        frame = results[progress.RESULT_COLUMNS].astype(object).where(results[progress.RESULT_COLUMNS].notna(), None)
        frame["region_id"] = frame["region_id"].where(~city, None)
        frame["source"] = frame["source"].fillna("")
        rows = frame.to_dict("records")
        Result.objects.bulk_create(
            (Result(**row, inputs=json.loads(text), computed_at=now) for row, text in zip(rows, inputs, strict=True)),
            batch_size=1000,
        )
        return
    columns = {
        "indicator_id": pgcopy.int8(results["indicator_id"].to_numpy()),
        "region_id": pgcopy.int8(results["region_id"].where(~city).to_numpy(dtype=float)),
        "year": pgcopy.int2(results["year"].to_numpy()),
        "status": pgcopy.text(results["status"]),
        "rule": pgcopy.text(results["rule"]),
        "source": pgcopy.text(results["source"].fillna("")),
        **{name: pgcopy.float8(results[name].to_numpy(dtype=float)) for name in FLOAT_COLUMNS},
        "inputs": pgcopy.jsonb(inputs),
        "computed_at": pgcopy.timestamptz(int(now.timestamp() * 1_000_000), len(results)),
    }
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Result._meta.db_table} ({names}) FROM STDIN WITH (FORMAT binary)") as copy,
    ):
        copy.write(pgcopy.encode(list(columns.values())))


FLOAT_COLUMNS = ["baseline", "previous", "current", "value", "achieved", "expected", "required_per_year", "projected"]


def _component_inputs(results):
    """The energy components as JSON, only on the (few) rows that have any; `{}` elsewhere."""
    inputs = pd.Series("{}", index=results.index, dtype=object)
    components = results[progress.COMPONENT_COLUMNS]
    has_any = components[list(kinds.COMPONENT_MEASURES)].notna().any(axis=1)
    for index, row in components[has_any].iterrows():
        inputs[index] = json.dumps({k: v for k, v in row.items() if not np.isnan(v)})
    return inputs
