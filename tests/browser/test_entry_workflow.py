"""The entry and review workflow in a real browser: a clerk enters and submits, the head returns it with a
reason, the clerk corrects and resubmits, the head approves, and the progress result follows.

Pages are addressed by URL, element ids and names; the Chinese texts asserted are taken from the
translation catalogue, so rewording a message does not break these tests."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from indicators import permissions
from indicators.models import Figure, Indicator, Result
from tests.plans import SLUG

pytestmark = pytest.mark.django_db(transaction=True)

# An at_least % indicator (target: at least 90% in 2025) of a task 市生态环境局 shares.
CODE, YEAR = "STRAW_USE", 2021
REASON = "数值与统计公报不一致，请核对后重报"


def zh(message, *args):
    """A message as the Simplified Chinese UI shows it: gettext, or ngettext with (plural, count)."""
    with translation.override("zh-hans"):
        if args:
            plural, count = args
            return translation.ngettext(message, plural, count) % {"count": count}
        return translation.gettext(message)


def enter(page, *, level, note="", submit=True):
    """Fills the open entry form's level and comment and presses submit (or save draft)."""
    page.locator("input[name=level]").fill(level)
    page.locator("textarea[name=note]").fill(note)
    page.locator("button[name=submit]" if submit else "button[name=save]").click()


def review(page, *, action, reason=""):
    """On the review queue: ticks the figure of CODE, fills the reason and approves or returns it."""
    page.goto("/review/")
    row = page.locator("tbody tr", has_text=CODE)
    expect(row).to_have_count(1)
    row.locator("input[name=figures]").check()
    page.locator("#id_reason").fill(reason)
    page.locator(f"button[name=action][value={action}]").click()
    done = "%(count)d figure approved." if action == "approve" else "%(count)d figure returned."
    expect(page.get_by_role("status")).to_contain_text(zh(done, done.replace("figure", "figures"), 1))


def test_clerk_submits_head_returns_clerk_corrects_head_approves(plan, clerk, head, log_in, shots):
    assert permissions.enterable_indicators(clerk).filter(code=CODE).exists()

    # The clerk opens the grid and clicks into the indicator's 2021 cell.
    clerk_page = log_in(clerk)
    clerk_page.goto("/entry/")
    clerk_page.get_by_role("link", name=f"{CODE} {YEAR}", exact=True).click()
    clerk_page.wait_for_url(f"**/entry/{CODE}/{YEAR}/")
    expect(clerk_page.locator("input[name=level]")).to_be_visible()
    clerk_page.screenshot(path=shots / "entry_form.png", full_page=True)
    enter(clerk_page, level="29", note="秸秆综合利用率（初报）")
    clerk_page.wait_for_url("**/entry/")
    expect(clerk_page.get_by_role("status")).to_contain_text(zh("Submitted for review."))
    figure = Figure.objects.get(statistic__code=CODE, region=None, year=YEAR, measure="level", stage="final")
    assert (figure.status, figure.value, figure.revision) == (Figure.Status.SUBMITTED, Decimal(29), 1)

    # The head, in a browser of their own, returns it with a reason.
    head_page = log_in(head)
    head_page.goto("/review/")
    expect(head_page.locator("tbody tr", has_text=CODE)).to_contain_text("29")
    head_page.screenshot(path=shots / "review.png", full_page=True)
    review(head_page, action="return", reason=REASON)
    figure.refresh_from_db()
    assert (figure.status, figure.return_reason) == (Figure.Status.RETURNED, REASON)

    # The clerk finds it under "returned" with the reason, corrects the value and submits again.
    clerk_page.goto("/entry/")
    returned = clerk_page.locator("section[aria-labelledby=returned-heading]")
    expect(returned).to_contain_text(CODE)
    expect(returned).to_contain_text(REASON)
    returned.get_by_role("link", name=CODE).click()
    clerk_page.wait_for_url(f"**/entry/{CODE}/{YEAR}/?stage=final")
    expect(clerk_page.get_by_role("alert")).to_contain_text(REASON)
    expect(clerk_page.locator("input[name=level]")).to_have_value(re.compile(r"^29(\.0*)?$"))
    enter(clerk_page, level="92", note="已按统计公报更正为 92%")
    clerk_page.wait_for_url("**/entry/")
    expect(clerk_page.locator("section[aria-labelledby=returned-heading]")).to_have_count(0)

    # The head approves the correction.
    review(head_page, action="approve")

    figure.refresh_from_db()
    assert (figure.status, figure.value, figure.revision) == (Figure.Status.APPROVED, Decimal(92), 2)
    assert figure.reviewed_by == head and figure.entered_by == clerk
    # Approving recomputed the indicator (Celery runs eagerly): 92% meets "at least 90%".
    result = Result.objects.get(indicator__code=CODE, region=None, year=YEAR)
    assert result.status == Result.Status.GREEN
    assert result.current == 92

    # The indicator page lists the figure and its history, the return and its reason included.
    clerk_page.goto(reverse("reporting:indicator", args=[SLUG, CODE]))
    figures = clerk_page.locator("section[aria-labelledby=figures-heading] tbody tr")
    expect(figures).to_have_count(1)
    expect(figures.first).to_contain_text("92")
    history = clerk_page.locator("section[aria-labelledby=history-heading] tbody tr")
    expect(history).to_have_count(figure.history.count())
    expect(history.filter(has_text=f"returned: {REASON}")).to_have_count(1)
    expect(history.filter(has_text="29 → 92")).to_have_count(1)


def test_another_departments_clerk_gets_the_403_page(plan, clerk, outsider, log_in):
    # STRAW_USE's task is shared with 市住建局, so the outsider may enter it; STEEL_ULE's is not.
    steel = Indicator.objects.get(code="STEEL_ULE")
    assert permissions.can_enter(clerk, steel, None) and not permissions.can_enter(outsider, steel, None)

    page = log_in(outsider)
    response = page.goto(f"/entry/{steel.code}/{YEAR}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("You may not open this page"))
    expect(page.locator("input[name=level]")).to_have_count(0)


def test_a_flagged_value_without_a_comment_is_refused_and_nothing_saved(plan, clerk, log_in):
    page = log_in(clerk)
    # A 2020 baseline level as a draft ...
    page.goto(f"/entry/{CODE}/2020/")
    enter(page, level="60", submit=False)
    page.wait_for_url("**/entry/")
    expect(page.get_by_role("status")).to_contain_text(zh("Draft saved."))

    # ... then a 2021 level 50% above it, submitted without a comment.
    page.goto(f"/entry/{CODE}/{YEAR}/")
    enter(page, level="90")
    note = page.locator("#id_note")
    expect(note).to_have_class("form-control is-invalid")
    expect(page.locator("#id_note ~ .invalid-feedback")).to_contain_text("+50.0")
    expect(page.locator("input[name=level]")).to_have_value("90")
    assert page.url.endswith(f"/entry/{CODE}/{YEAR}/")

    assert list(Figure.objects.filter(statistic__code=CODE).values_list("year", "status")) == [
        (2020, Figure.Status.DRAFT)
    ]
