"""Whole numbers from requests: ASCII digits of bounded length, else a 400 that names the problem."""

import pytest
from django.urls import reverse

from departments.models import Department, Region
from reporting import params
from tests.plans import SLUG

HOSTILE = ["²", "١٢", "２０２１", "12a", "-1", "+1", " 1", "1 ", "1.0", "", "9" * 19, "0x10"]


@pytest.mark.parametrize("text", HOSTILE + [None, 12])
def test_anything_but_ascii_digits_is_no_number(text):
    assert params.whole_number(text) is None


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("2021", 2021), ("007", 7), ("9" * 18, 10**18 - 1)])
def test_ascii_digits_are_a_number(text, number):
    assert params.whole_number(text) == number


def test_a_year_has_four_digits():
    assert params.year("2021") == 2021
    assert params.year("20210") is None


def department_url():
    return reverse("reporting:department", args=[SLUG, Department.objects.get(name="市生态环境局").pk])


def region_url():
    return reverse("reporting:region", args=[SLUG, Region.objects.get(name="鲅鱼圈区").pk])


# Every page that reads ?year=; "²".isdigit() is True, but int("²") raises: each answered 500.
PAGES = [
    lambda: reverse("reporting:report", args=[SLUG]),
    lambda: reverse("reporting:completeness", args=[SLUG]),
    department_url,
    region_url,
]


@pytest.mark.parametrize("url", PAGES, ids=["report", "completeness", "department", "region"])
@pytest.mark.parametrize("year", ["²", "١٢", "9" * 30])
def test_a_hostile_year_is_a_400_that_names_it(client, reviewer, url, year):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    response = client.get(url(), {"year": year})
    assert response.status_code == 400
    assert f"year {year[:20]}" in response.content.decode()


@pytest.mark.parametrize("waiting", ["²", "9" * 30, "abc"])
def test_a_hostile_run_id_to_wait_for_is_ignored(client, leader, plan, waiting):
    client.force_login(leader)
    assert client.get(reverse("reporting:freshness", args=[SLUG]), {"waiting": waiting}).status_code == 200
