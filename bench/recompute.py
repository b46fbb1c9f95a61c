"""Recompute benchmark: national-scale data on PostgreSQL, recompute time against plain read time.

    .venv/bin/python bench/recompute.py            # 15,000 indicators x 10 regions x 5 years
    .venv/bin/python bench/recompute.py --scale 0.1

Works in its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yingkou_bench),
dropped and created afresh on each run. Prints the figures, and last a line `ratio: N.NN` (recompute time /
time to read the same approved figures into a DataFrame). Goal: ratio <= 3 on 2 cores.
"""

import argparse
import io
import os
import random
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDICATORS, REGIONS, YEARS = 15_000, 10, (2020, 2021, 2022, 2023, 2024)
KINDS = ["relative_reduction", "cumulative_total", "at_least", "at_most", "point_reduction", "milestone"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 15,000 indicators (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each measurement; the best counts")
    parser.add_argument(
        "--unlogged", action="store_true", help="make the results table UNLOGGED first (what WAL costs the write)"
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingkou_bench")
    recreate_database(url)
    setup_django(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    indicators = max(1, int(INDICATORS * args.scale))
    started = time.perf_counter()
    figures = generate(indicators)
    print(f"data: {indicators} indicators x {REGIONS} regions x {len(YEARS)} years = {figures} approved figures")
    print(f"generate: {time.perf_counter() - started:.2f} s")

    from indicators import frames, recompute

    ids = frames.indicator_ids()
    if args.unlogged:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE indicators_result SET UNLOGGED")
    read = best(args.repeat, lambda: frames.figures_frame(ids))
    written = recompute.progress_recompute()
    recompute = best(args.repeat, recompute.progress_recompute)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"results written: {written}")
    print(f"read figures into a DataFrame: {read:.2f} s")
    print(f"recompute everything: {recompute:.2f} s ({written / recompute:,.0f} results/s)")
    print(f"peak memory: {peak:.0f} MiB")
    for phase, seconds in phases(ids).items():
        print(f"  phase {phase}: {seconds:.2f} s")
    for pending, seconds in stale_query(ids, args.repeat).items():
        print(f"stale query (recompute_stale, every 5 min), {pending} indicators pending: {seconds * 1000:.1f} ms")
    print(f"ratio: {recompute / read:.2f}")


def phases(ids):
    """One more recompute, timed piece by piece (the same calls progress_recompute makes, one batch)."""
    from django.db import transaction

    from indicators import frames, progress, recompute
    from indicators.models import Result

    timings, started = {}, time.perf_counter()

    def lap(name):
        nonlocal started
        timings[name] = time.perf_counter() - started
        started = time.perf_counter()

    with transaction.atomic():
        frames = frames.indicators_frame(ids), frames.figures_frame(ids), frames.trajectory_frame(ids)
        lap("read")
        results = progress.compute(*frames)
        lap("compute")
        Result.objects.filter(indicator_id__in=ids).delete()
        lap("delete")
        recompute._results_write(results)
        lap("encode and COPY")
    lap("commit")
    return timings


def stale_query(ids, repeat):
    """The catch-up's query over fully computed data, with nothing and with 1 % of the indicators pending."""
    from indicators import frames
    from indicators.models import PendingRecompute

    timings = {0: best(repeat, frames.stale_indicator_ids)}
    pending = ids[::100]
    PendingRecompute.objects.bulk_create(PendingRecompute(indicator_id=pk) for pk in pending)
    assert frames.stale_indicator_ids() == sorted(pending)
    timings[len(pending)] = best(repeat, frames.stale_indicator_ids)
    PendingRecompute.objects.all().delete()
    return timings


def recreate_database(url):
    name = urlsplit(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="yingkou_targets.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret-" + "0123456789abcdef" * 3,
        ALLOWED_HOSTS="localhost",
        HTTPS="0",  # django.test.Client speaks plain HTTP: no redirect to https
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def generate(count):
    """A plan, one task, `count` indicators of every kind, REGIONS regions, and every region's approved
    figure for every year, written with COPY."""

    from departments.models import Region
    from indicators.models import Indicator, Plan, Task

    plan = Plan.objects.create(
        name="基准测试方案",
        document_number="bench",
        slug="bench",
        status="active",
        adopted_on="2022-11-16",
        baseline_year=2020,
        target_year=2025,
    )
    task = Task.objects.create(plan=plan, code="bench", title="基准测试", text="")
    regions = [Region.objects.create(name=f"基准区{n}", kind="district", position=n) for n in range(REGIONS)]
    rng = random.Random(2025)
    create_indicators(
        Indicator(
            code=f"BENCH_{n:05d}",
            task=task,
            section="bench",
            name=f"基准指标{n}",
            kind=KINDS[n % len(KINDS)],
            unit="%",
            baseline_year=2020,
            target_year=2025,
            target_value=TARGETS[KINDS[n % len(KINDS)]],
            source_text="",
            position=n,
        )
        for n in range(count)
    )
    buffer = io.StringIO()
    rows = 0
    for indicator_id, kind in Indicator.objects.values_list("statistic_id", "kind"):
        measure = MEASURE[kind]
        for region in regions:
            for year in YEARS:
                if kind in ("cumulative_total", "milestone") and year == 2020:
                    value = 0
                else:
                    value = VALUE[kind](rng, year - 2020)
                buffer.write(f"{indicator_id}\t{region.pk}\t{year}\t{measure}\tfinal\t{value:.4f}\tapproved\t1\n")
                rows += 1
    copy_figures(buffer.getvalue())
    return rows


def create_indicators(indicators):
    """Bulk-creates indicators (unsaved, each with its task), each reading a statistic of its own code, also
    bulk-created: bulk_create skips Indicator.save(), which would make them one by one."""
    from indicators import kinds
    from indicators.models import Indicator, Statistic

    indicators = list(indicators)
    statistics = Statistic.objects.bulk_create(
        (
            Statistic(
                code=i.code, name=i.name, unit=i.unit, by_region=i.by_region, measures=list(kinds.measures(i.kind))
            )
            for i in indicators
        ),
        batch_size=5000,
    )
    for indicator, statistic in zip(indicators, statistics, strict=True):
        indicator.statistic, indicator.plan_id = statistic, indicator.task.plan_id
    return Indicator.objects.bulk_create(indicators, batch_size=5000)


# Database defaults for the figure columns COPY leaves out (Django's defaults live in Python only).
FIGURE_DEFAULTS = {
    "entered_at": "now()",
    "updated_at": "now()",
    "source": "''",
    "note": "''",
    "return_reason": "''",
    "flags": "'[]'::jsonb",
}


def copy_figures(lines):
    """Writes figures given as tab-separated lines (statistic_id, region_id, year, measure, stage, value,
    status, revision) with COPY, then refreshes the planner's statistics of the table."""
    from django.db import connection

    from indicators.models import Figure

    columns = "statistic_id, region_id, year, measure, stage, value, status, revision"
    table = Figure._meta.db_table
    with connection.cursor() as cursor:
        for column, default in FIGURE_DEFAULTS.items():
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}")
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(lines)
        cursor.execute(f"ANALYZE {table}")


TARGETS = {
    "relative_reduction": 15.5,
    "cumulative_total": 3472,
    "at_least": 90,
    "at_most": 10,
    "point_reduction": 20,
    "milestone": 100,
}
MEASURE = {
    "relative_reduction": "level",
    "cumulative_total": "amount",
    "at_least": "level",
    "at_most": "level",
    "point_reduction": "level",
    "milestone": "percent_complete",
}
VALUE = {
    "relative_reduction": lambda rng, t: 0.8 * (1 - 0.03 * t * rng.uniform(0.5, 1.5)),
    "cumulative_total": lambda rng, t: rng.uniform(30, 90),
    "at_least": lambda rng, t: min(100, 80 + 2 * t * rng.uniform(0.3, 1.4)),
    "at_most": lambda rng, t: max(0, 12 - 0.4 * t * rng.uniform(0.3, 1.4)),
    "point_reduction": lambda rng, t: 60 - 4 * t * rng.uniform(0.3, 1.4),
    "milestone": lambda rng, t: min(100, 20 * t * rng.uniform(0.6, 1.3)),
}


def best(repeat, function):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


if __name__ == "__main__":
    main()
