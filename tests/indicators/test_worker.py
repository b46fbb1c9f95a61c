"""The recompute through a real Celery worker and the machine's Redis, not the eager shortcut.

Skipped when Redis is not reachable, unless REQUIRE_REDIS is set (CI sets it, so there it fails)."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

import indicators.tasks  # noqa: F401  (registers the shared tasks)
from indicators.models import Figure, Indicator, PendingRecompute, RecomputeRun, Result
from tests.celery_apps import current_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _close_worker_connections(**kwargs):
    # The worker runs tasks in its own thread with its own database connection; close it after each
    # task so the test database can be flushed and dropped.
    connections.close_all()


@pytest.fixture
def redis_worker():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (REQUIRE_REDIS is set) but {REDIS_URL} does not answer.")
        pytest.skip(f"Redis at {REDIS_URL} does not answer.")
    # A separate app on Redis: the project's app may already have cached its eager-mode backend. Shared
    # tasks (all of ours) register themselves on every app, so this one knows them too.
    worker_app = Celery("yingkou_targets_worker_test", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    worker_app.conf.update(task_always_eager=False, task_acks_late=True, worker_hijack_root_logger=False)
    task_postrun.connect(_close_worker_connections)
    try:
        # start_worker makes the worker's app the current one; current_app gives the project's app back.
        with (
            current_app(worker_app),
            start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        ):
            yield worker_app
    finally:
        task_postrun.disconnect(_close_worker_connections)


@pytest.mark.django_db(transaction=True)
def test_recompute_runs_in_a_real_worker(plan, redis_worker):
    cod = Indicator.objects.get(code="COD")
    Figure.objects.create(statistic=cod.statistic, year=2021, measure="amount", value=Decimal("700"), status="approved")

    job = redis_worker.tasks["indicators.tasks.recompute_indicators"].delay([cod.pk])
    assert not isinstance(job, EagerResult)  # it went through Redis
    assert job.get(timeout=60) == 5  # five years written, by the worker's process thread

    result = Result.objects.get(indicator=cod, region=None, year=2021)
    assert (result.status, result.rule) == ("green", "on_schedule")
    # Idempotent: the nightly job over everything leaves the same row for COD.
    everything = redis_worker.tasks["indicators.tasks.recompute_all"].delay()
    assert everything.get(timeout=60) == Indicator.objects.count() * 5
    assert Result.objects.get(indicator=cod, region=None, year=2021).achieved == result.achieved


@pytest.mark.django_db(transaction=True)
def test_a_change_whose_message_was_lost_is_caught_up_by_the_periodic_job(plan, redis_worker, settings):
    cod = Indicator.objects.get(code="COD")
    Figure.objects.create(statistic=cod.statistic, year=2021, measure="amount", value=Decimal("700"), status="approved")
    # The approval noted its change and recorded its run, but the message never reached a worker (Redis
    # restarted and lost it): the run has been silent for longer than the timeout.
    PendingRecompute.objects.create(indicator=cod)
    silent = timezone.now() - timedelta(seconds=settings.RECOMPUTE_RUN_TIMEOUT + 1)
    lost = RecomputeRun.objects.create(indicator_ids=[cod.pk], total=1, heartbeat_at=silent)

    job = redis_worker.tasks["indicators.tasks.recompute_stale"].delay()
    assert not isinstance(job, EagerResult)
    assert job.get(timeout=60) == 5

    assert Result.objects.get(indicator=cod, region=None, year=2021).status == "green"
    assert not PendingRecompute.objects.exists()
    lost.refresh_from_db()
    assert lost.status == "failed" and "no sign of life" in lost.error
    assert RecomputeRun.objects.exclude(pk=lost.pk).get().status == "done"
    # Nothing left to catch up: the next round does nothing.
    assert redis_worker.tasks["indicators.tasks.recompute_stale"].delay().get(timeout=60) == 0
