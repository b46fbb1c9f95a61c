"""The plan switcher in a real browser: on a 390 px phone it fits the screen, opens from the keyboard and
switches to the same page of the other plan, with no script of ours involved."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from indicators.models import Plan
from indicators.plans import plan_load, plan_transition
from tests.plans import SECOND, SLUG, synthetic

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_plan_switcher_fits_a_phone_and_works_from_the_keyboard(plan, catalogue, leader, log_in, shots):
    second = plan_load(catalogue=synthetic(catalogue))
    plan_transition(plan=second, to=Plan.Status.ACTIVE, reason="In use.", user=None)
    page = log_in(leader)
    page.goto(reverse("reporting:report", args=[SLUG]))
    page.locator("#plan-switcher > summary").click()
    page.screenshot(path=shots / "plan-switcher-desktop.png")
    page.locator("#plan-switcher > summary").click()
    page.set_viewport_size(PHONE)
    header = page.locator("header.app-header")
    assert header.evaluate("element => element.scrollWidth <= element.clientWidth"), "the header overflows"
    summary = page.locator("#plan-switcher > summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".plan-switcher-menu")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    expect(menu.locator('a[aria-current="true"]')).to_have_attribute("data-plan", SLUG)
    page.screenshot(path=shots / "plan-switcher-phone.png")
    page.keyboard.press("Tab")  # the plans are listed latest first: the second plan
    assert page.evaluate("document.activeElement.dataset.plan") == SECOND
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == reverse("reporting:report", args=[SECOND])
    expect(page.locator('#plan-switcher a[aria-current="true"]')).to_have_attribute("data-plan", SECOND)
