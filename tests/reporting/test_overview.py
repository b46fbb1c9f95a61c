"""The overview: leadership's page of binding-target tiles, light counts, indicators by task, who is behind,
and its filters. Results are worked out by hand from the plan's own targets."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from departments import roles
from departments.models import Department, Region
from departments.services import roles_ensure
from indicators.models import Indicator, Plan, RecomputeRun, Result, TaskResponsibility
from indicators.recompute import progress_recompute
from reporting import selectors
from tests.factories import UserFactory
from tests.plans import SLUG
from tests.reporting.conftest import approve, grow

URL = reverse("reporting:overview", args=[SLUG])


def rows(page):
    """{code: status} of the indicator table's rows."""
    return dict(re.findall(r'<tr data-code="([A-Z0-9_]+)" data-status="(\w+)"', page))


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_gets_403(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create(username="nobody"))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["clerk", "colleague", "outsider", "head", "reviewer", "leader", "administrator"])
def test_every_role_reads_the_overview(client, request, results, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card h-100 tile') == 5  # EI_GDP, COD, NH3N, NOX, VOCS
    assert len(rows(page)) == Indicator.objects.count() == 41


def test_tiles_and_rows_carry_the_hand_computed_results(client, leader, results):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    statuses = rows(page)
    assert (statuses["STRAW_USE"], statuses["COD"], statuses["EI_GDP"], statuses["STEEL_ULE"]) == (
        "green",
        "yellow",
        "yellow",
        "red",
    )
    assert {status for code, status in statuses.items() if code not in ("STRAW_USE", "COD", "EI_GDP", "STEEL_ULE")} == {
        "grey"
    }
    ei_gdp, cod = (reverse("reporting:indicator", args=[SLUG, code]) for code in ("EI_GDP", "COD"))
    tile = page[page.index(f'href="{ei_gdp}"') : page.index(f'href="{cod}"')]
    assert "tile-yellow" in tile and "比2020年下降2.9%" in tile and "3.42%" in tile
    assert "18.7" in tile and "21.4" in tile  # achieved and expected, in %
    cod = page[page.index('<tr data-code="COD"') :]
    cod = cod[: cod.index("</tr>")]
    assert "500 吨" in cod and "743 吨" in cod


def test_counts_of_each_light(client, leader, results):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    counts = dict(re.findall(r'data-status="(\w+)">.*?<span class="fs-5 ms-1">(\d+)</span>', page, re.S))
    assert counts == {"red": "1", "yellow": "2", "green": "1", "grey": "37"}


@pytest.mark.parametrize(("status", "codes"), [("yellow", {"COD", "EI_GDP"}), ("green", {"STRAW_USE"})])
def test_filter_by_status(client, leader, results, status, codes):
    client.force_login(leader)
    page = client.get(URL, {"status": status}).content.decode()
    assert set(rows(page)) == codes


def test_filter_by_department_shows_the_tasks_it_leads_or_shares(client, leader, results):
    housing = Department.objects.get(name="市住建局")
    client.force_login(leader)
    page = client.get(URL, {"department": housing.pk}).content.decode()
    shared = Indicator.objects.filter(task__responsibilities__department=housing)
    assert set(rows(page)) == set(shared.values_list("code", flat=True))
    assert 0 < len(rows(page)) < 41


def test_filter_by_task(client, leader, results):
    task = Indicator.objects.get(code="COD").task
    client.force_login(leader)
    page = client.get(URL, {"task": task.pk}).content.decode()
    assert set(rows(page)) == set(task.indicators.values_list("code", flat=True))


def test_filter_by_region_shows_its_results_on_the_indicators_broken_down_by_region(client, leader, results):
    bayuquan = Region.objects.get(name="鲅鱼圈区")
    approve("EI_GDP", 2021, "change_rate", -3.1, region=bayuquan)  # 3.1/15.5 = 20 % < 21.37 %: yellow
    approve("COD", 2021, "amount", 120, region=bayuquan)  # the city's 3472 t is not split: shown, not judged
    progress_recompute()
    client.force_login(leader)
    page = client.get(URL, {"region": bayuquan.pk}).content.decode()
    assert rows(page) == {"EI_GDP": "yellow", "COD": "grey", "NH3N": "grey", "NOX": "grey", "VOCS": "grey"}
    assert "比2020年下降3.1%" in page and "120 吨" in page


def test_the_year_defaults_to_the_latest_with_results_and_can_be_chosen(client, leader, results):
    client.force_login(leader)
    assert 'value="2021" selected' in client.get(URL).content.decode()
    page = client.get(URL, {"year": 2022}).content.decode()
    assert set(rows(page).values()) == {"grey"}  # no 2022 figure anywhere


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"year": "1999", "status": "green"}, {"STRAW_USE"}),  # the valid filter still applies
        ({"year": "abc", "status": "green"}, {"STRAW_USE"}),
        ({"task": "999999", "status": "green"}, {"STRAW_USE"}),
        ({"status": "purple"}, None),  # None: every indicator
        ({"page": "x"}, None),
    ],
)
def test_bad_filters_are_refused_with_a_message_and_left_out(client, leader, results, params, shown):
    client.force_login(leader)
    response = client.get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="alert alert-danger' in page
    assert set(rows(page)) == (shown or set(Indicator.objects.values_list("code", flat=True)))


def test_htmx_gets_only_the_results_fragment(client, leader, results):
    client.force_login(leader)
    response = client.get(URL, {"status": "red"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="overview-results">')
    assert set(rows(page)) == {"STEEL_ULE"}


def test_who_is_behind_ranks_lead_departments_by_red_then_yellow(client, leader, results):
    client.force_login(leader)
    behind = selectors.departments_behind(plan=Indicator.objects.first().task.plan, year=2021)
    expected = {}
    for code, colour in (("STEEL_ULE", "red"), ("COD", "yellow"), ("EI_GDP", "yellow")):
        task = Indicator.objects.get(code=code).task
        for lead in TaskResponsibility.objects.filter(task=task, role="lead"):
            expected.setdefault(lead.department.name, {"red": 0, "yellow": 0})[colour] += 1
    assert {r["department"].name: {"red": r["red"], "yellow": r["yellow"]} for r in behind} == expected
    reds = [r["red"] for r in behind]
    assert reds == sorted(reds, reverse=True) and reds[0] == 1
    page = client.get(URL).content.decode()
    table = page[page.index('id="behind"') : page.index("</table>", page.index('id="behind"'))]
    assert table.index(behind[0]["department"].name) < table.index(behind[-1]["department"].name)


def test_paging_keeps_the_filters(client, leader, results, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    client.force_login(leader)
    first = rows(client.get(URL).content.decode())
    second_page = client.get(URL, {"page": 2}).content.decode()
    assert len(first) == 10 and len(rows(second_page)) == 10 and not set(first) & set(rows(second_page))
    assert "page=3" in second_page


def test_query_count_does_not_grow_with_the_data(client, leader, results, django_assert_max_num_queries):
    # session, user, role, plan, 2 recompute runs, counts, page count, page, leads, tiles, who is behind (2),
    # regions (2), the banner's plan, and the filter choices (tasks, departments, regions)
    client.force_login(leader)
    with django_assert_max_num_queries(19):
        client.get(URL)
    grow(30)
    progress_recompute()
    with django_assert_max_num_queries(19):
        page = client.get(URL).content.decode()
    assert len(rows(page)) == 71


def test_english_when_switched(client, leader, results):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": URL}, follow=True)
    page = response.content.decode()
    assert 'lang="en"' in page
    assert "Energy consumption per unit of GDP" in page and "2.9% below 2020" in page
    assert "Who is behind" in page and ">Municipal Development and Reform Commission (Municipal Energy Bureau)<" in page


def test_chinese_by_default_even_for_an_english_browser(client, leader, results):
    client.force_login(leader)
    page = client.get(URL, headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="zh-hans"' in page and "单位地区生产总值能耗" in page


def test_empty_database_says_how_to_load_the_plan(client, db):
    roles_ensure()
    client.force_login(UserFactory(role=roles.LEADER, username="early"))
    assert client.get(URL).status_code == 404  # no such plan yet
    assert client.get(reverse("reporting:current-overview"))["Location"] == reverse("reporting:landing")
    assert "load_plan" in client.get(reverse("reporting:landing")).content.decode()


def test_demo_banner_only_when_demo_data_is_loaded(client, outsider):
    from io import StringIO

    from django.core.management import call_command

    # outsider: load_demo resets the demo accounts (clerk, head, leader, ...), which logs them out.
    client.force_login(outsider)
    assert "演示数据" not in client.get(URL).content.decode()
    call_command("load_demo", allow_production=True, stdout=StringIO())
    assert "演示数据" in client.get(URL).content.decode()
    client.logout()
    assert "演示数据" in client.get(reverse("login")).content.decode()


def test_an_unknown_language_is_ignored_and_the_page_stays_chinese(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "xx", "next": URL}, follow=True)
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_foreign_next_address_is_not_followed(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "overview-test"}}


def test_the_results_part_is_kept_until_the_next_recompute_run(
    client, leader, results, settings, django_assert_max_num_queries
):
    settings.CACHES = LOCAL_CACHE
    from django.core.cache import cache

    cache.clear()
    client.force_login(leader)
    assert rows(client.get(URL, {"status": "green"}).content.decode()) == {"STRAW_USE": "green"}
    # Changed behind the engine's back: the page keeps the part it rendered for this run.
    Result.objects.filter(indicator__code="STRAW_USE", year=2021, region=None).update(status="red")
    # session, user, role, plan, 2 runs, filter choices (3), the banner's plan: no results query
    with django_assert_max_num_queries(10):
        again = client.get(URL, {"status": "green"}).content.decode()
    assert rows(again) == {"STRAW_USE": "green"}
    # A run ends: the part is rendered again from the results.
    RecomputeRun.objects.create(status="done", finished_at=timezone.now())
    assert rows(client.get(URL, {"status": "red"}).content.decode()) == {"STEEL_ULE": "red", "STRAW_USE": "red"}
    assert "<html" not in client.get(URL, {"status": "red"}, headers={"HX-Request": "true"}).content.decode()
    cache.clear()


def test_an_illustrative_plan_says_so_on_every_page(client, leader, plan):
    client.force_login(leader)
    assert "虚构示例" not in client.get(URL).content.decode()
    Plan.objects.filter(pk=plan.pk).update(fictional=True)
    assert "虚构示例" in client.get(URL).content.decode()
    assert "虚构示例" in client.get(reverse("reporting:completeness", args=[SLUG])).content.decode()
