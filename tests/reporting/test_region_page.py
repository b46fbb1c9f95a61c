"""The region page: a county-level government's lights on the five indicators broken down by region, year
by year, and each indicator's year compared across the regions. Results are worked out by hand."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from departments.models import Region
from indicators import progress
from indicators.models import Figure, Indicator, Result
from indicators.recompute import progress_recompute
from tests.plans import SLUG
from tests.reporting.conftest import plot

BY_REGION = ["EI_GDP", "COD", "NH3N", "NOX", "VOCS"]


def url(name="鲅鱼圈区"):
    return reverse("reporting:region", args=[SLUG, Region.objects.get(name=name).pk])


def zh(message):
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


def approve(code, region, year, measure, value):
    Figure.objects.create(
        statistic=Indicator.objects.get(code=code).statistic,
        region=Region.objects.get(name=region) if region else None,
        year=year,
        measure=measure,
        value=value,
        status="approved",
    )


def row(page, code):
    match = re.search(rf'<tr data-code="{code}">.*?</tr>', page, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def cells(page, code):
    """The row's year cells (2021-2025), as HTML."""
    return re.findall(r"<td>(<span class=\"badge light.*?)</td>", row(page, code), re.S)


def lights(page, code):
    return [re.search(r"light-(\w+)", cell).group(1) for cell in cells(page, code)]


@pytest.fixture
def figures(plan):
    """By hand, 2021 against the plan's −15.5 % by 2025 (expected (1 − 0.845^0.2)/0.155 = 21.37 %):
    - 鲅鱼圈区 EI_GDP −3.1 %: 3.1/15.5 = 20.0 % achieved: yellow. 2022 −4.0 %: 1 − 0.969 × 0.96 = 6.976 %,
      45.0 % achieved against (1 − 0.845^0.4)/0.155 = 42.03 %: green.
    - 站前区 EI_GDP −3.5 %: 22.58 %: green.  西市区 EI_GDP +0.5 %: the intensity rose: red.
    - COD: 鲅鱼圈区 300 t, 站前区 200 t: shown, not judged (the plan sets 3472 t for the whole city only);
      the city's total is their sum, 500 t = 14.4 % of 3472 t, against 20 %: yellow."""
    approve("EI_GDP", "鲅鱼圈区", 2021, "change_rate", -3.1)
    approve("EI_GDP", "鲅鱼圈区", 2022, "change_rate", -4.0)
    approve("EI_GDP", "站前区", 2021, "change_rate", -3.5)
    approve("EI_GDP", "西市区", 2021, "change_rate", 0.5)
    approve("COD", "鲅鱼圈区", 2021, "amount", 300)
    approve("COD", "站前区", 2021, "amount", 200)
    progress_recompute()


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "reviewer", "administrator", "region_clerk"])
def test_those_who_see_every_unit_and_its_own_clerks_open_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url())
    assert response.status_code == 200
    assert '<h1 class="h3 mb-1">鲅鱼圈区</h1>' in response.content.decode()


def test_a_region_clerk_may_not_open_another_region(client, region_clerk):
    client.force_login(region_clerk)
    assert client.get(url("站前区")).status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "head", "outsider"])
def test_department_staff_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url()).status_code == 403


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_region_is_not_found(client, leader, plan):
    client.force_login(leader)
    assert client.get(reverse("reporting:region", args=[SLUG, 999999])).status_code == 404


# --- Lights by year --------------------------------------------------------------------------------


def test_the_five_indicators_with_each_years_light(client, region_clerk, figures):
    client.force_login(region_clerk)
    response = client.get(url(), {"year": 2021})
    page = response.content.decode()
    assert re.findall(r'<tr data-code="(\w+)">', page) == BY_REGION
    assert lights(page, "EI_GDP") == ["yellow", "green", "grey", "grey", "grey"]
    assert lights(page, "NH3N") == ["grey"] * 5
    assert [c.count("<td") for c in cells(page, "EI_GDP")] == [0] * 5  # one cell per year, 2021-2025
    assert "3.1%" in cells(page, "EI_GDP")[0] and "6.98%" in cells(page, "EI_GDP")[1]


def test_the_hand_computed_energy_intensity_result(figures):
    bayuquan = Result.objects.get(indicator__code="EI_GDP", region__name="鲅鱼圈区", year=2021)
    assert (bayuquan.status, bayuquan.rule) == ("yellow", progress.BEHIND_SCHEDULE)
    assert bayuquan.value == pytest.approx(3.1)
    assert bayuquan.achieved == pytest.approx(3.1 / 15.5)
    assert bayuquan.expected == pytest.approx((1 - 0.845**0.2) / 0.155)
    assert bayuquan.expected == pytest.approx(0.2137, abs=1e-4)
    statuses = dict(
        Result.objects.filter(indicator__code="EI_GDP", year=2021, region__isnull=False).values_list(
            "region__name", "status"
        )
    )
    assert statuses == {"鲅鱼圈区": "yellow", "站前区": "green", "西市区": "red"}


def test_a_regions_amount_is_shown_not_judged(client, leader, figures):
    client.force_login(leader)
    page = client.get(url(), {"year": 2021}).content.decode()
    cod = cells(page, "COD")[0]
    label = zh("No regional target")
    assert label != "No regional target"  # translated
    assert f'title="{label}"' in cod and "light-grey" in cod
    assert "300" in cod  # the tonnes are still shown
    assert f'title="{zh("No data")}"' in cells(page, "COD")[1]  # 2022: nothing reported
    result = Result.objects.get(indicator__code="COD", region__name="鲅鱼圈区", year=2021)
    assert (result.status, result.rule, result.value) == ("grey", progress.NO_REGIONAL_TARGET, 300)
    city = Result.objects.get(indicator__code="COD", region=None, year=2021)
    assert (city.status, city.value, city.source) == ("yellow", 500, progress.FROM_REGION_SUM)


def test_other_regions_lights_are_their_own(client, leader, figures):
    client.force_login(leader)
    page = client.get(url("西市区"), {"year": 2021}).content.decode()
    assert lights(page, "EI_GDP") == ["red", "grey", "grey", "grey", "grey"]
    page = client.get(url("老边区"), {"year": 2021}).content.decode()
    assert lights(page, "EI_GDP") == ["grey"] * 5 and lights(page, "COD") == ["grey"] * 5


# --- Comparison charts ------------------------------------------------------------------------------


def test_a_comparison_chart_per_indicator_with_results(client, leader, figures):
    client.force_login(leader)
    response = client.get(url(), {"year": 2021})
    page = response.content.decode()
    assert re.findall(r'id="(region-\d+)"', page) == ["region-0", "region-1"]  # EI_GDP, COD
    assert page.count(zh("No results for this year yet.")) == 3  # NH3N, NOX, VOCS
    for name in ("鲅鱼圈区", "站前区", "西市区"):
        assert name in page or json.dumps(name)[1:-1] in page

    (ei_gdp,), _layout, config = plot(page, "region-0")
    assert ei_gdp["y"] == ["站前区", "西市区", "鲅鱼圈区"]  # in the regions' order
    assert ei_gdp["x"] == pytest.approx([3.5, -0.5, 3.1])
    assert ei_gdp["marker"]["color"] == ["#1a7f37", "#c62828", "#b58100"]  # green, red, yellow
    assert not config.get("staticPlot")  # the page's charts are interactive
    # 鲅鱼圈区, the page's region, is outlined.
    widths = ei_gdp["marker"]["line"]["width"]
    assert widths[2] > 0 and widths[0] == widths[1] == 0

    (cod,), _layout, _config = plot(page, "region-1")
    assert cod["y"] == ["站前区", "鲅鱼圈区"] and cod["x"] == [200, 300]
    assert all(zh("No regional target") in text for text in cod["text"])


def test_the_comparison_follows_the_year(client, leader, figures):
    client.force_login(leader)
    page = client.get(url(), {"year": 2022}).content.decode()
    (ei_gdp,), _layout, _config = plot(page, "region-0")
    statuses = dict(zip(ei_gdp["y"], ei_gdp["marker"]["color"], strict=True))
    assert statuses == {"站前区": "#8c959f", "西市区": "#8c959f", "鲅鱼圈区": "#1a7f37"}  # grey, grey, green


def test_without_results_no_chart_is_drawn(client, leader, plan):
    client.force_login(leader)
    page = client.get(url()).content.decode()
    assert "Plotly.newPlot" not in page
    assert page.count(zh("No results for this year yet.")) == 5


# --- Query count and the year ---------------------------------------------------------------------


def test_query_count_is_constant(client, leader, figures, django_assert_max_num_queries):
    client.force_login(leader)
    address = url()
    with django_assert_max_num_queries(11) as first:
        client.get(address, {"year": 2021})
    for region in Region.objects.all():
        for code in BY_REGION:
            for year in range(2021, 2026):
                measure = "change_rate" if code == "EI_GDP" else "amount"
                if not Figure.objects.filter(statistic__code=code, region=region, year=year).exists():
                    approve(code, region.name, year, measure, -2 if code == "EI_GDP" else 10)
    progress_recompute()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(address, {"year": 2021})
    page = response.content.decode()
    assert re.findall(r'id="(region-\d+)"', page) == [f"region-{n}" for n in range(5)]
    assert len(plot(page, "region-4")[0][0]["y"]) == Region.objects.count() == 9


@pytest.mark.parametrize("year", ["abc", "1999", "2020", "2026", "<b>2021</b>"])
def test_a_bad_year_is_refused_and_the_default_year_shown(client, leader, figures, year):
    client.force_login(leader)
    response = client.get(url(), {"year": year})
    assert response.status_code == 400
    page = response.content.decode()
    assert response.context["year"] == 2021  # the latest year with a city-wide result
    alert = re.search(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>', page, re.S).group(1)
    assert unescape(alert) == response.context["year_error"]
    assert year in unescape(alert)
    assert "<b>2021</b>" not in page
    assert lights(page, "EI_GDP")[0] == "yellow"  # the page is still rendered
    assert 'id="region-0"' in page


def test_the_year_picker_offers_the_assessed_years(client, leader, figures):
    client.force_login(leader)
    page = client.get(url(), {"year": 2022}).content.decode()
    picker = re.search(r'<select id="year-select".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', picker) == ["2021", "2022", "2023", "2024", "2025"]
    assert '<option value="2022" selected>' in picker
