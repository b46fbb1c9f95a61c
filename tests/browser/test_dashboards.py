"""The dashboards in a real browser, on the demo data set (approved figures for 2020–2024, so the lights are
green, yellow and red, not grey): where each role lands, the overview's htmx filters, the plotly charts drawn
from our own static files, the workbook against the page, the language switch, and screenshots for the team.

Pages are addressed by URL, element ids and names; Chinese texts are taken from the translation catalogue."""

import re
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from departments import roles
from departments.models import Department, Region, User
from indicators.demo_load import demo_load
from indicators.models import Indicator, Result
from indicators.recompute import progress_recompute
from tests.factories import UserFactory
from tests.plans import SLUG

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # what the log_in fixture types
YEAR = 2024  # the latest year the demo data has figures for: the pages open on it
STATUS = "green"  # 5 of the 41 indicators in 2024, so the filter visibly narrows the table
DEPARTMENT = "市水利局"  # a department sharing some tasks only: 13 of the 41 indicators
REGION = "鲅鱼圈区"
PLAN = f"/plans/{SLUG}"  # the plan's pages
OVERVIEW = f"{PLAN}/overview/"


def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def status_words(language="zh-hans"):
    with translation.override(language):
        return {str(value): str(label) for value, label in Result.Status.choices}


@pytest.fixture
def demo(plan):
    """The demo figures, recomputed, and its users (one per role; its head heads 市发改委) with the password the
    log_in fixture types, plus the head of a region, whom the demo lacks. Returns the users by username."""
    demo_load(plan=plan)
    progress_recompute()
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    UserFactory(role=roles.HEAD, region=Region.objects.get(name=REGION), username="region_head")
    assert set(Result.objects.filter(year=YEAR, region=None).values_list("status", flat=True)) == {
        "green",
        "yellow",
        "red",
    }
    return {user.username: user for user in User.objects.all()}


def path_of(page):
    return urlsplit(page.url).path


def table_statuses(page):
    """{code: status word} of the overview's indicator rows, the word read from the light's title."""
    rows = page.locator("#indicator-table tbody tr[data-code]")
    return {row.get_attribute("data-code"): row.locator(".light").get_attribute("title") for row in rows.all()}


def wait_for_chart(page, selector):
    """Waits until plotly has drawn into `selector`: its SVG and at least one trace."""
    expect(page.locator(f"{selector} svg.main-svg").first).to_be_attached()
    expect(page.locator(f"{selector} .trace").first).to_be_attached()


# --- Landing pages -------------------------------------------------------------------------------------

LANDINGS = {
    # username: (where logging in lands them, given the demo's users; what they must see there)
    "leader": (lambda users: reverse("reporting:overview", args=[SLUG]), "#indicator-table"),
    "admin": (lambda users: reverse("reporting:overview", args=[SLUG]), "#indicator-table"),
    "head": (lambda users: reverse("reporting:department", args=[SLUG, users["head"].department_id]), "h1"),
    "clerk": (lambda users: reverse("reporting:entry"), "h1"),
    "region_clerk": (lambda users: reverse("reporting:entry"), "h1"),
    "reviewer": (lambda users: reverse("reporting:review"), "h1"),
    "region_head": (
        lambda users: reverse("reporting:region", args=[SLUG, users["region_head"].region_id]),
        "#region-table",
    ),
}


@pytest.mark.parametrize("username", list(LANDINGS))
def test_each_role_starts_on_its_own_page(demo, log_in, username):
    user = demo[username]
    where, visible = LANDINGS[username]
    page = log_in(user)  # the login page sends everyone to "/", which sends them on by role
    assert path_of(page) == where(demo)
    expect(page.locator(visible).first).to_be_visible()
    h1 = page.get_by_role("heading", level=1)
    if username != "reviewer" and user.unit:  # heads and clerks see whose page it is
        expect(h1).to_contain_text(user.unit.name)
    if username == "reviewer":
        expect(h1).to_have_text(zh("Submissions waiting for review"))
        # The demo's 2025 submissions wait in the queue.
        expect(page.locator("tbody tr", has_text="STRAW_USE")).to_have_count(1)


# --- Overview filters ----------------------------------------------------------------------------------


def test_overview_filters_swap_the_results_and_the_address(demo, log_in):
    page = log_in(demo["leader"])
    page.goto(OVERVIEW)
    rows = page.locator("#indicator-table tbody tr[data-code]")
    everything = Indicator.objects.count()
    expect(rows).to_have_count(everything)
    pill = page.locator(f"#status-counts a[data-status={STATUS}] .fs-5")
    wanted = int(pill.inner_text())
    assert 0 < wanted < everything
    # A mark on the window survives an htmx swap, never a page load.
    page.evaluate("window.notReloaded = true")

    with page.expect_response(lambda r: "/overview/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#overview-filters select[name=status]").select_option(STATUS)
    expect(rows).to_have_count(wanted)
    assert {row.get_attribute("data-status") for row in rows.all()} == {STATUS}
    assert int(page.locator(f"#status-counts a[data-status={STATUS}] .fs-5").inner_text()) == wanted
    assert parse_qs(urlsplit(page.url).query)["status"] == [STATUS]
    assert page.evaluate("window.notReloaded") is True

    # Back to every status, then one department: its tasks' indicators, whatever their light.
    department = Department.objects.get(name=DEPARTMENT)
    codes = set(Indicator.objects.filter(task__responsibilities__department=department).values_list("code", flat=True))
    assert 0 < len(codes) < everything
    with page.expect_response(lambda r: "/overview/?" in r.url):
        page.locator("#overview-filters select[name=status]").select_option("")
    expect(rows).to_have_count(everything)
    with page.expect_response(lambda r: "/overview/?" in r.url):
        page.locator("#overview-filters select[name=department]").select_option(str(department.pk))
    expect(rows).to_have_count(len(codes))
    assert {row.get_attribute("data-code") for row in rows.all()} == codes
    query = parse_qs(urlsplit(page.url).query)
    assert query["department"] == [str(department.pk)] and query.get("status", [""]) == [""]
    counts = page.locator("#status-counts a[data-status] .fs-5").all_inner_texts()
    assert sum(int(count) for count in counts) == len(codes)
    assert page.evaluate("window.notReloaded") is True

    # Reloading the pushed address gives the same table, rendered whole by the server.
    page.reload()
    expect(rows).to_have_count(len(codes))
    expect(page.locator("#overview-filters select[name=department]")).to_have_value(str(department.pk))


def test_overview_filters_work_without_javascript(demo, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("#id_username").fill("leader")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(OVERVIEW)
        page.locator("#overview-filters select[name=status]").select_option(STATUS)
        page.locator("#overview-filters button[type=submit]").click()
        page.wait_for_url(f"**status={STATUS}**")
        statuses = page.locator("#indicator-table tbody tr[data-code]").evaluate_all(
            "rows => rows.map(row => row.dataset.status)"
        )
        assert statuses and set(statuses) == {STATUS}
    finally:
        context.close()


# --- Charts --------------------------------------------------------------------------------------------


def test_indicator_and_region_charts_are_drawn_by_our_own_plotly(demo, log_in, live_server, shots):
    page = log_in(demo["leader"])
    elsewhere = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request))

    response = page.goto(f"{PLAN}/indicators/EI_GDP/")
    assert response.ok
    wait_for_chart(page, "#indicator-chart")
    # Actual, expected path and target, and a line per region (EI_GDP is broken down by region).
    traces = page.locator("#indicator-chart .scatterlayer .trace")
    assert traces.count() >= 3
    assert page.locator("#indicator-chart .scatterlayer .trace path.js-line").count() >= 3
    expect(page.locator("#results-table tbody tr[data-year]")).to_have_count(YEAR + 1 - 2020)
    expect(page.locator("#why")).to_be_visible()
    expect(page.locator("#forecast li")).to_have_count(2)
    expect(page.locator("#definition")).to_contain_text(Indicator.objects.get(code="EI_GDP").task.code)
    assert page.locator("script[src$='vendor/plotly/plotly.min.js']").count() == 1
    assert page.evaluate("typeof Plotly.newPlot") == "function"
    page.screenshot(path=shots / "dashboard-indicator.png", full_page=True)

    region = Region.objects.get(name=REGION)
    page.goto(f"{PLAN}/regions/{region.pk}/")
    expect(page.locator("#region-table tbody tr[data-code]")).to_have_count(
        Indicator.objects.filter(by_region=True).count()
    )
    wait_for_chart(page, "#region-0")
    first = Indicator.objects.filter(by_region=True).order_by("position").first()
    compared = Result.objects.filter(indicator=first, year=YEAR, region__isnull=False).count()
    assert compared > 1
    expect(page.locator("#region-0 .barlayer .point")).to_have_count(compared)
    # Each bar carries its value and status word (the 2024 light of each region), not colour alone.
    words = status_words()
    texts = page.locator("#region-0 .barlayer .point text").all_text_contents()
    assert len(texts) == compared and all(any(word in text for word in words.values()) for text in texts)
    page.screenshot(path=shots / "dashboard-region.png", full_page=True)

    assert not elsewhere, [request.url for request in elsewhere]


def test_screenshots_of_overview_department_and_report(demo, log_in, shots):
    page = log_in(demo["clerk"])
    department = demo["clerk"].department
    page.goto(f"{PLAN}/departments/{department.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(department.name)
    tasks = department.responsibilities.count()
    expect(page.locator("section[id^=task-]")).to_have_count(tasks)
    expect(page.locator("form.report-form textarea[name=text]")).to_have_count(tasks)
    # The demo's 2025 STRAW_USE figure, submitted by this clerk, awaits the department's approval.
    expect(page.locator("#awaiting tbody tr")).to_contain_text([Indicator.objects.get(code="STRAW_USE").name])
    expect(page.locator("#due-figures")).to_be_attached()
    page.screenshot(path=shots / "dashboard-department.png", full_page=True)

    page = log_in(demo["leader"])
    page.goto(OVERVIEW)
    expect(page.locator("#overview-results .tile")).to_have_count(Indicator.objects.filter(binding=True).count())
    for tile in page.locator("#overview-results .tile").all():
        expect(tile.locator(".light")).to_have_class(re.compile(r"\blight-(green|yellow|red)\b"))
    expect(page.locator("#behind tbody tr").first).to_be_visible()
    page.screenshot(path=shots / "dashboard-overview.png", full_page=True)

    page.goto(f"{PLAN}/report/?year={YEAR}")
    binding = list(Indicator.objects.filter(binding=True).values_list("code", flat=True))
    for code in binding:
        wait_for_chart(page, f"#chart-{code}")
    page.screenshot(path=shots / "dashboard-report.png", full_page=True)


# --- Workbook --------------------------------------------------------------------------------------------


def test_the_workbook_has_what_the_page_shows(demo, log_in, tmp_path):
    department = Department.objects.get(name=DEPARTMENT)
    page = log_in(demo["leader"])
    page.goto(f"{OVERVIEW}?department={department.pk}")
    shown = table_statuses(page)
    assert shown and set(shown.values()) <= set(status_words().values())
    assert len(set(shown.values())) > 1  # more than one light, so a mix-up of words would show

    link = page.locator("#workbook-link")
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["department"] == [str(department.pk)]
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"overview-{YEAR}.xlsx"

    sheets = pd.read_excel(path, sheet_name=None, header=2)
    names = list(sheets)
    assert names[0] == zh("Summary")
    assert len(names) > 2  # the summary and one sheet per task of the department
    summary = dict(zip(sheets[names[0]].iloc[:, 0], sheets[names[0]].iloc[:, 1], strict=True))
    for status, word in status_words().items():
        pill = page.locator(f"#status-counts a[data-status={status}] .fs-5").inner_text()
        assert summary[word] == int(pill)
    tasks = pd.concat([sheets[name] for name in names[1:]], ignore_index=True)
    in_workbook = dict(zip(tasks[zh("Code")], tasks[zh("Status")], strict=True))
    assert in_workbook == shown


def test_the_workbook_link_follows_the_htmx_filters(demo, log_in):
    page = log_in(demo["leader"])
    page.goto(OVERVIEW)
    with page.expect_response(lambda r: "/overview/?" in r.url):
        page.locator("#overview-filters select[name=status]").select_option(STATUS)
    expect(page.locator("#indicator-table tbody tr[data-code]").first).to_have_attribute("data-status", STATUS)
    href = page.locator("#workbook-link").get_attribute("href")
    assert parse_qs(urlsplit(href).query).get("status") == [STATUS]
    # Switching the language after filtering keeps the filters too.
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert parse_qs(urlsplit(page.url).query).get("status") == [STATUS]
    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hans")


# --- Language ----------------------------------------------------------------------------------------------


def test_the_language_switch_reloads_the_overview_in_english_and_back(demo, log_in):
    ei_gdp = Indicator.objects.get(code="EI_GDP")
    page = log_in(demo["leader"])
    page.goto(OVERVIEW)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    row = page.locator("#indicator-table tr[data-code=EI_GDP]")
    expect(row).to_contain_text(ei_gdp.name)
    expect(row.locator(".light")).to_contain_text(status_words()[row.get_attribute("data-status")])

    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert path_of(page) == OVERVIEW
    expect(page.locator("#binding-heading")).to_contain_text(f"Binding targets, {YEAR}")
    expect(row).to_contain_text(ei_gdp.name_en)
    expect(row).not_to_contain_text(ei_gdp.name)
    expect(row.locator(".light")).to_contain_text(status_words("en")[row.get_attribute("data-status")])

    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(row).to_contain_text(ei_gdp.name)
