"""Completeness per department and region: due, missing, draft, returned, submitted, approved, late."""

from datetime import date

import pytest
from django.urls import reverse

from departments.models import Department, Region
from indicators import worklist
from indicators.models import Figure, Indicator
from tests.plans import SLUG

URL = reverse("reporting:completeness", args=[SLUG])


@pytest.fixture
def figures(plan):
    """2021 figures of four indicators 市生态环境局 leads (task 四（二）) and one of 鲅鱼圈区."""
    states = {"COD": "draft", "NOX": "submitted", "VOCS": "approved", "NH3N": "returned"}
    for code, status in states.items():
        Figure.objects.create(
            statistic=Indicator.objects.get(code=code).statistic, year=2021, measure="amount", value=10, status=status
        )
    Figure.objects.create(
        statistic=Indicator.objects.get(code="COD").statistic,
        region=Region.objects.get(name="鲅鱼圈区"),
        year=2021,
        measure="amount",
        value=3,
        status="approved",
    )


def row_of(report, name):
    return next(row for row in report["rows"] if row["unit"].name == name)


def test_counts_by_state_and_late_after_the_deadline(plan, figures):
    ecology = Department.objects.get(name="市生态环境局")
    due = Indicator.objects.filter(
        task__responsibilities__department=ecology, task__responsibilities__role="lead"
    ).count()
    assert due == 38  # every indicator of the tasks it leads is due for 2021, the first year after the baseline

    before = row_of(worklist.completeness(plan=plan, year=2021, today=date(2022, 3, 31)), "市生态环境局")
    assert before | {"unit": None, "open_keys": None} == {
        "open_keys": None,
        "unit": None,
        "due": 38,
        "missing": 34,
        "draft": 1,
        "returned": 1,
        "submitted": 1,
        "approved": 1,
        "open": 36,
        "late": 0,
    }
    after = worklist.completeness(plan=plan, year=2021, today=date(2022, 4, 1))
    assert row_of(after, "市生态环境局")["late"] == 36  # missing + draft + returned
    # 鲅鱼圈区 reports the five indicators broken down by region; COD is in.
    region = row_of(after, "鲅鱼圈区")
    assert (region["due"], region["approved"], region["missing"]) == (5, 1, 4)


def test_leaders_see_every_unit_clerks_their_own(client, leader, clerk, figures):
    client.force_login(leader)
    page = client.get(URL, {"year": 2021}).content.decode()
    assert "市生态环境局" in page and "鲅鱼圈区" in page and "市发改委（市能源局）" in page
    client.force_login(clerk)
    page = client.get(URL, {"year": 2021}).content.decode()
    assert "市生态环境局" in page and "鲅鱼圈区" not in page and "市发改委（市能源局）" not in page


@pytest.mark.parametrize("year", ["1999", "abc", "2025; DROP TABLE", "²", "２０２１", "9" * 30])
def test_a_bad_year_is_named_and_falls_back_to_the_reporting_year(client, leader, plan, year):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"year": year})
    assert response.status_code == 400
    assert response.context["year"] in range(2020, 2026)
    assert f"There is no year {year[:20]} in the plan" in response.content.decode()


def test_no_year_is_the_reporting_year(client, leader, plan):
    client.force_login(leader)
    response = client.get(URL, {"year": ""})
    assert response.status_code == 200 and response.context["year"] in range(2020, 2026)


def test_query_count_is_constant(client, leader, figures, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(10):
        client.get(URL, {"year": 2021})
    for indicator in Indicator.objects.all():
        Figure.objects.create(statistic=indicator.statistic, year=2021, measure="level", value=1, status="approved")
    with django_assert_max_num_queries(10):
        client.get(URL, {"year": 2021})
