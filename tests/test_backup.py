"""The documented backup and restore (README "Backups and restore") on PostgreSQL: pg_dump -Fc of a database with
approved figures and results, pg_restore into a fresh database, and the restored site exports the same progress.
Skipped on SQLite (the backup service dumps PostgreSQL only)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from indicators.demo_load import demo_load
from indicators.models import Figure, Result
from indicators.recompute import progress_recompute

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql", "pgsql"},
        reason="backups are PostgreSQL dumps; set DATABASE_URL to a PostgreSQL server",
    ),
]


def libpq_environment(name):
    """PG* variables for pg_dump, pg_restore and psql, naming the test server and database `name`."""
    db = connection.settings_dict
    values = {"PGHOST": db["HOST"], "PGPORT": db["PORT"], "PGUSER": db["USER"], "PGPASSWORD": db["PASSWORD"]}
    return os.environ | {k: str(v) for k, v in values.items() if v} | {"PGDATABASE": name}


def admin_connection():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def export_progress_from(name):
    """`manage.py export_progress` run against database `name`, as an operator would after a restore."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = os.environ | {"DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "manage.py", "export_progress", "--settings=yingkou_targets.settings_test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_a_dump_restored_into_a_fresh_database_exports_the_same_progress(plan, tmp_path):
    demo_load(plan=plan)
    progress_recompute()
    assert Figure.objects.filter(status="approved").exists() and Result.objects.exists()
    before = io.StringIO()
    call_command("export_progress", stdout=before)

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "yingkou.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", dump], env=libpq_environment(source), check=True)
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, dump],
            env=libpq_environment(restored),
            check=True,
        )
        after = export_progress_from(restored)
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')

    assert '"status"' in before.getvalue()
    assert after == before.getvalue()
