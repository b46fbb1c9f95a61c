"""Settings come from the environment and fail loudly in production when one is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2
PRODUCTION = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "targets.yingkou.gov.cn", "DATABASE_URL": "postgres://u@db/x"}
# Variables of the developer's shell that would change what the settings say.
SHELL_ONLY = {"DEBUG", "CELERY_BROKER_URL", "HTTPS", "BEHIND_PROXY", "SESSION_COOKIE_AGE", "METRICS_ENABLED"}


def load_settings(env, expression="s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER"):
    """Imports the production settings in a fresh interpreter with exactly `env` set; prints `expression`."""
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, *SHELL_ONLY}}
    code = f"import yingkou_targets.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_refuses_to_start_without(missing):
    result = load_settings({k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_with_everything_set_uses_postgres_and_a_real_broker():
    result = load_settings(PRODUCTION | {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_embedded_default_is_sqlite_with_eager_tasks():
    result = load_settings({"DEBUG": "1"})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_language_and_time_zone():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE) == ("zh-hans", "Asia/Shanghai")
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


@pytest.mark.parametrize(
    "key", ["abc", "x" * 60, "abcd" * 20, "django-insecure-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2]
)
def test_production_refuses_a_weak_secret_key(key):
    result = load_settings(PRODUCTION | {"SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize("hosts", [" , ", ",", "   "])
def test_production_refuses_allowed_hosts_that_name_no_host(hosts):
    result = load_settings(PRODUCTION | {"ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_allowed_hosts_are_stripped():
    result = load_settings(PRODUCTION | {"ALLOWED_HOSTS": " a.gov.cn , ,b.gov.cn "}, "s.ALLOWED_HOSTS")
    assert result.stdout.strip() == "['a.gov.cn', 'b.gov.cn']"


SECURITY = (
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
)


def test_production_is_https_by_default():
    result = load_settings(PRODUCTION, SECURITY)
    assert result.stdout.split() == ["True", "True", "True", "True", "None"]


def test_a_plain_http_intranet_switches_https_off_in_one_variable():
    result = load_settings(PRODUCTION | {"HTTPS": "false"}, SECURITY)
    assert result.stdout.split() == ["False", "False", "False", "False", "None"]


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    result = load_settings(PRODUCTION | {"BEHIND_PROXY": "true"}, "s.SECURE_PROXY_SSL_HEADER")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_sessions_last_a_working_day_unless_set():
    assert load_settings(PRODUCTION, "s.SESSION_COOKIE_AGE").stdout.strip() == str(8 * 3600)
    assert load_settings(PRODUCTION | {"SESSION_COOKIE_AGE": "1800"}, "s.SESSION_COOKIE_AGE").stdout.strip() == "1800"


def test_the_test_settings_keep_the_session_age():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
