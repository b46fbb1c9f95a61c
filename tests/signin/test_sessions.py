"""Sessions end after SESSION_IDLE_MINUTES without activity, and when their account signs in elsewhere
(SESSION_SINGLE); the login page then says why. A warning before the idle end offers to stay signed in."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from signin.sessions import LAST_ACTIVITY
from tests.plans import SLUG

from .conftest import sign_in

OVERVIEW = reverse("reporting:overview", args=[SLUG])
SESSION = reverse("signin:session")
IDLE = "You were signed out because your session was inactive for 30 minutes."
ELSEWHERE = "You were signed out because your account signed in elsewhere."


def idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def signed_in(new_client, leader):
    client = new_client()
    assert sign_in(client, leader).status_code == 302
    return client


def test_an_idle_session_ends_with_a_message(signed_in):
    idle_for(signed_in, 30 * 60 + 1)
    response = signed_in.get(OVERVIEW)
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=" + OVERVIEW
    page = signed_in.get(response["Location"])
    assert IDLE in page.content.decode()
    assert SESSION_KEY not in signed_in.session
    assert signed_in.get(OVERVIEW)["Location"].startswith(reverse("login"))


def test_a_session_used_within_the_limit_goes_on(signed_in):
    idle_for(signed_in, 29 * 60)
    assert signed_in.get(OVERVIEW).status_code == 200
    assert int(time.time()) - signed_in.session[LAST_ACTIVITY] < 5  # that request was activity


def test_the_limit_comes_from_the_policy(signed_in, settings):
    idle_for(signed_in, 3 * 3600)
    settings.SESSION_IDLE_MINUTES = 0  # never for idleness
    assert signed_in.get(OVERVIEW).status_code == 200
    idle_for(signed_in, 11 * 60)
    settings.SESSION_IDLE_MINUTES = 10
    assert "inactive for 10 minutes" in signed_in.get(OVERVIEW, follow=True).content.decode()


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(signed_in):
    idle_for(signed_in, 31 * 60)
    response = signed_in.get(OVERVIEW, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")
    assert IDLE in signed_in.get(reverse("login")).content.decode()


def test_an_idle_form_post_is_not_taken(signed_in, clerk, new_client):
    client = new_client()
    sign_in(client, clerk)
    idle_for(client, 31 * 60)
    response = client.post(reverse("password_change"), {"old_password": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


# --- One session per account ------------------------------------------------------------------------------


def test_a_second_sign_in_ends_the_first(new_client, leader):
    first, second = new_client(), new_client()
    sign_in(first, leader)
    assert first.get(OVERVIEW).status_code == 200
    sign_in(second, leader)
    response = first.get(OVERVIEW, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert ELSEWHERE in response.content.decode()
    assert SESSION_KEY not in first.session
    assert second.get(OVERVIEW).status_code == 200


def test_several_sessions_when_the_policy_allows(new_client, leader, settings):
    settings.SESSION_SINGLE = False
    first, second = new_client(), new_client()
    sign_in(first, leader)
    sign_in(second, leader)
    assert first.get(OVERVIEW).status_code == 200 and second.get(OVERVIEW).status_code == 200


def test_other_accounts_are_not_touched(new_client, leader, clerk):
    first, second = new_client(), new_client()
    sign_in(first, leader)
    sign_in(second, clerk)
    assert first.get(OVERVIEW).status_code == 200


def test_a_password_change_keeps_the_session_it_was_made_in(signed_in, leader):
    new = "Brand-new-pass-1"
    response = signed_in.post(
        reverse("password_change"), {"old_password": "secret-pass-123", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert signed_in.get(OVERVIEW).status_code == 200


def test_the_account_keeps_a_digest_not_the_key(signed_in, leader):
    leader.refresh_from_db()
    key = signed_in.session.session_key
    assert len(leader.session_key_digest) == 64 and key not in leader.session_key_digest


# --- The idle warning and its keep-alive -------------------------------------------------------------------


def test_signed_in_pages_carry_the_warning_and_its_script(signed_in):
    page = signed_in.get(OVERVIEW).content.decode()
    assert 'id="session-warning"' in page and 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page and f'data-url="{SESSION}"' in page
    assert '<script src="/static/js/session.js" defer></script>' in page


def test_the_login_page_does_not(client, db):
    assert "session-warning" not in client.get(reverse("login")).content.decode()


def test_asking_how_long_is_left_is_not_activity(signed_in):
    idle_for(signed_in, 10 * 60)
    before = signed_in.session[LAST_ACTIVITY]
    answer = signed_in.get(SESSION).json()
    assert answer["active"] and 19 * 60 < answer["remaining"] <= 20 * 60
    assert signed_in.session[LAST_ACTIVITY] == before


def test_staying_signed_in_is(signed_in):
    idle_for(signed_in, 28 * 60)
    answer = signed_in.post(SESSION).json()
    assert answer["active"] and answer["remaining"] > 29 * 60


def test_an_ended_session_says_so_and_leaves_the_message_to_the_page(signed_in):
    idle_for(signed_in, 31 * 60)
    response = signed_in.get(SESSION)
    assert response.status_code == 403 and response.json() == {"active": False, "remaining": 0}
    assert signed_in.post(SESSION).status_code == 403  # too late to stay
    assert IDLE in signed_in.get(OVERVIEW, follow=True).content.decode()  # the page reload shows why


def test_the_keep_alive_refuses_strangers_and_other_methods(client, signed_in, db):
    assert client.get(SESSION).status_code == 403
    assert signed_in.put(SESSION).status_code == 405


def test_the_keep_alive_needs_the_csrf_token(leader, new_client):
    import django.test

    client = django.test.Client(enforce_csrf_checks=True)
    client.force_login(leader)
    assert client.post(SESSION).status_code == 403
