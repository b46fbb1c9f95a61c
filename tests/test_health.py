"""/health/ (django-health-check) and /metrics (django-prometheus, only when enabled and to allowed addresses)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.plans import SLUG
from yingkou_targets.health import Broker, RecomputeAge, checks


@pytest.fixture(autouse=True)
def real_cache(settings):
    """The test settings use a dummy cache, which the cache check rightly calls broken."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def recompute_run(hours_ago):
    from indicators.models import RecomputeRun

    return RecomputeRun.objects.create(status="done", finished_at=timezone.now() - datetime.timedelta(hours=hours_ago))


def approved_figure():
    from indicators.models import Figure, Indicator

    cod = Indicator.objects.get(code="COD")
    return Figure.objects.create(statistic=cod.statistic, year=2021, measure="amount", value=700, status="approved")


def health(client, name="health"):
    return client.get(reverse(name), HTTP_ACCEPT="application/json")


def test_health_is_ok_on_a_fresh_site(client, plan):
    response = health(client)
    assert response.status_code == 200, response.content
    names = " ".join(response.json())
    assert "Database" in names and "Cache" in names and "RecomputeAge" in names


def test_health_is_ok_with_a_recent_recompute(client, plan):
    approved_figure()
    recompute_run(hours_ago=3)
    assert health(client).status_code == 200


def test_health_fails_when_approved_figures_were_never_recomputed(client, plan):
    approved_figure()
    response = health(client)
    assert response.status_code == 500
    assert "no recompute has finished" in str(response.json())


def test_health_fails_when_the_last_recompute_is_too_old(client, plan, settings):
    approved_figure()
    recompute_run(hours_ago=settings.HEALTH_RECOMPUTE_MAX_AGE_HOURS + 1)
    recompute_run(hours_ago=1).delete()  # only finished runs count
    response = health(client)
    assert response.status_code == 500
    assert "hours old" in str(response.json())
    # The web container's own probe does not hold the web container (and beat) for the recompute.
    assert health(client, "health-web").status_code == 200


def test_the_old_recompute_limit_is_a_setting(plan, settings):
    approved_figure()
    recompute_run(hours_ago=30)
    settings.HEALTH_RECOMPUTE_MAX_AGE_HOURS = 48
    RecomputeAge().check()  # no exception


def test_health_answers_without_https_redirect_and_login(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert health(client, "health-web").status_code == 200
    assert client.get(reverse("reporting:overview", args=[SLUG])).status_code == 301


def test_the_broker_is_checked_only_when_there_is_one(settings):
    settings.CELERY_BROKER_URL = ""
    assert not any(isinstance(check, Broker) for check in checks())
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/13"
    assert any(isinstance(check, Broker) for check in checks())


def test_a_broker_that_does_not_answer_fails_the_check(settings):
    from health_check.exceptions import ServiceUnavailable

    from yingkou_targets.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        with pytest.raises(ServiceUnavailable):
            Broker().run()
    finally:
        app.conf.broker_url = old


def test_metrics_are_off_by_default(client, db, settings):
    assert settings.METRICS_ENABLED is False
    assert client.get("/metrics").status_code == 404


def test_metrics_when_enabled_answer_only_allowed_addresses(client, db, settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and b"python_info" in response.content
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404
