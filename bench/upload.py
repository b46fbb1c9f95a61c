"""Upload and review benchmark on PostgreSQL: a 20,000-row file (the upload limit) through preview and
confirmation, then the pages that show the result.

    .venv/bin/python bench/upload.py

Works in its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yingkou_bench_upload),
created afresh on each run. The plan is the real one, plus 2,000 indicators of a task 市生态环境局 leads, so
one clerk may report all 20,000 rows (2,000 indicators x 2021-2025 x preliminary and final). Prints each
step's time, and each page's server time and query count.
"""

import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recompute import create_indicators, recreate_database, setup_django  # noqa: E402

INDICATORS, YEARS, STAGES = 2_000, range(2021, 2026), ("preliminary", "final")


def main():
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingkou_bench_upload")
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clerk, head, indicators = prepare()
    data = figures_file(indicators)
    print(f"file: {len(data) / 1e6:.2f} MB, {len(indicators) * len(YEARS) * len(STAGES)} rows")

    from indicators import entry

    upload = timed("store the upload", lambda: entry.upload_create(user=clerk, filename="bench.csv", data=data))
    preview = timed("preview (parse, check scope, locks, plausibility)", lambda: entry.upload_preview(upload=upload))
    print(f"  rows: {len(preview.changes)}, problems: {len(preview.problems)}")
    summary = timed("confirm (import all rows with history)", lambda: entry.upload_confirm(upload=upload, user=clerk))
    print(f"  created: {summary.created}")
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic here: serve static names as they are, as the tests do.
    plain = settings.STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        pages(clerk, head, indicators)
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def pages(clerk, head, indicators):
    at = f"/plans/{indicators[0].task.plan.slug}"  # a plan's pages
    for name, user, path in [
        ("entry grid", clerk, "/entry/"),
        ("review queue", head, "/review/"),
        ("completeness", head, f"{at}/completeness/?year=2025"),
        ("indicator page", head, f"{at}/indicators/{indicators[0].code}/"),
    ]:
        page(name, user, path)


def prepare():
    """The real plan, 2,000 more indicators with an approved 2020 level each, a clerk and a head."""
    from departments import roles
    from departments.models import Department
    from departments.services import roles_ensure
    from indicators.catalogue import read_catalogue
    from indicators.models import Figure, Indicator, Task, TaskResponsibility
    from indicators.plans import plan_load, plan_transition
    from tests.factories import UserFactory

    plan = plan_transition(plan=plan_load(catalogue=read_catalogue()), to="active", reason="benchmark", user=None)
    ecology = Department.objects.get(name="市生态环境局")
    task = Task.objects.create(plan=plan, code="bench", title="基准测试", text="", position=99)
    TaskResponsibility.objects.create(task=task, department=ecology, role="lead")
    indicators = create_indicators(
        Indicator(
            code=f"BENCH_{n}",
            task=task,
            section="bench",
            name=f"基准指标{n}",
            unit="%",
            kind="at_least",
            baseline_year=2020,
            target_year=2025,
            target_value=90,
            source_text="bench",
            position=1000 + n,
        )
        for n in range(INDICATORS)
    )
    Figure.objects.bulk_create(
        Figure(statistic=i.statistic, year=2020, measure="level", value=45, status="approved") for i in indicators
    )
    roles_ensure()
    clerk = UserFactory(username="bench_clerk", role=roles.CLERK, department=ecology)
    head = UserFactory(username="bench_head", role=roles.HEAD, department=ecology)
    return clerk, head, indicators


def figures_file(indicators):
    rng, lines = random.Random(2025), ["indicator,year,value,stage,note"]
    for indicator in indicators:
        for year in YEARS:
            final = Decimal(45 + 2 * (year - 2020)) + Decimal(rng.randint(0, 20)) / 10
            preliminary = final - Decimal("0.3")
            lines += [f"{indicator.code},{year},{preliminary},preliminary,", f"{indicator.code},{year},{final},final,"]
    return ("\n".join(lines) + "\n").encode()


def timed(name, function):
    started = time.perf_counter()
    value = function()
    print(f"{name}: {time.perf_counter() - started:.2f} s")
    return value


def page(name, user, path):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")  # the host setup_django allows
    client.force_login(user)
    client.get(path)  # warm up
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
    assert response.status_code == 200, (path, response.status_code)
    print(f"page {name}: {min(timings) * 1000:.0f} ms, {len(queries)} queries, {len(response.content) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
