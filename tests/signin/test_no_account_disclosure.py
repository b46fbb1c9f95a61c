"""Failures never say whether an account exists: the login form, the lockout, the password reset and the second
factor answer the same for an unknown user as for a wrong password."""

import re

import pytest
from django.urls import reverse

from departments.models import User

from .conftest import authenticator, code_of, sign_in


def normalized(response, *usernames):
    """The page without what differs from one request to the next: the CSRF token and the name typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for username in usernames:
        page = page.replace(f'value="{username}"', 'value=""')
    return page


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def attempt(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_failures_read_the_same_for_an_unknown_user_and_a_wrong_password(english, clerk):
    unknown = attempt(english, "nobody", "secret-pass-123")
    wrong = attempt(english, "clerk", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert normalized(unknown, "nobody") == normalized(wrong, "clerk")
    assert "The username or password is incorrect." in wrong.content.decode()


def test_an_inactive_account_reads_the_same_too(english, clerk):
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    inactive = attempt(english, "clerk", "secret-pass-123")
    unknown = attempt(english, "nobody", "secret-pass-123")
    assert normalized(inactive, "clerk") == normalized(unknown, "nobody")


def test_the_lockout_reads_the_same_for_an_unknown_user(english, clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(english, "clerk", "wrong", address=f"10.0.1.{n + 1}")
        attempt(english, "nobody", "wrong", address=f"10.0.2.{n + 1}")
    known = attempt(english, "clerk", "secret-pass-123", address="10.0.3.1")
    unknown = attempt(english, "nobody", "secret-pass-123", address="10.0.3.2")
    assert known.status_code == unknown.status_code == 429
    assert normalized(known) == normalized(unknown)


def test_a_reset_reads_the_same_for_an_unknown_address(english, clerk, mailoutbox):
    clerk.email = "clerk@example.gov.cn"
    clerk.save()
    known = english.post(reverse("password_reset"), {"email": "clerk@example.gov.cn"})
    unknown = english.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    page = english.get(reverse("password_reset_done")).content.decode()
    assert "If an account has this e-mail address" in page


def test_the_second_factor_step_reads_the_same_whatever_failed(new_client, reviewer, settings):
    """A code of another account, a used code and a wrong one: one message (the step comes after the password,
    so it cannot tell about accounts, but it does not tell about codes either)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = new_client()
    sign_in(client, reviewer)
    right = code_of(authenticator(reviewer))
    assert client.post(reverse("signin:verify"), {"code": right}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, reviewer)
    used = normalized(client.post(reverse("signin:verify"), {"code": right}))
    wrong = normalized(client.post(reverse("signin:verify"), {"code": f"{(int(right) + 7) % 1_000_000:06d}"}))
    assert re.sub(r'value="\d+"', "", used) == re.sub(r'value="\d+"', "", wrong)
