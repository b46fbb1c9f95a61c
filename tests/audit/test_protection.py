"""On PostgreSQL the database itself keeps the table append-only: any UPDATE is refused (but clearing the user of
a deleted user), and any DELETE of an entry younger than 180 days. Writers are serialised so the chain stays
linear under concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import services
from audit.models import AuditEntry
from audit.services import audit_record, audit_verify
from tests.audit.conftest import entries, on_postgresql
from tests.factories import UserFactory

pytestmark = [on_postgresql]


def raw(sql, params=()):
    """Runs `sql` in a savepoint, so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET object = 'changed'",
        "UPDATE audit_auditentry SET detail = '{}'::jsonb",
        "UPDATE audit_auditentry SET at = at - interval '1 year'",
        "UPDATE audit_auditentry SET hash = hash",  # even a no-op
        "UPDATE audit_auditentry SET user_id = (SELECT min(id) FROM departments_user)",
    ],
)
def test_an_update_is_refused_by_the_database(db, sql):
    UserFactory(username="someone")
    audit_record(event=AuditEntry.Event.EXPORT, obj="overview.xlsx")
    with pytest.raises(DatabaseError, match="Cannot update rows"):
        raw(sql)


@pytest.mark.django_db
def test_a_delete_of_a_young_entry_is_refused_by_the_database(db):
    audit_record(event=AuditEntry.Event.EXPORT, obj="overview.xlsx")
    with pytest.raises(DatabaseError, match="Cannot delete rows"):
        raw("DELETE FROM audit_auditentry")
    assert len(entries()) == 1


@pytest.mark.django_db
def test_an_entry_older_than_180_days_may_be_deleted(db, monkeypatch):
    monkeypatch.setattr(services, "now", lambda: timezone.now() - timedelta(days=181))
    audit_record(event=AuditEntry.Event.EXPORT, obj="old.xlsx")
    raw("DELETE FROM audit_auditentry")
    assert entries() == []


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries_and_the_chain(db):
    """SET_NULL is the one update allowed: the username the hash covers stays."""
    user = UserFactory(username="leaving")
    audit_record(event=AuditEntry.Event.EXPORT, user=user, obj="overview.xlsx")
    user.delete()
    entry = entries(AuditEntry.Event.EXPORT)[0]
    assert entry.user_id is None and entry.username == "leaving"
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_keep_the_chain_linear():
    """Two threads, each with its own connection and transactions, record 25 entries each at the same time:
    every entry links to the one before, none is lost, no number is used twice."""
    start = threading.Barrier(2)
    errors = []

    def write(name):
        try:
            start.wait()
            for n in range(25):
                with transaction.atomic():  # as inside a request's or an admin's transaction
                    audit_record(event=AuditEntry.Event.EXPORT, username=name, obj=f"file {n}.xlsx")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    written = entries()
    assert len(written) == 50 and [e.seq for e in written] == list(range(1, 51))
    assert {e.username for e in written} == {"first", "second"}
    assert audit_verify().ok
