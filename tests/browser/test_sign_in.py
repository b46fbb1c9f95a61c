"""Sign-in in a real browser: setting up the second factor from its QR code page, and the idle warning that
counts down, keeps the session on request, and brings an ended one back to the login page saying why. No CSP
violation on the way (the QR code is inline SVG; the warning's script is a static file)."""

import re
from base64 import b32decode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import translation
from django_otp.oath import totp
from playwright.sync_api import expect

from departments import roles
from signin.sessions import LAST_ACTIVITY
from tests.browser.test_csp import violations, watch

pytestmark = pytest.mark.django_db(transaction=True)


def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def session_of(page):
    key = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    return SessionStore(session_key=key)


def test_a_reviewer_sets_up_the_second_factor_from_the_qr_code_page(new_context, person):
    reviewer = person(roles.REVIEWER, "市统计局", username="new_reviewer", second_factor=False)
    page = new_context().new_page()
    page.set_default_timeout(10_000)
    console = watch(page)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(reviewer.username)
    page.locator("#id_password").fill("secret-pass-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/second-factor/set-up/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.locator("#id_code").fill(f"{totp(b32decode(secret)):06d}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert violations(page, console) == []
    page.locator("main a.btn-primary").click()  # "I have kept them": on to the reviewer's page
    page.wait_for_url(re.compile(r"/review/"))


def test_the_idle_warning_counts_down_and_staying_keeps_the_session(log_in, leader, settings):
    settings.SESSION_IDLE_MINUTES = settings.SESSION_IDLE_WARNING_MINUTES = 1  # the warning shows at once
    page = log_in(leader)
    box = page.locator("#session-warning")
    expect(box).to_be_visible()
    expect(box.locator("[data-session-countdown]")).to_have_text(re.compile(r"^[01]:\d\d$"))
    settings.SESSION_IDLE_MINUTES = 30  # kept alive, the session has long to go again
    box.locator("[data-session-stay]").click()
    expect(box).to_be_hidden()
    assert page.url.endswith("/overview/")


def test_an_ended_session_goes_back_to_the_login_page_saying_why(log_in, leader, settings):
    settings.SESSION_IDLE_MINUTES = settings.SESSION_IDLE_WARNING_MINUTES = 1
    page = log_in(leader)
    expect(page.locator("#session-warning")).to_be_visible()
    session = session_of(page)
    session[LAST_ACTIVITY] -= 3600
    session.save()
    page.locator("[data-session-stay]").click()  # too late: the page reloads
    page.wait_for_url(re.compile(r"/accounts/login/"))
    message = zh("You were signed out because your session was inactive for %(minutes)d minutes.") % {"minutes": 1}
    expect(page.locator("main")).to_contain_text(message)
