"""The second factor: administrators and reviewers sign in with an authenticator app (TOTP) or a one-time recovery
code, and reach neither the admin nor the pages without it; others may choose to."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from departments import roles
from signin import second_factor
from signin.second_factor import second_factor_required
from tests.plans import SLUG

from .conftest import authenticator, code_of, sign_in

OVERVIEW = reverse("reporting:overview", args=[SLUG])
REVIEW = reverse("reporting:review")
ADMIN = reverse("admin:index")
VERIFY = reverse("signin:verify")
ENROL = reverse("signin:enrol")
WRONG = "That code is not valid."


@pytest.fixture
def fresh_administrator(person):
    """An administrator who has not set up a second factor yet."""
    return person(roles.ADMINISTRATOR, username="fresh_admin", is_staff=True, is_superuser=True, second_factor=False)


@pytest.fixture
def fresh_reviewer(person):
    return person(roles.REVIEWER, "市统计局", username="fresh_reviewer", second_factor=False)


def qr_secret(page):
    """The key the set-up page shows as text, without its spaces."""
    return re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


@pytest.mark.parametrize(
    ("persona", "required"),
    [("administrator", True), ("reviewer", True), ("clerk", False), ("head", False), ("leader", False)],
)
def test_who_must_use_a_second_factor(request, persona, required):
    assert second_factor_required(request.getfixturevalue(persona)) is required


def test_superusers_and_staff_must_and_the_three_administrators_are_named(person):
    assert second_factor_required(person(roles.LEADER, username="super", is_superuser=True, second_factor=False))
    assert second_factor_required(person(roles.CLERK, "市生态环境局", username="staff", is_staff=True))
    assert second_factor.ADMIN_ROLES == ("administrator", "security_administrator", "audit_administrator")
    assert set(second_factor.ADMIN_ROLES) <= set(second_factor.SECOND_FACTOR_ROLES)


def test_everyone_must_when_the_policy_says_so(clerk, settings):
    assert not second_factor_required(clerk)
    settings.OTP_REQUIRED_FOR_ALL = True
    assert second_factor_required(clerk)


# --- Without a second factor, nothing -------------------------------------------------------------------


@pytest.mark.parametrize("url", [ADMIN, OVERVIEW, reverse("reporting:landing"), reverse("password_change")])
def test_an_administrator_without_a_second_factor_reaches_nothing_but_its_set_up(new_client, fresh_administrator, url):
    client = new_client()
    assert sign_in(client, fresh_administrator).status_code == 302
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    assert "<svg" in response.content.decode()


def test_a_reviewer_without_a_second_factor_reaches_nothing_but_its_set_up(new_client, fresh_reviewer):
    client = new_client()
    sign_in(client, fresh_reviewer)
    response = client.get(REVIEW, follow=True)
    assert response.redirect_chain[-1][0] == ENROL + "?next=" + REVIEW.replace("/", "%2F")
    assert client.post(REVIEW, {"action": "approve"}).status_code == 302


@pytest.mark.parametrize("persona", ["administrator", "reviewer"])
def test_with_an_app_but_before_its_code_nothing_either(request, new_client, persona):
    user = request.getfixturevalue(persona)
    client = new_client()
    sign_in(client, user)
    for url in (ADMIN, REVIEW, OVERVIEW, ENROL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url


@pytest.mark.parametrize(("persona", "url"), [("administrator", ADMIN), ("reviewer", REVIEW)])
def test_with_a_verified_code_the_admin_and_the_pages_open(request, new_client, persona, url):
    user = request.getfixturevalue(persona)
    client = new_client()
    sign_in(client, user)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == VERIFY + "?next=" + url.replace("/", "%2F")
    response = client.post(response.redirect_chain[-1][0], {"code": code_of(authenticator(user))})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    assert client.get(OVERVIEW).status_code == 200


def test_the_admin_itself_refuses_an_unverified_administrator(new_client, administrator, settings):
    """Without the middleware too: the admin site asks for the verified second factor itself."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "signin.middleware.SignInMiddleware"]
    client = new_client()
    sign_in(client, administrator)
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    page = client.get(response["Location"]).content.decode()
    assert "not authorized" in page
    client.post(VERIFY, {"code": code_of(authenticator(administrator))})
    assert client.get(ADMIN).status_code == 200


def test_the_admin_login_sends_to_the_one_login_page(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")


def test_others_are_not_asked(new_client, clerk):
    client = new_client()
    sign_in(client, clerk)
    assert client.get(reverse("reporting:entry")).status_code == 200


def test_others_who_set_one_up_are_asked_for_it(new_client, clerk):
    TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    client = new_client()
    sign_in(client, clerk)
    assert client.get(reverse("reporting:entry"))["Location"].startswith(VERIFY)


def test_everyone_is_asked_when_the_policy_says_so(new_client, clerk, settings):
    settings.OTP_REQUIRED_FOR_ALL = True
    client = new_client()
    sign_in(client, clerk)
    assert client.get(reverse("reporting:entry"), follow=True).redirect_chain[-1][0].startswith(ENROL)


def test_the_second_factor_comes_before_a_password_change(new_client, administrator):
    administrator.must_change_password = True
    administrator.save()
    client = new_client()
    sign_in(client, administrator)
    assert client.get(OVERVIEW)["Location"].startswith(VERIFY)
    assert client.get(reverse("password_change"))["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_of(authenticator(administrator))})
    assert client.get(OVERVIEW)["Location"].startswith(reverse("password_change"))


# --- Setting it up -------------------------------------------------------------------------------------


def test_setting_up_shows_the_qr_code_and_the_key_and_confirms_with_a_code(new_client, fresh_reviewer):
    client = new_client()
    sign_in(client, fresh_reviewer)
    page = client.get(ENROL).content.decode()
    assert re.search(r"<svg[^>]*>.*<path", page, re.S)  # the QR code, drawn inline
    secret = qr_secret(page)
    device = TOTPDevice.objects.get(user=fresh_reviewer, confirmed=False)
    assert device.config_url.count(secret) == 1  # the same key as the QR code's
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]  # nothing inline for the CSP to refuse

    response = client.post(ENROL, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert response.status_code == 400 and WRONG in response.content.decode()
    assert client.get(REVIEW)["Location"].startswith(ENROL)

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(ENROL + "?next=" + REVIEW, {"code": code_of(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert f'href="{REVIEW}"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(REVIEW).status_code == 200  # signed in with it now


def test_reloading_the_set_up_page_keeps_the_key(new_client, fresh_reviewer):
    client = new_client()
    sign_in(client, fresh_reviewer)
    assert qr_secret(client.get(ENROL).content.decode()) == qr_secret(client.get(ENROL).content.decode())


def test_a_new_app_replaces_the_old_one(client, reviewer):
    client.force_login(reviewer)
    old = authenticator(reviewer)
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    client.post(ENROL, {"code": code_of(new)})
    assert list(TOTPDevice.objects.filter(user=reviewer)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_who_has_an_app_gives_its_code_before_setting_up_another(new_client, reviewer):
    client = new_client()
    sign_in(client, reviewer)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)


def test_the_pages_need_a_login(client, db):
    for response in (
        client.get(ENROL),
        client.get(VERIFY),
        client.get(reverse("signin:second_factor")),
        client.post(reverse("signin:recovery_codes")),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Codes -----------------------------------------------------------------------------------------------


@pytest.fixture
def recovery_codes(reviewer):
    return second_factor.recovery_codes_generate(user=reviewer)


def test_a_recovery_code_works_once(new_client, reviewer, recovery_codes):
    client = new_client()
    sign_in(client, reviewer)
    response = client.post(VERIFY + "?next=" + REVIEW, {"code": recovery_codes[0].upper()})
    assert response.status_code == 302 and response["Location"] == REVIEW
    assert client.get(REVIEW).status_code == 200
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9

    again = new_client()
    sign_in(again, reviewer)
    response = again.post(VERIFY, {"code": recovery_codes[0]})
    assert response.status_code == 400 and WRONG in response.content.decode()
    assert again.get(REVIEW)["Location"].startswith(VERIFY)


def test_every_failure_says_the_same(new_client, reviewer, recovery_codes, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    client = new_client()
    sign_in(client, reviewer)
    client.post(VERIFY, {"code": recovery_codes[0]})
    client.post(reverse("logout"))
    sign_in(client, reviewer)
    right = code_of(authenticator(reviewer))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    messages = set()
    for code in (wrong, recovery_codes[0], "zzzzzzzz", "", "x" * 40):  # wrong, used, unknown, empty, nonsense
        page = client.post(VERIFY, {"code": code}).content.decode()
        messages.add(re.search(r'class="invalid-feedback">([^<]*)<', page).group(1))
    assert len(messages) == 2 and any(WRONG in message for message in messages)  # and "This field is required."


def test_repeated_failures_are_slowed_down(new_client, reviewer):
    client = new_client()
    sign_in(client, reviewer)
    device = authenticator(reviewer)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": right})  # within django-otp's back-off: refused, the same words
    assert response.status_code == 400 and WRONG in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, reviewer, recovery_codes):
    client.cookies["django_language"] = "en"
    client.force_login(reviewer)
    page = client.get(reverse("signin:second_factor")).content.decode()
    assert "10 recovery codes left." in page
    response = client.post(reverse("signin:recovery_codes"))
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert response.status_code == 200 and len(codes) == 10 and not set(codes) & set(recovery_codes)
    assert set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True)) == set(codes)


def test_new_recovery_codes_only_for_a_user_signed_in_with_an_app(client, clerk):
    client.force_login(clerk)
    assert client.post(reverse("signin:recovery_codes")).status_code == 403
    assert client.get(reverse("signin:recovery_codes")).status_code == 405


def test_the_overview_offers_the_set_up_to_others(client, clerk):
    client.cookies["django_language"] = "en"
    client.force_login(clerk)
    page = client.get(reverse("signin:second_factor")).content.decode()
    assert f'href="{ENROL}"' in page and "recovery codes left" not in page


def test_verified_users_skip_the_code_page(client, reviewer):
    client.force_login(reviewer)
    response = client.get(VERIFY + "?next=" + REVIEW)
    assert response.status_code == 302 and response["Location"] == REVIEW


def test_the_code_page_goes_nowhere_off_site(new_client, reviewer):
    client = new_client()
    sign_in(client, reviewer)
    response = client.post(VERIFY + "?next=https://evil.example/", {"code": code_of(authenticator(reviewer))})
    assert response["Location"] == reverse("reporting:landing")


def test_an_optional_app_an_administrator_removed_is_no_longer_asked_for(new_client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    client = new_client()
    sign_in(client, clerk)
    device.delete()
    assert client.get(reverse("reporting:entry")).status_code == 200


def test_a_recovery_code_of_digits_only_is_still_one(reviewer, recovery_codes):
    StaticToken.objects.filter(device__user=reviewer, token=recovery_codes[0]).update(token="23456723")
    assert second_factor.second_factor_verify(user=reviewer, code="2345 6723") is not None
    assert second_factor.second_factor_verify(user=reviewer, code="23456723") is None
