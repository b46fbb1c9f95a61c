"""Dashboard pages benchmark: the real plan plus national-scale data on PostgreSQL, each page's server time
against a trivial page's.

    .venv/bin/python bench/pages.py                # the plan + 15,000 indicators x (city + 10 regions) x 5 years
    .venv/bin/python bench/pages.py --scale 0.1
    .venv/bin/python bench/pages.py --plans 1     # measure once, with the one plan

With --plans N (default 10), every page is measured again after N - 1 more active plans are loaded (copies of the
real catalogue, reading the same statistics), and the ratio of each page's median, N plans over 1, is printed:
a plan's page should not grow with the number of plans.

Works in its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yingkou_bench_pages),
dropped and created afresh on each run. The generated indicators are spread over the plan's tasks; each has
approved city-wide and regional figures for 2020-2024 (as bench/recompute.py writes them), and a share of them
(--regional-share) is broken down by region, which is what the region page lists: one chart each.

Each page is requested through django.test.Client as a leader (DEBUG off, the project's middleware and context
processors), 3 times to warm up and then --requests times; printed are the median and 90th percentile in ms,
the SQL queries of one more request, and the response size. The yardstick is a trivial page: base.html with an
empty content block behind login_required, served from a URLconf that adds it to the project's. Last line:
`overview/trivial: N.NN (goal <= 5)`, the overview's median over the trivial page's.

Time on 2 cores: about 75 s at --scale 0.1; at full scale about 3.5 minutes with --requests 5, and some
12 minutes with the default 30 (the department, region, report and workbook pages take seconds each).
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
import types
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recompute import (  # noqa: E402
    KINDS,
    MEASURE,
    TARGETS,
    VALUE,
    YEARS,
    copy_figures,
    create_indicators,
    recreate_database,
    setup_django,
)

INDICATORS, REGIONS = 15_000, 10
BENCH_URLS = "bench_pages_urls"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 15,000 indicators (default 1)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests of each page (default 30)")
    parser.add_argument(
        "--regional-share",
        type=float,
        default=0.02,
        help="share of the generated indicators broken down by region, i.e. on the region page (default 0.02)",
    )
    parser.add_argument(
        "--plans",
        type=int,
        default=10,
        help="measure again with this many plans loaded (copies of the real catalogue; default 10, 1: once)",
    )
    args = parser.parse_args()
    # WhiteNoise looks for STATIC_ROOT, which only collectstatic makes; the pages do not need it here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingkou_bench_pages")
    recreate_database(url)
    setup_django(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    count = max(1, int(INDICATORS * args.scale))
    started = time.perf_counter()
    plan, figures = generate(count, regional_share=args.regional_share)
    print(f"data: the plan + {count} indicators, {figures} approved figures ({time.perf_counter() - started:.1f} s)")

    from indicators.recompute import progress_recompute

    started = time.perf_counter()
    written = progress_recompute()
    print(f"recompute: {written} results ({time.perf_counter() - started:.1f} s)")
    analyze()

    from django.conf import settings
    from django.test.utils import override_settings

    install_urls()
    # No collectstatic here: static names are served as they are, as the tests do.
    plain = settings.STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(STORAGES=plain, ALLOWED_HOSTS=hosts, ROOT_URLCONF=BENCH_URLS, DEBUG=False):
        alone = measure_pages(plan, requests=args.requests)
        if args.plans > 1:
            started = time.perf_counter()
            add_plans(args.plans)
            analyze()
            print(f"\n{args.plans} plans loaded, active and recomputed ({time.perf_counter() - started:.1f} s)")
            beside = measure_pages(plan, requests=args.requests)
            print(f"\n{'page':<22} {f'{args.plans} plans / 1 plan':>20}")
            for name, median in beside.items():
                print(f"{name:<22} {median / alone[name]:>20.2f}")


def add_plans(count):
    """count - 1 more active plans: copies of the real catalogue (same codes, so the same statistics), each
    recomputed."""
    import copy

    from indicators.catalogue import read_catalogue
    from indicators.plans import plan_load, plan_transition
    from indicators.recompute import progress_recompute

    base = read_catalogue()
    for k in range(2, count + 1):
        catalogue = copy.deepcopy(base)
        catalogue["plan"] |= {"document_number": f"基准〔2026〕{k}号", "slug": f"bench-{k}", "name": f"基准方案{k}"}
        plan = plan_transition(plan=plan_load(catalogue=catalogue), to="active", reason="benchmark", user=None)
        progress_recompute(plan_id=plan.pk)


def generate(count, *, regional_share):
    """The real plan, one more region (10 in all), `count` indicators spread over the plan's tasks with
    approved city-wide and regional figures for every year, written with COPY. Returns (plan, figures)."""

    from departments.models import Region
    from indicators.catalogue import read_catalogue
    from indicators.models import Indicator, Task
    from indicators.plans import plan_load, plan_transition

    plan = plan_transition(plan=plan_load(catalogue=read_catalogue()), to="active", reason="benchmark", user=None)
    missing = REGIONS - Region.objects.count()
    for n in range(missing):
        Region.objects.create(name=f"基准区{n}", kind=Region.Kind.DISTRICT, position=100 + n)
    tasks = list(Task.objects.filter(plan=plan).order_by("position"))
    every = max(1, round(1 / regional_share)) if regional_share > 0 else None
    create_indicators(
        Indicator(
            code=f"BENCH_{n:05d}",
            task=tasks[n % len(tasks)],
            section="bench",
            name=f"基准指标{n}",
            kind=KINDS[n % len(KINDS)],
            unit="%",
            baseline_year=2020,
            target_year=2025,
            target_value=TARGETS[KINDS[n % len(KINDS)]],
            by_region=bool(every) and n % every == 0,
            source_text="",
            position=1000 + n,
        )
        for n in range(count)
    )
    units = [None, *Region.objects.order_by("position").values_list("pk", flat=True)]
    rng = random.Random(2025)
    buffer, rows = io.StringIO(), 0
    for indicator_id, kind in Indicator.objects.filter(section="bench").values_list("statistic_id", "kind"):
        measure = MEASURE[kind]
        for region_id in units:
            for year in YEARS:
                if kind in ("cumulative_total", "milestone") and year == 2020:
                    value = 0
                else:
                    value = VALUE[kind](rng, year - 2020)
                region = r"\N" if region_id is None else region_id
                buffer.write(f"{indicator_id}\t{region}\t{year}\t{measure}\tfinal\t{value:.4f}\tapproved\t1\n")
                rows += 1
    copy_figures(buffer.getvalue())
    return plan, rows


def analyze():
    """Fresh planner statistics, as autovacuum would have them on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def install_urls():
    """A URLconf module: the project's URLs plus /bench-trivial/, base.html with nothing in it."""
    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render
    from django.urls import include, path

    @login_required
    def trivial(request):
        return render(request, "base.html")

    module = types.ModuleType(BENCH_URLS)
    module.urlpatterns = [path("bench-trivial/", trivial), path("", include("yingkou_targets.urls"))]
    sys.modules[BENCH_URLS] = module


def measure_pages(plan, *, requests):
    from django.core.cache import cache
    from django.db.models import Count

    from departments import roles
    from departments.models import Department, Region
    from departments.services import roles_ensure, user_upsert

    roles_ensure()
    leader = user_upsert(username="bench_leader", password="bench-pass-123", role=roles.LEADER)
    # The department sharing the most tasks: the largest department page.
    department = (
        Department.objects.filter(responsibilities__task__plan=plan)
        .annotate(shared=Count("responsibilities"))
        .order_by("-shared", "position")
        .first()
    )
    region = Region.objects.get(name="鲅鱼圈区")
    print(f"department page: {department.name}; region page: {region.name}")
    at = f"/plans/{plan.slug}"  # a plan's pages
    pages = [
        ("trivial", "/bench-trivial/"),
        ("overview", f"{at}/overview/"),
        # The first view after a recompute run: the results part is rendered, not taken from the cache.
        ("overview (first view)", f"{at}/overview/", cache.clear),
        ("overview ?status=red", f"{at}/overview/?status=red"),
        ("overview ?department", f"{at}/overview/?department={department.pk}"),
        ("indicator EI_GDP", f"{at}/indicators/EI_GDP/"),
        ("department", f"{at}/departments/{department.pk}/"),
        ("region", f"{at}/regions/{region.pk}/"),
        ("annual report", f"{at}/report/"),
        ("overview.xlsx", f"{at}/overview.xlsx"),
    ]
    print(f"{'page':<22} {'median ms':>10} {'p90 ms':>10} {'queries':>8} {'size KB':>10}")
    medians = {}
    for name, path, *before in pages:
        medians[name] = measure(leader, name, path, requests=requests, before=before[0] if before else None)
    first = medians["overview (first view)"] / medians["trivial"]
    print(f"overview (first view after a run)/trivial: {first:.2f}")
    print(f"overview/trivial: {medians['overview'] / medians['trivial']:.2f} (goal <= 5)")
    return medians


def measure(user, name, path, *, requests, before=None):
    """Median ms of `requests` requests of `path`; `before` runs ahead of each one, untimed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(requests):
        if before:
            before()
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:  # one more, counted apart from the timed ones
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    median = statistics.median(timings)
    p90 = statistics.quantiles(timings, n=10, method="inclusive")[-1] if len(timings) > 1 else timings[0]
    print(f"{name:<22} {median:>10.1f} {p90:>10.1f} {len(queries):>8} {len(response.content) / 1024:>10.0f}")
    return median


if __name__ == "__main__":
    main()
