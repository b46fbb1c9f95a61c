"""Helpers of the sign-in tests: signing in through the pages, as a new_client does, and the codes of an app."""

import django.test
import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "secret-pass-123"  # the factory's


def code_of(device):
    """The authenticator app's current code, usable now (a code is accepted once per 30-second step)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, digits=device.digits):06d}"


def authenticator(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).get()


@pytest.fixture
def new_client():
    """Makes clients that sign in only through the pages (no force_login shortcut), in English."""

    def make():
        client = django.test.Client()
        client.cookies["django_language"] = "en"
        return client

    return make


def sign_in(client, user, password=PASSWORD):
    """The login form: returns its answer."""
    return client.post(reverse("login"), {"username": user.username, "password": password})
