"""Several plans read one statistic: a figure is entered once and counts for every plan whose target reads it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators import worklist
from indicators.catalogue import NEXT_PLAN_PATH, read_catalogue
from indicators.demo_load import demo_load
from indicators.figures import figures_import
from indicators.models import Figure, Indicator, PendingRecompute, Plan, RecomputeRun, Result, Statistic
from indicators.plans import plan_load, plan_transition
from indicators.recompute import progress_recompute

NEXT = "yingkou-15th-example"


@pytest.fixture
def next_plan(plan):
    following = plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))
    return plan_transition(plan=following, to=Plan.Status.ACTIVE, reason="test", user=None)


def exports(slug):
    printed = []
    for command in ("export_plan", "export_progress"):
        out = io.StringIO()
        call_command(command, "--plan", slug, stdout=out)
        printed.append(out.getvalue())
    return printed


def test_the_next_plan_reuses_codes_and_leaves_the_first_byte_for_byte(plan):
    demo_load(plan=plan)
    progress_recompute()
    before = exports("yingkou-14th")
    for _ in range(2):  # loading it again changes nothing either
        plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))
        assert exports("yingkou-14th") == before
    reused = set(Indicator.objects.filter(plan=plan).values_list("code", flat=True)) & set(
        Indicator.objects.filter(plan__slug=NEXT).values_list("code", flat=True)
    )
    assert {"EI_GDP", "COD", "NOX"} <= reused
    assert Indicator.objects.filter(plan=plan).count() == 41


def test_a_target_reads_its_own_code_unless_the_catalogue_names_a_statistic(plan, next_plan):
    for code in ("EI_GDP", "COD"):
        first, second = Indicator.objects.filter(code=code).order_by("plan__baseline_year")
        assert first.statistic_id == second.statistic_id and first.statistic.code == code
    co2 = Indicator.objects.get(plan=next_plan, code="CO2_GDP")
    assert co2.statistic.code == "CO2_GDP" and not co2.statistic.figures.exists()
    assert Statistic.objects.filter(code="EI_GDP").count() == 1


def test_one_approved_figure_counts_for_both_plans(plan, next_plan, administrator):
    csv = b"indicator,region,year,measure,value\nEI_GDP,,2025,change_rate,-3.1\n"
    summary = figures_import(data=csv, filename="ei.csv", user=administrator, approve=True)
    assert summary.created == 1 and Figure.objects.filter(statistic__code="EI_GDP").count() == 1
    pending = set(PendingRecompute.objects.values_list("indicator_id", flat=True))
    assert pending == set(Indicator.objects.filter(code="EI_GDP").values_list("pk", flat=True))
    progress_recompute()
    # The 14th plan's last year, and the next plan's baseline year.
    assert Result.objects.filter(indicator__plan=plan, indicator__code="EI_GDP", year=2025, region=None).exists()
    assert Result.objects.filter(indicator__plan=next_plan, indicator__code="EI_GDP").exists()


def test_a_closed_plan_is_not_recomputed_by_a_new_figure(plan, next_plan, administrator):
    plan_transition(plan=plan, to=Plan.Status.CLOSED, reason="终期评估已发布", user=None)
    csv = b"indicator,region,year,measure,value\nEI_GDP,,2025,change_rate,-3.1\n"
    figures_import(data=csv, filename="ei.csv", user=administrator, approve=True)
    assert list(PendingRecompute.objects.values_list("indicator__plan", flat=True)) == [next_plan.pk]


def test_the_clerk_owes_each_statistic_once_across_the_active_plans(plan, next_plan, clerk):
    """The 生态环境局 clerk reports COD for both plans: one row, the years of both."""
    today = date(2027, 2, 1)
    grid = worklist.entry_grid(user=clerk, today=today)
    codes = [row["statistic"].code for row in grid["rows"]]
    assert codes.count("COD") == 1 and "CO2_GDP" in codes
    cod = next(row for row in grid["rows"] if row["statistic"].code == "COD")
    assert {t.plan.slug for t in cod["targets"]} == {"yingkou-14th", NEXT}
    assert grid["years"][0] == 2020 and grid["years"][-1] == 2030
    due = [cell["year"] for cell in cod["cells"] if cell["due"]]
    assert due == list(range(2021, 2027))  # the 14th plan's years, then the next plan's 2026
    rows = worklist.template_rows(user=clerk, today=today)
    assert [r["year"] for r in rows if r["indicator"] == "COD"] == list(range(2021, 2027))


def test_the_entry_form_takes_the_years_of_every_plan_reading_the_statistic(client, plan, next_plan, head):
    client.force_login(head)
    assert client.get(reverse("reporting:figure-entry", args=["EI_GDP", 2027])).status_code == 200
    assert client.get(reverse("reporting:figure-entry", args=["EI_GDP", 2019])).status_code == 404
    assert client.get(reverse("reporting:figure-entry", args=["NO_SUCH", 2021])).status_code == 404


def test_a_draft_plan_adds_nothing_to_enter(plan, head):
    plan_load(catalogue=read_catalogue(NEXT_PLAN_PATH))  # a draft
    codes = [row["statistic"].code for row in worklist.entry_grid(user=head, today=timezone.localdate())["rows"]]
    assert "CO2_GDP" not in codes


def test_the_figure_validates_against_the_statistic(plan, next_plan):
    ei = Statistic.objects.get(code="EI_GDP")
    assert list(ei.reporting_years()) == list(range(2020, 2031))
    assert {"change_rate", "level", "energy_total", "gdp"} <= set(ei.measures)


def test_runs_and_freshness_are_per_plan(plan, next_plan, administrator, django_capture_on_commit_callbacks):
    from reporting import selectors as pages

    demo_load(plan=plan)
    progress_recompute()
    csv = b"indicator,region,year,measure,value\nEI_GDP,,2026,change_rate,-2.5\n"
    with django_capture_on_commit_callbacks(execute=True):
        figures_import(data=csv, filename="ei.csv", user=administrator, approve=True)
    runs = RecomputeRun.objects.filter(plan__isnull=False).order_by("plan__baseline_year")
    assert list(runs.values_list("plan__slug", "status")) == [("yingkou-14th", "done"), (NEXT, "done")]
    now = timezone.now()
    first, following = pages.freshness(plan=plan, now=now), pages.freshness(plan=next_plan, now=now)
    assert pages.default_year(plan, first) == 2024  # the demo's last year, not the next plan's 2026
    assert pages.default_year(next_plan, following) == 2026
    assert first["behind"] == following["behind"] == 0
