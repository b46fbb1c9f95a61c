"""Migrations keep the data: the demo database as the one-plan schema held it (tests/indicators/data/before_plans)
is loaded into that schema, migrated to the latest one, and exports exactly what it exported before."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = Path(__file__).parent / "data" / "before_plans"
# Every app's last migration when the snapshot was made.
SNAPSHOT_STATE = [
    ("departments", "0001_initial"),
    ("indicators", "0007_review_versions"),
]

pytestmark = pytest.mark.django_db(transaction=True)


def read(name):
    with gzip.open(BEFORE / name, "rt", encoding="utf-8") as file:
        return file.read()


def load_into(apps, objects):
    """Writes dumpdata's objects through the historical models of a past state (loaddata would use today's)."""
    many = []
    for item in objects:
        model = apps.get_model(item["model"])
        values = {"pk": item["pk"]}
        for name, value in item["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many.append((model, item["pk"], name, value))
            elif field.is_relation:
                values[field.attname] = value
            else:
                values[name] = field.to_python(value)
        model.objects.create(**values)
    for model, pk, name, value in many:
        getattr(model.objects.get(pk=pk), name).set(value)


def export(command):
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_the_demo_database_migrates_to_the_same_exports():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(SNAPSHOT_STATE)
    try:
        executor.loader.build_graph()
        load_into(executor.loader.project_state(SNAPSHOT_STATE).apps, json.loads(read("dump.json.gz")))
        executor.migrate(latest)
        assert json.loads(export("export_plan")) == json.loads(read("plan.json.gz"))
        assert export("export_progress") == read("progress.json.gz")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # a failed step leaves the next test a usable schema
