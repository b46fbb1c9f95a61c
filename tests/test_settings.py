"""Settings come from the environment and fail loudly in production when one is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": "s3cret", "ALLOWED_HOSTS": "targets.yingkou.gov.cn", "DATABASE_URL": "postgres://u@db/x"}


def load_settings(env):
    """Imports the production settings in a fresh interpreter with exactly `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DEBUG", "CELERY_BROKER_URL"}}
    code = "import yingkou_targets.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
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
