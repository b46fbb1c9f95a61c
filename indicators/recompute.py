"""Recomputing progress: changes noted as pending, jobs queued, runs tracked, results written with COPY."""

import json
import logging
from datetime import timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from . import frames, kinds, pgcopy, progress
from .models import Figure, Indicator, PendingRecompute, Plan, RecomputeRun, Result

logger = logging.getLogger(__name__)


def figures_changed(*, indicator_ids=(), statistic_ids=()):
    """Approved figures of these statistics, or the definition of these indicators, changed: every target
    concerned (those reading the statistics, in plans that are not closed) is noted as pending in the
    caller's transaction, and its recompute is queued once it commits. Should the job never be queued or
    never finish, the note stays and the periodic `recompute_stale` job recomputes them."""
    ids = set(indicator_ids)
    if statistic_ids:
        readers = Indicator.objects.filter(statistic__in=set(statistic_ids)).exclude(plan__status=Plan.Status.CLOSED)
        ids.update(readers.values_list("pk", flat=True))
    ids = sorted(ids)
    if ids:
        PendingRecompute.objects.bulk_create(PendingRecompute(indicator_id=pk) for pk in ids)
        transaction.on_commit(lambda: _dispatch_recompute(ids))


def _dispatch_recompute(ids):
    from .tasks import recompute_indicators  # tasks import this module

    # One run per plan, so that each plan's pages follow their own; recorded before the job is queued,
    # so pages say "recompute queued" at once.
    by_plan = {}
    for pk, plan_id in Indicator.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "plan_id"):
        by_plan.setdefault(plan_id, []).append(pk)
    for plan_id, plan_ids in sorted(by_plan.items()):
        run = RecomputeRun.objects.create(plan_id=plan_id, total=len(plan_ids), indicator_ids=plan_ids)
        _send(recompute_indicators, run, plan_ids)


def recompute_queue(*, plan):
    """Queues a recompute of every indicator of `plan` (an administrator's button); the page follows its
    run. Returns the run, already failed when the queue did not take it (outside a transaction; inside one
    the job is sent at the commit)."""
    from .tasks import recompute_plan

    run = RecomputeRun.objects.create(whole_plan=True, plan=plan)
    transaction.on_commit(lambda: _send(recompute_plan, run, plan.pk))
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


def progress_recompute(*, indicator_ids=None, plan_id=None, on_progress=None, run_id=None, task_id=""):
    """Recomputes the results of the given indicators (all when None, or all of plan `plan_id`) from their
    approved figures.

    Works in batches of indicators, each in one transaction that locks its indicators' rows, so two
    recomputes of the same indicator run one after the other and the second writes the same rows.
    `on_progress(done, total)` is called after each batch. The run is recorded in a RecomputeRun (the
    queued one `run_id` names, else the one of Celery task `task_id`, else a new one) with its progress
    and a heartbeat. Returns the number of results written (0 when the run needs no attempt)."""
    ids = frames.indicator_ids(indicator_ids, plan_id=plan_id)
    run = _run_start(run_id, task_id, ids=ids, whole_plan=indicator_ids is None, plan_id=plan_id)
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
    ids = [pk for pk in frames.stale_indicator_ids() if pk not in busy]
    return progress_recompute(indicator_ids=ids, task_id=task_id) if ids else 0


# A run whose worker was lost this many times (killed mid-run, the message handed back each time) is a
# poison job: it is given up rather than killing every worker that takes it.
MAX_ATTEMPTS = 3


def _run_start(run_id, task_id, *, ids, whole_plan, plan_id=None):
    """The run this attempt works for, marked running; None when no attempt is wanted: its work is done
    (a late or repeated message), or its previous attempts all died mid-run."""
    run = _run_of(run_id, task_id) or RecomputeRun(
        whole_plan=whole_plan, plan_id=plan_id, indicator_ids=None if whole_plan else ids, task_id=task_id or ""
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
    latest = dict(
        Result.objects.filter(region__isnull=True)
        .exclude(status=progress.GREY)
        .values_list("indicator__plan_id")
        .annotate(year=Max("year"))
        .order_by()
    )
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        results=written,
        approved_figures=approved["n"],
        last_approved_at=approved["last"],
        latest_year=max(latest.values(), default=None),
        latest_years={str(plan_id): year for plan_id, year in latest.items()},
    )
    _runs_supersede(run)
    cutoff = timezone.now() - timedelta(days=RUNS_KEPT_DAYS)
    RecomputeRun.objects.filter(finished_at__lt=cutoff).delete()


def _runs_supersede(run):
    """Closes the older open runs this finished one covered (every one, or those of a subset of its
    indicators): they were queued after their figures were committed, and this run, queued later still,
    read those figures. Their late messages then find them closed and do nothing."""
    older = RecomputeRun.objects.filter(pk__lt=run.pk, status__in=RecomputeRun.OPEN)
    if run.plan_id is not None:
        older = older.filter(plan_id=run.plan_id)
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
    results = progress.compute(frames.indicators_frame(ids), frames.figures_frame(ids), frames.trajectory_frame(ids))
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
