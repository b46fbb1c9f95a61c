"""The final assessment page and workbook: who reads them, when they open, and targets judged by hand."""

import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Figure, Indicator
from indicators.recompute import progress_recompute
from reporting.views import assessment as view
from tests.factories import UserFactory
from tests.plans import SLUG
from tests.reporting.conftest import approve, grow

URL = reverse("reporting:assessment", args=[SLUG])
XLSX_URL = reverse("reporting:assessment-xlsx", args=[SLUG])
# The figures for 2025 are due by 31 March 2026 (the plan's default deadline).
DUE, BEFORE = date(2026, 3, 31), date(2026, 3, 30)


@pytest.fixture
def today(monkeypatch):
    """Sets the view's clock: call with the day it is."""

    def set_today(day):
        monkeypatch.setattr(view, "timezone", SimpleNamespace(localdate=lambda: day))

    set_today(DUE)
    return set_today


def preliminary(code, year, value):
    Figure.objects.create(
        statistic=Indicator.objects.get(code=code).statistic,
        year=year,
        measure="level",
        value=value,
        stage="preliminary",
        status="approved",
    )


@pytest.fixture
def final_figures(plan):
    """Worked out by hand at 2025:
    - COD (3472 t in total): 5 x 700 = 3500 t: met, 28 t beyond.
    - NH3N (35 t): 4 x 7 + 6 = 34 t: not met, 1 t short.
    - EI_GDP (15.5 % below 2020): 100 -> 84 is 16 % below: met, 0.5 points beyond.
    - RURAL_SEWAGE (达到35%): 35 % final (34 % preliminary superseded): met with the final figure.
    - EFFICIENCY_BENCHMARK (超过30%, strict): exactly 30 %, preliminary only: not met.
    Every other target has no figure: no data."""
    for year in range(2021, 2026):
        approve("COD", year, "amount", 700)
        approve("NH3N", year, "amount", 6 if year == 2025 else 7)
    approve("EI_GDP", 2020, "level", 100)
    approve("EI_GDP", 2025, "level", 84)
    preliminary("RURAL_SEWAGE", 2025, 34)
    approve("RURAL_SEWAGE", 2025, "level", 35)
    preliminary("EFFICIENCY_BENCHMARK", 2025, 30)
    progress_recompute()


def outcomes(page):
    """{code: outcome} of the targets' table."""
    return dict(re.findall(r'<tr data-code="([^"]+)" data-outcome="(\w+)">', page))


def row_of(page, code):
    return re.search(rf'<tr data-code="{code}".*?</tr>', page, re.S).group(0)


def test_a_leader_reads_every_target(client, leader, today):
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    assert len(outcomes(response.content.decode())) == Indicator.objects.count()


def test_a_user_without_a_role_gets_403(client, plan, today):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(URL).status_code == 403
    assert client.get(XLSX_URL).status_code == 403


@pytest.mark.parametrize("url", [URL, XLSX_URL])
def test_404_before_the_target_years_figures_are_due(client, leader, today, url):
    today(BEFORE)
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 404


def test_the_404_says_when_it_opens(leader, today, rf):
    from django.http import Http404

    today(BEFORE)
    request = rf.get(URL)
    request.user = leader
    with pytest.raises(Http404, match="2026-03-31"):
        view.final_assessment(request, slug=SLUG)


@pytest.mark.parametrize(
    ("code", "outcome", "stage", "gap"),
    [
        ("COD", "met", "Final", "-28 t"),
        ("NH3N", "not_met", "Final", "1 t"),
        ("EI_GDP", "met", "Final", "-0.5 points"),
        ("RURAL_SEWAGE", "met", "Final", "0%"),
        ("EFFICIENCY_BENCHMARK", "not_met", "Preliminary", "0%"),
        ("STEEL_ULE", "no_data", "—", "—"),
    ],
)
def test_targets_judged_by_hand(client, leader, today, final_figures, code, outcome, stage, gap):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    row = row_of(page, code)
    assert outcomes(page)[code] == outcome
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[4] == stage
    assert cells[6] == gap


def test_outcome_colour_comes_from_the_status(client, leader, today, final_figures):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    assert "light-green" in row_of(page, "COD")
    assert "light-red" in row_of(page, "NH3N")
    assert "light-grey" in row_of(page, "STEEL_ULE")


def test_shares(client, leader, today, final_figures):
    """Met 3 of 5 assessed; binding: COD, EI_GDP met, NH3N not (2 of 3); expected: 1 of 2."""
    client.force_login(leader)
    page = client.get(URL).content.decode()
    rows = re.findall(r'<tr data-share="(\w+)">\s*<th[^>]*>.*?</th>\s*<td>(\d+)</td><td>(\d+)</td>', page, re.S)
    assert {key: (int(met), int(assessed)) for key, met, assessed in rows} == {
        "all": (3, 5),
        "binding": (2, 3),
        "expected": (1, 2),
    }


def test_the_workbook_has_a_row_per_target(client, leader, today, final_figures):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == Indicator.objects.count()
    by_code = {row[0]: row for row in rows}
    assert by_code["COD"][5] == 3500
    assert by_code["COD"][8] == pytest.approx(-28)
    assert by_code["NH3N"][7] == "Not met"
    assert len(book.worksheets) == 4


def test_query_count_is_constant(client, leader, today, final_figures, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(10) as first:
        client.get(URL)
    grow(5)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(URL)
    assert len(outcomes(response.content.decode())) == Indicator.objects.count()


PERSONAS = ["clerk", "colleague", "outsider", "head", "reviewer", "region_clerk", "leader", "administrator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_it(client, request, persona, today):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 200


def table_rows(page, table):
    """[(name, met, assessed, no data)] of a shares table."""
    body = re.search(rf'<table[^>]*id="assessment-{table}">(.*?)</table>', page, re.S).group(1)
    found = re.findall(r'<th scope="row">(.*?)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', body)
    return [(name, int(met), int(assessed), int(missing)) for name, met, assessed, missing in found]


def test_regions_judge_only_targets_they_are_judged_on(client, leader, today, final_figures):
    """Of the targets broken down by region, only EI_GDP is judged in the regions (the amounts are the
    city's); Bayuquan's 2020 -> 2025 levels 100 -> 85 are 15 % below: not met."""
    approve("EI_GDP", 2020, "level", 100, region=_bayuquan())
    approve("EI_GDP", 2025, "level", 85, region=_bayuquan())
    progress_recompute()
    client.force_login(leader)
    rows = {name: counts for name, *counts in table_rows(client.get(URL).content.decode(), "regions")}
    assert rows["鲅鱼圈区"] == [0, 1, 0]
    assert {tuple(counts) for name, counts in rows.items() if name != "鲅鱼圈区"} == {(0, 0, 1)}


def test_departments_count_the_targets_of_the_tasks_they_lead(client, leader, today, final_figures):
    """市营商局（市审批局） leads 三（一） (EFFICIENCY_BENCHMARK not met, four without data) and 四（二）
    (COD met, NH3N not met, NOX and VOCS without data): 1 met of 3 assessed, 6 without data."""
    client.force_login(leader)
    rows = {name: counts for name, *counts in table_rows(client.get(URL).content.decode(), "departments")}
    assert rows["市营商局（市审批局）"] == [1, 3, 6]


def _bayuquan():
    from departments.models import Region

    return Region.objects.get(name="鲅鱼圈区")


@pytest.mark.parametrize(("day", "shown"), [(date(2026, 3, 30), False), (date(2026, 3, 31), True)])
def test_the_header_links_it_once_it_opens(client, leader, monkeypatch, day, shown):
    from reporting import context_processors

    monkeypatch.setattr(context_processors, "timezone", SimpleNamespace(localdate=lambda: day))
    client.force_login(leader)
    page = client.get(reverse("reporting:overview", args=[SLUG])).content.decode()
    assert (reverse("reporting:assessment", args=[SLUG]) in page) == shown


def overview_outcomes(page):
    """{code: outcome} of the overview's indicator rows, when they say met or not met."""
    return dict(
        re.findall(r'<tr data-code="([^"]+)"[^>]*>\s*<td>.*?</td>\s*<td><span [^>]*data-outcome="(\w+)"', page, re.S)
    )


def test_the_overview_of_a_finished_plans_target_year_says_met_or_not_met(client, leader, final_figures, monkeypatch):
    import importlib

    from django.utils import timezone

    overview = importlib.import_module("reporting.views.overview")  # the module, not the view it exports

    def on(day):
        monkeypatch.setattr(overview, "timezone", SimpleNamespace(now=timezone.now, localdate=lambda: day))

    client.force_login(leader)
    client.cookies["django_language"] = "en"
    url = reverse("reporting:overview", args=[SLUG])
    on(date(2026, 1, 5))  # the plan's target year is over
    page = client.get(url, {"year": 2025}).content.decode()
    found = overview_outcomes(page)
    assert {code: found[code] for code in ("COD", "NH3N", "EI_GDP", "RURAL_SEWAGE", "EFFICIENCY_BENCHMARK")} == {
        "COD": "met", "NH3N": "not_met", "EI_GDP": "met", "RURAL_SEWAGE": "met", "EFFICIENCY_BENCHMARK": "not_met",
    }  # fmt: skip
    assert found["STEEL_ULE"] == "no_data" and len(found) == Indicator.objects.count()
    assert "Against schedule" not in page and "Gap" in page and 'id="final-note"' in page
    # An earlier year, or the target year while it runs: against the schedule.
    for day, year in ((date(2026, 1, 5), 2024), (date(2025, 12, 31), 2025)):
        on(day)
        page = client.get(url, {"year": year}).content.decode()
        assert not overview_outcomes(page) and "Against schedule" in page
