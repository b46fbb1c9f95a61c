"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against live_server.

Skipped when /usr/bin/chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so there they fail)."""

import os
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin.second_factor import second_factor_required

# live_server runs Django in a thread while Playwright's sync API keeps an event loop running in this one;
# without this the ORM calls the tests make (fixtures, assertions) raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # pytest-playwright's own base_url fixture (used without pytest-base-url) is a session fixture defined
    # as an instance method, which pytest 9 warns about; nothing of ours to fix.
    ignore = pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    )
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(ignore)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"A browser is required (REQUIRE_BROWSER is set) but {message}.")
        pytest.skip(f"Browser tests need Chromium; {message}.")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every page talks to the live server, as a browser set to Simplified Chinese (as the users' are)."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "zh-CN",
        "viewport": {"width": 1366, "height": 900},
    }


def authenticator(user):
    """The authenticator app of a user who must sign in with a second factor (one is set up for a user who has
    none, e.g. the demo's administrator), ready for a new code; None for everyone else."""
    if not second_factor_required(user):
        return None
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    # A code is accepted once: the same user logging in twice within one 30-second step needs the step free.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device


@pytest.fixture
def log_in(new_context):
    """Opens a fresh browser context (its own cookies) and logs a user in through the login page, typing the
    authenticator app's current code when the user must give a second factor."""

    def log_in_as(user):
        device = authenticator(user)
        context = new_context()
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill("secret-pass-123")
        page.locator("form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if device is not None:
            assert "/accounts/second-factor/verify/" in page.url
            page.locator("#id_code").fill(f"{totp(device.bin_key, digits=device.digits):06d}")
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
        return page

    return log_in_as


@pytest.fixture(scope="session")
def shots():
    """Where the screenshots for the team go (a side effect; nothing asserts on them)."""
    folder = Path("/tmp/shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
