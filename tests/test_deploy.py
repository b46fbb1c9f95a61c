"""The production-like deployment is valid (no Docker engine runs here, so it is checked, not started)."""

import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def test_compose_file_matches_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", COMPOSE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_whole_stack_with_health_checks():
    services = YAML(typ="safe").load(COMPOSE)["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service or name == "beat", name
    assert "gunicorn" in str(services["web"]["command"])  # a list or a string
    assert services["web"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")
    assert services["worker"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_vendored_static_files_reference_no_missing_source_maps():
    for path in (ROOT / "static" / "vendor").rglob("*.min.*"):
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path
