"""Every page says when its results were computed and from which approved figures; while a recompute is
queued or running it says so, shows its progress, and the page reloads when it ends."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from indicators import recompute
from indicators.models import Figure, Indicator, PendingRecompute, RecomputeRun
from reporting import selectors
from tests.celery_apps import broker_down
from tests.plans import SLUG
from tests.reporting.conftest import approve

URL = reverse("reporting:freshness", args=[SLUG])


def test_a_recompute_records_what_the_results_stand_on(results):
    run = RecomputeRun.objects.get()
    assert (run.status, run.whole_plan, run.total, run.done) == ("done", True, 41, 41)
    assert run.approved_figures == Figure.objects.filter(status="approved").count() == 6
    assert run.latest_year == 2021  # the latest year with a non-grey city-wide result
    assert run.results == 41 * 5  # every indicator, 2021-2025, city-wide only
    assert run.started_at <= run.finished_at


def test_approving_queues_a_run_that_is_done_after_the_commit(results, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recompute.figures_changed(statistic_ids=[Figure.objects.first().statistic_id])
    runs = list(RecomputeRun.objects.order_by("pk"))
    assert len(runs) == 2 and (runs[1].status, runs[1].whole_plan, runs[1].total) == ("done", False, 1)


def test_a_failed_recompute_is_recorded_and_raised(results, monkeypatch):
    def broken(ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(recompute, "_recompute_batch", broken)
    with pytest.raises(RuntimeError):
        recompute.progress_recompute()
    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.status == "failed" and "disk full" in run.error and run.finished_at


def test_old_runs_are_pruned(results):
    old = RecomputeRun.objects.create(status="done", finished_at=timezone.now() - timedelta(days=61))
    recompute.progress_recompute()
    assert not RecomputeRun.objects.filter(pk=old.pk).exists()
    assert RecomputeRun.objects.filter(status="done").count() == 2


def test_the_page_says_when_and_from_how_many_approved_figures(client, leader, results):
    client.force_login(leader)
    for url in (reverse("reporting:overview", args=[SLUG]), reverse("reporting:indicator", args=[SLUG, "COD"]), URL):
        page = client.get(url).content.decode()
        assert "依据6个已审核数据" in page and "结果计算于" in page
        assert "hx-trigger" not in page[page.index('id="freshness"') :][:400]  # nothing running: no polling


def test_a_running_recompute_is_shown_with_its_progress_and_polled(client, leader, results):
    run = RecomputeRun.objects.create(status="running", total=200, done=50)
    client.force_login(leader)
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    assert "正在重新计算：已完成50/200个指标（25%）" in page
    assert f'hx-get="{URL}?waiting={run.pk}" hx-trigger="every 2s"' in page
    # Still running: the fragment comes back, still polling.
    response = client.get(URL, {"waiting": run.pk})
    assert response.status_code == 200 and "every 2s" in response.content.decode()
    # Ended: htmx is told to reload the page, which then shows the new results.
    RecomputeRun.objects.filter(pk=run.pk).update(status="done", finished_at=timezone.now(), approved_figures=7)
    response = client.get(URL, {"waiting": run.pk})
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_a_queued_run_says_queued(client, leader, results):
    RecomputeRun.objects.create()
    client.force_login(leader)
    assert "重新计算已排队" in client.get(URL).content.decode()


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_run_silent_for_longer_than_the_timeout_is_not_shown(client, leader, plan, results, settings, status):
    # Its worker died ten minutes into it (or its message was lost): not "running" for hours.
    silent = timezone.now() - timedelta(seconds=settings.RECOMPUTE_RUN_TIMEOUT + 1)
    RecomputeRun.objects.create(status=status, total=41, heartbeat_at=silent)
    assert selectors.freshness(plan=plan, now=timezone.now())["active"] is None
    client.force_login(leader)
    assert "every 2s" not in client.get(URL).content.decode()


def test_changes_not_yet_counted_are_shown_while_nothing_runs(client, leader, results):
    PendingRecompute.objects.bulk_create(
        PendingRecompute(indicator=indicator) for indicator in Indicator.objects.filter(code__in=["COD", "NOX"])
    )
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    page = client.get(URL).content.decode()
    assert "Results are behind: the approved figures of 2 indicators are not counted yet" in page
    assert "retried automatically" in page
    # While a recompute runs, it is what the line shows.
    RecomputeRun.objects.create(status="running", total=2)
    assert "Results are behind" not in client.get(URL).content.decode()


def test_an_approval_with_the_broker_down_is_saved_and_left_pending(plan, results, django_capture_on_commit_callbacks):
    cod = Indicator.objects.get(code="COD")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        recompute.figures_changed(indicator_ids=[cod.pk])  # raised into the request before
    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.status == "failed" and "not queued" in run.error
    assert list(PendingRecompute.objects.values_list("indicator_id", flat=True)) == [cod.pk]
    assert selectors.freshness(plan=plan, now=timezone.now())["behind"] == 1


@pytest.mark.django_db(transaction=True)
def test_recompute_now_with_the_broker_down_says_so(client, administrator, plan, results):
    client.cookies["django_language"] = "en"
    client.force_login(administrator)
    with broker_down():
        response = client.post(reverse("reporting:recompute", args=[SLUG]), {"next": "/overview/"})
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("The recompute could not be started: the job queue is not answering.")
    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.status == "failed" and run.whole_plan
    assert selectors.freshness(plan=plan, now=timezone.now())["active"] is None  # no "queued" for hours


def test_nothing_computed_yet(client, leader):
    client.force_login(leader)
    assert "尚未计算结果" in client.get(URL).content.decode()


def test_the_administrator_recomputes_everything_by_hand(
    client, administrator, results, django_capture_on_commit_callbacks
):
    approve("NOX", 2021, "amount", 100)  # approved behind the engine's back: not in the results yet
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:recompute", args=[SLUG]), {"next": "/overview/?year=2021"})
    assert response.status_code == 302 and response["Location"] == "/overview/?year=2021"
    run = RecomputeRun.objects.order_by("-pk").first()
    assert (run.status, run.whole_plan, run.approved_figures) == ("done", True, 7)


@pytest.mark.parametrize("persona", ["leader", "head", "clerk", "reviewer"])
def test_only_administrators_recompute_by_hand(client, request, results, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("reporting:recompute", args=[SLUG])).status_code == 403
    assert RecomputeRun.objects.count() == 1


def test_recompute_is_post_only(client, administrator, results):
    client.force_login(administrator)
    assert client.get(reverse("reporting:recompute", args=[SLUG])).status_code == 405


def test_a_foreign_next_address_is_not_followed(client, administrator, results):
    client.force_login(administrator)
    response = client.post(reverse("reporting:recompute", args=[SLUG]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("reporting:landing")
