"""When an entry cannot be written the action it records is refused (and the entry logged at CRITICAL), except
signing out, which goes ahead."""

import logging

import pytest
from django.db import DatabaseError
from django.urls import reverse

from audit.models import AuditEntry
from departments import roles
from departments.models import User
from departments.services import user_upsert
from tests.plans import SLUG


@pytest.fixture
def break_audit(monkeypatch, caplog):
    """Call it, and the audit table refuses every write from then on (a full disk, a lost permission)."""

    def refuse(*args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    def broken():
        monkeypatch.setattr(AuditEntry, "save", refuse)
        caplog.set_level(logging.CRITICAL, logger="audit")
        return caplog

    return broken


def critical(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]


def test_a_download_is_not_served(client, leader, break_audit):
    client.force_login(leader)
    broken = break_audit()
    with pytest.raises(DatabaseError):
        client.get(reverse("reporting:overview-xlsx", args=[SLUG]))
    assert '"object": "plan yingkou-14th overview.xlsx"' in critical(broken)[0]


def test_a_user_is_not_created(plan, break_audit):
    broken = break_audit()
    with pytest.raises(DatabaseError):
        user_upsert(username="newcomer", password="another-Pass-456", role=roles.LEADER)
    assert not User.objects.filter(username="newcomer").exists()
    assert '"event": "user_created"' in critical(broken)[0]


def test_a_sign_in_is_undone(client, clerk, break_audit):
    broken = break_audit()
    with pytest.raises(DatabaseError):
        client.post(reverse("login"), {"username": "clerk", "password": "secret-pass-123"})
    assert "_auth_user_id" not in client.session
    assert '"event": "login"' in critical(broken)[0]


def test_signing_out_goes_ahead(client, clerk, break_audit):
    client.force_login(clerk)
    broken = break_audit()
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert '"event": "logout"' in critical(broken)[0]
