"""Recompute runs and the periodic catch-up: a change whose recompute was never queued, failed or died is
recomputed by `recompute_stale`; runs that lost their worker are closed; a poison job is given up."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as project_settings
from django.db import transaction
from django.utils import timezone

from indicators import frames, recompute, tasks
from indicators.models import Figure, Indicator, PendingRecompute, RecomputeRun, Result


@pytest.fixture
def cod(plan):
    return Indicator.objects.get(code="COD")


@pytest.fixture
def computed(plan):
    """Every indicator computed, nothing pending."""
    recompute.progress_recompute()
    assert not PendingRecompute.objects.exists()


def approve(indicator, year=2021, value=700):
    return Figure.objects.create(
        statistic=indicator.statistic, year=year, measure="amount", value=Decimal(value), status=Figure.Status.APPROVED
    )


def silent_since(settings):
    return timezone.now() - timedelta(seconds=settings.RECOMPUTE_RUN_TIMEOUT + 1)


def cod_2021():
    return Result.objects.get(indicator__code="COD", region=None, year=2021)


def test_an_approval_whose_job_could_not_be_queued_is_caught_up(
    cod, computed, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.recompute_indicators, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        approve(cod)
        recompute.figures_changed(indicator_ids=[cod.pk])  # what an approval calls

    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.status == "failed" and "not queued" in run.error
    assert cod_2021().status == "grey"  # the dashboards do not know yet
    assert frames.stale_indicator_ids() == [cod.pk]

    assert recompute.progress_recompute_stale(now=timezone.now()) == 5
    assert cod_2021().status == "green"
    assert frames.stale_indicator_ids() == []
    assert RecomputeRun.objects.order_by("-pk").first().indicator_ids == [cod.pk]


def test_the_catch_up_is_idempotent(cod, computed):
    PendingRecompute.objects.create(indicator=cod)
    recompute.progress_recompute_stale(now=timezone.now())
    runs = RecomputeRun.objects.count()
    assert recompute.progress_recompute_stale(now=timezone.now()) == 0
    assert RecomputeRun.objects.count() == runs  # nothing to do: no run recorded


def test_stale_means_a_change_not_yet_read_or_approved_figures_without_results(plan, cod):
    straw = Indicator.objects.get(code="STRAW_USE")
    nox = Indicator.objects.get(code="NOX")
    approve(cod)  # approved figures, never computed
    Figure.objects.create(
        statistic=nox.statistic, year=2021, measure="amount", value=1, status="submitted"
    )  # not approved
    assert frames.stale_indicator_ids() == [cod.pk]
    recompute.progress_recompute()
    assert frames.stale_indicator_ids() == []
    with transaction.atomic():  # an unlock, or an approval: noted in the same transaction
        recompute.figures_changed(indicator_ids=[straw.pk])
        assert frames.stale_indicator_ids() == [straw.pk]


def test_a_change_committed_while_a_batch_reads_the_figures_stays_pending(cod, computed, monkeypatch):
    read_figures = frames.figures_frame

    def change_meanwhile(ids):
        # Another transaction noted a change after this batch read the pending notes: its figures may
        # not be in what this batch reads, so its note must survive the batch.
        PendingRecompute.objects.create(indicator=cod)
        return read_figures(ids)

    PendingRecompute.objects.create(indicator=cod)
    monkeypatch.setattr(frames, "figures_frame", change_meanwhile)
    recompute.progress_recompute(indicator_ids=[cod.pk])
    assert PendingRecompute.objects.count() == 1


def test_runs_that_lost_their_message_or_worker_are_closed(plan, settings):
    silent = silent_since(settings)
    lost = RecomputeRun.objects.create(heartbeat_at=silent)
    died = RecomputeRun.objects.create(status="running", heartbeat_at=silent)
    alive = RecomputeRun.objects.create(status="running")
    recompute.progress_recompute_stale(now=timezone.now())
    statuses = dict(RecomputeRun.objects.values_list("pk", "status"))
    assert (statuses[lost.pk], statuses[died.pk], statuses[alive.pk]) == ("failed", "failed", "running")


def test_the_catch_up_leaves_what_a_live_run_is_working_on(cod, computed):
    straw = Indicator.objects.get(code="STRAW_USE")
    PendingRecompute.objects.bulk_create([PendingRecompute(indicator=cod), PendingRecompute(indicator=straw)])
    RecomputeRun.objects.create(status="running", indicator_ids=[cod.pk])
    recompute.progress_recompute_stale(now=timezone.now())
    assert list(PendingRecompute.objects.values_list("indicator_id", flat=True)) == [cod.pk]

    RecomputeRun.objects.create(whole_plan=True)  # queued, alive: it will read every pending change
    assert recompute.progress_recompute_stale(now=timezone.now()) == 0


def test_a_heartbeat_after_every_batch(cod, computed, monkeypatch):
    monkeypatch.setattr(recompute, "BATCH_SIZE", 10)
    beats = []

    def record(done, total):
        beats.append(RecomputeRun.objects.order_by("-pk").values_list("heartbeat_at", "done").first())

    recompute.progress_recompute(on_progress=record)
    assert [done for _, done in beats] == [10, 20, 30, 40, 41]
    assert [at for at, _ in beats] == sorted(at for at, _ in beats)


def test_a_redelivered_message_resumes_its_run(plan):
    # The worker died mid-run; the broker handed the message (same task id) to another worker.
    died = RecomputeRun.objects.create(status="running", whole_plan=True, task_id="abc", attempts=1, done=0)
    recompute.progress_recompute(task_id="abc")
    died.refresh_from_db()
    assert (died.status, died.attempts, died.done) == ("done", 2, 41)
    assert RecomputeRun.objects.count() == 1


def test_a_job_that_keeps_killing_its_worker_is_given_up(plan):
    poison = RecomputeRun.objects.create(status="running", whole_plan=True, attempts=recompute.MAX_ATTEMPTS)
    assert recompute.progress_recompute(run_id=poison.pk) == 0
    poison.refresh_from_db()
    assert poison.status == "failed" and "given up after 3 attempts" in poison.error
    assert not Result.objects.exists()


@pytest.mark.parametrize("status", ["done", "superseded"])
def test_a_late_message_of_a_closed_run_does_nothing(plan, status):
    closed = RecomputeRun.objects.create(status=status, whole_plan=True)
    assert recompute.progress_recompute(run_id=closed.pk) == 0
    assert not Result.objects.exists()


def test_a_finished_whole_plan_run_closes_every_older_open_run(plan):
    queued = RecomputeRun.objects.create(indicator_ids=[1])
    running = RecomputeRun.objects.create(status="running", whole_plan=True)
    recompute.progress_recompute()
    newer = RecomputeRun.objects.create()  # queued after: its figures may be newer than what was read
    statuses = dict(RecomputeRun.objects.values_list("pk", "status"))
    assert (statuses[queued.pk], statuses[running.pk], statuses[newer.pk]) == ("superseded", "superseded", "queued")


def test_a_finished_partial_run_closes_older_runs_of_a_subset_of_its_indicators(cod, computed):
    straw = Indicator.objects.get(code="STRAW_USE")
    subset = RecomputeRun.objects.create(indicator_ids=[cod.pk])
    other = RecomputeRun.objects.create(indicator_ids=[cod.pk, Indicator.objects.get(code="NOX").pk])
    whole = RecomputeRun.objects.create(whole_plan=True)
    recompute.progress_recompute(indicator_ids=[cod.pk, straw.pk])
    statuses = dict(RecomputeRun.objects.values_list("pk", "status"))
    assert (statuses[subset.pk], statuses[other.pk], statuses[whole.pk]) == ("superseded", "queued", "queued")


def test_recomputes_are_handed_back_when_their_worker_dies_and_caught_up_every_five_minutes():
    for task in (tasks.recompute_indicators, tasks.recompute_all, tasks.recompute_stale):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    entry = project_settings.CELERY_BEAT_SCHEDULE["recompute-stale"]
    assert entry["task"] == tasks.recompute_stale.name
    assert entry["schedule"].minute == set(range(0, 60, 5))
