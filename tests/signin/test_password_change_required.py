"""A password older than PASSWORD_MAX_AGE_DAYS, or one an administrator set, is replaced before anything else;
the demo accounts are exempt."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from departments import roles
from departments.models import User
from indicators.demo_load import DEMO_USERS, demo_load
from tests.plans import SLUG

from .conftest import PASSWORD, sign_in

OVERVIEW = reverse("reporting:overview", args=[SLUG])
EXPIRED = "Your password is more than 90 days old and has expired: choose a new one to go on."
SET_BY_ADMINISTRATOR = "Your password was set by an administrator: choose your own password to go on."


def age(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def change(client, old, new="Brand-new-pass-1"):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.fixture
def signed_in(client, clerk):
    client.cookies["django_language"] = "en"
    client.force_login(clerk)
    return client


def test_an_expired_password_forces_a_change(signed_in, clerk):
    age(clerk, 91)
    response = signed_in.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change") + "?next=" + OVERVIEW.replace("/", "%2F")
    page = signed_in.get(response["Location"])
    assert page.status_code == 200 and EXPIRED in page.content.decode()
    for url in (reverse("reporting:entry"), reverse("signin:second_factor"), reverse("admin:index")):
        assert signed_in.get(url)["Location"].startswith(reverse("password_change")), url
    assert change(signed_in, PASSWORD).status_code == 302
    assert signed_in.get(OVERVIEW).status_code == 200


def test_the_change_page_logout_and_health_stay_reachable(signed_in, clerk):
    age(clerk, 91)
    assert signed_in.get(reverse("password_change")).status_code == 200
    assert signed_in.get(reverse("health-web")).status_code in (200, 500)  # its own answer, not a redirect
    assert signed_in.get("/static/js/session.js").status_code == 200
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_password_younger_than_the_limit_does_not(signed_in, clerk):
    age(clerk, 89)
    assert signed_in.get(OVERVIEW).status_code == 200


def test_the_limit_comes_from_the_policy(signed_in, clerk, settings):
    age(clerk, 400)
    settings.PASSWORD_MAX_AGE_DAYS = 0  # never
    assert signed_in.get(OVERVIEW).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 365
    response = signed_in.get(OVERVIEW, follow=True)
    assert "more than 365 days old" in response.content.decode()


def test_setting_a_password_restarts_its_age(clerk):
    age(clerk, 91)
    clerk.refresh_from_db()
    clerk.set_password("Brand-new-pass-1")
    clerk.save(update_fields=["password"])
    clerk.refresh_from_db()
    assert timezone.now() - clerk.password_changed_at < timedelta(minutes=1)


def test_a_rehash_of_the_same_password_does_not(clerk, settings):
    age(clerk, 91)
    clerk.refresh_from_db()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert clerk.check_password(PASSWORD)  # upgrades the hash and saves it
    clerk.refresh_from_db()
    assert clerk.password.startswith("pbkdf2_sha256$")
    assert timezone.now() - clerk.password_changed_at > timedelta(days=90)


# --- Accounts an administrator creates or resets -------------------------------------------------------


def test_an_account_the_administrator_creates_changes_its_password_at_first_sign_in(client, administrator, new_client):
    client.force_login(administrator)
    Group.objects.get_or_create(name=roles.LEADER)
    given = "Given-by-admin-1"
    data = {"username": "newcomer", "usable_password": "true", "password1": given, "password2": given}
    response = client.post(reverse("admin:departments_user_add"), data)
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password
    newcomer.groups.add(Group.objects.get(name=roles.LEADER))

    theirs = new_client()
    assert sign_in(theirs, newcomer, "Given-by-admin-1").status_code == 302
    page = theirs.get(OVERVIEW, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert SET_BY_ADMINISTRATOR in page.content.decode()
    assert change(theirs, "Given-by-admin-1").status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert theirs.get(OVERVIEW).status_code == 200


def test_a_password_the_administrator_resets_is_changed_at_the_next_sign_in(client, administrator, leader, new_client):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[leader.pk]),
        {"usable_password": "true", "password1": "Reset-by-admin-2", "password2": "Reset-by-admin-2"},
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.must_change_password and leader.check_password("Reset-by-admin-2")
    theirs = new_client()
    sign_in(theirs, leader, "Reset-by-admin-2")
    assert theirs.get(OVERVIEW)["Location"].startswith(reverse("password_change"))


def test_a_reset_by_e_mail_is_the_users_own_choice(client, clerk, mailoutbox):
    import re

    User.objects.filter(pk=clerk.pk).update(must_change_password=True, email="clerk@example.gov.cn")
    client.post(reverse("password_reset"), {"email": "clerk@example.gov.cn"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "Own-choice-pass-3"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    clerk.refresh_from_db()
    assert clerk.check_password(new) and not clerk.must_change_password


# --- The demo accounts are exempt ---------------------------------------------------------------------


@pytest.fixture
def demo_users(plan):
    demo_load(plan=plan)
    return User.objects.filter(username__in=[username for username, *_ in DEMO_USERS])


def test_the_demo_accounts_are_exempt(demo_users, client):
    assert demo_users.count() == len(DEMO_USERS)
    assert all(user.password_policy_exempt for user in demo_users)
    leader = demo_users.get(username="leader")
    User.objects.filter(pk=leader.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    User.objects.filter(pk=leader.pk).update(must_change_password=True)
    client.force_login(leader)
    assert client.get(OVERVIEW).status_code == 200


def test_only_the_demo_accounts_are(demo_users, outsider):
    assert list(User.objects.filter(password_policy_exempt=True).exclude(pk__in=demo_users)) == []
    outsider.refresh_from_db()
    assert not outsider.password_policy_exempt


def test_the_login_page_has_no_demo_note_without_demo_accounts(client, db):
    client.cookies["django_language"] = "en"
    assert "demo-accounts-note" not in client.get(reverse("login")).content.decode()


def test_the_login_page_names_the_demo_exemption(demo_users, client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("login")).content.decode()
    assert "exempt from password expiry and from the password change at first sign-in" in page
