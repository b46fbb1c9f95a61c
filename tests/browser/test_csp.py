"""The Content-Security-Policy holds in a real browser: the pages that draw charts and use htmx run with it and the
browser reports no violation (an inline script or handler without the nonce, a style or image it refuses)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from departments.models import Region
from tests.browser.test_dashboards import REGION, demo, wait_for_chart  # noqa: F401 (demo is a fixture)
from tests.plans import SLUG

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every violation the page reports, from the first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + (event.sample || ""));
});
"""


def watch(page):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type in ("error", "warning") else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return console


def violations(page, console):
    found = page.evaluate("window.__cspViolations") + [text for text in console if "Content Security Policy" in text]
    return found


def test_no_csp_violation_on_the_overview_and_the_chart_pages(demo, log_in):  # noqa: F811
    page = log_in(demo["leader"])
    console = watch(page)

    response = page.goto(reverse("reporting:overview", args=[SLUG]))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#indicator-table")).to_be_visible()
    page.locator("#overview-filters select[name=status]").select_option("green")  # htmx swaps the results
    expect(page.locator("#indicator-table tbody tr[data-code]").first).to_be_visible()
    assert violations(page, console) == []

    response = page.goto(reverse("reporting:indicator", args=[SLUG, "EI_GDP"]))
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]  # the chart's script
    wait_for_chart(page, "#indicator-chart")
    assert violations(page, console) == []

    page.goto(reverse("reporting:region", args=[SLUG, Region.objects.get(name=REGION).pk]))
    wait_for_chart(page, "#region-0")
    assert violations(page, console) == []

    page.goto(reverse("reporting:report", args=[SLUG]))
    assert violations(page, console) == []


def test_the_handlers_moved_out_of_the_markup_still_work(demo, log_in):  # noqa: F811
    page = log_in(demo["leader"])
    console = watch(page)
    page.goto(reverse("reporting:completeness", args=[SLUG]))
    years = page.locator("#year-select option").all_inner_texts()
    with page.expect_navigation():
        page.locator("#year-select").select_option(years[-1].strip())
    assert f"year={years[-1].strip()}" in page.url
    page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "completeness" in page.url and f"year={years[-1].strip()}" in page.url
    assert violations(page, console) == []
