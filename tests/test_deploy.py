"""The production-like deployment is valid (no Docker engine runs here, so it is checked, not started)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
# Values for the variables docker-compose requires (${NAME:?...}); every other one takes compose's default.
REQUIRED = {"SECRET_KEY": "x7-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2, "POSTGRES_PASSWORD": "change-me"}


def compose_environment(service="web"):
    """The environment docker-compose gives `service` when only the required variables are set."""

    def resolve(value):
        def one(match):
            name, operator, default = match.group(1), match.group(2), match.group(3)
            return REQUIRED[name] if operator == ":?" else default

        return re.sub(r"\$\{(\w+)(:-|:\?)([^}]*)\}", one, str(value))

    services = YAML(typ="safe").load(COMPOSE)["services"]
    return {name: resolve(value) for name, value in services[service]["environment"].items()}


def test_compose_file_matches_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", COMPOSE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_whole_stack_with_health_checks():
    services = YAML(typ="safe").load(COMPOSE)["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis", "backup"}
    for name, service in services.items():
        assert "healthcheck" in service or name == "beat", name
    assert "/health/web/" in str(services["web"]["healthcheck"]["test"])
    assert "health_check health" in str(services["worker"]["healthcheck"]["test"])
    assert "gunicorn" in str(services["web"]["command"])  # a list or a string
    assert services["web"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")
    assert services["worker"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_vendored_static_files_reference_no_missing_source_maps():
    for path in (ROOT / "static" / "vendor").rglob("*.min.*"):
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path


def test_check_deploy_is_clean_under_the_compose_defaults():
    """`manage.py check --deploy` with the web container's environment: HSTS, https redirect, secure cookies,
    a strong key; no warning at all. (Database checks are not run: there is no `db` host here.)"""
    # The test run's own switches are not the container's (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    ours = {"DJANGO_SETTINGS_MODULE", "HTTPS", "BEHIND_PROXY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env |= compose_environment() | {"DJANGO_SETTINGS_MODULE": "yingkou_targets.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_compose_defaults_are_https_behind_a_proxy_published_on_loopback():
    environment = compose_environment()
    assert (environment["HTTPS"], environment["BEHIND_PROXY"]) == ("true", "true")
    web = YAML(typ="safe").load(COMPOSE)["services"]["web"]
    assert web["ports"] == ["${WEB_PORT:-127.0.0.1:8000}:8000"]


def test_backups_are_nightly_custom_format_dumps_kept_a_number_of_days():
    backup = YAML(typ="safe").load(COMPOSE)["services"]["backup"]
    command = " ".join(backup["command"])
    assert "pg_dump -Fc" in command and "BACKUP_KEEP_DAYS" in command and "-delete" in command
    assert "backups:/backups" in backup["volumes"]
