"""The hash chain: audit_record links each entry to the one before; audit_verify finds an entry edited, deleted
or inserted behind the service's back, on SQLite and PostgreSQL."""

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from audit.models import GENESIS, AppendOnly, AuditEntry
from audit.services import audit_record, audit_verify
from tests.audit.conftest import behind_its_back, entries

pytestmark = pytest.mark.django_db

Event = AuditEntry.Event


@pytest.fixture
def chain(db):
    """Five entries, as the service writes them."""
    for n in range(5):
        audit_record(event=Event.EXPORT, obj=f"file {n}.xlsx", detail={"n": n, "名称": "营口"})
    return entries()


def verify():
    """`manage.py audit_verify`: its output, or the CommandError's message."""
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as error:
        return f"FAILED {error}"
    return out.getvalue()


def test_entries_link_to_the_one_before(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    for entry in chain:
        assert entry.hash == entry.compute_hash() and len(entry.hash) == 64


def test_what_is_read_back_hashes_the_same(chain):
    """The JSON column and the time come back from the database as they were hashed (keys sorted, UTC)."""
    stored = AuditEntry.objects.get(seq=3)
    assert stored.detail["n"] == 2 and stored.detail["名称"] == "营口"
    assert stored.compute_hash() == stored.hash


def test_a_clean_chain_verifies(chain):
    output = verify()
    assert "5 audit entries verified, #1 to #5" in output and chain[-1].hash in output


def test_an_empty_trail_verifies(db):
    assert "empty" in verify()


def test_an_entry_edited_behind_its_back_is_named(chain):
    with behind_its_back() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object = %s WHERE seq = 3", ["file 9.xlsx"])
    output = verify()
    assert output.startswith("FAILED Audit trail broken at entry #3") and "changed after it was written" in output
    assert "2 entries before it are intact" in output


def test_an_edited_detail_is_found(chain):
    with behind_its_back() as cursor:
        cursor.execute("UPDATE audit_auditentry SET username = %s WHERE seq = 4", ["somebody"])
    assert verify().startswith("FAILED Audit trail broken at entry #4")


def test_an_entry_deleted_in_the_middle_is_found(chain):
    with behind_its_back() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 3")
    output = verify()
    assert output.startswith("FAILED Audit trail broken at entry #4") and "does not follow entry #2" in output


def test_the_oldest_entries_deleted_without_a_prune_are_found(chain):
    with behind_its_back() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq <= 2")
    output = verify()
    assert output.startswith("FAILED Audit trail broken at entry #3") and "no prune" in output


def forged(seq, prev_hash, at):
    entry = AuditEntry(
        seq=seq, at=at, username="intruder", address="10.0.0.9", event=Event.EXPORT, object="file x.xlsx",
        outcome="success", detail={}, prev_hash=prev_hash,
    )  # fmt: skip
    entry.hash = entry.compute_hash()  # consistent in itself: only the chain gives it away
    return entry


def test_an_entry_inserted_after_another_is_found(chain):
    """Inserted as if it came after #2 (its prev_hash), with the next free number."""
    AuditEntry.objects.bulk_create([forged(6, chain[1].hash, chain[1].at)])
    output = verify()
    assert output.startswith("FAILED Audit trail broken at entry #6") and "does not follow entry #5" in output


def test_an_entry_replaced_by_a_forged_one_is_found(chain):
    """#3 deleted and a forged #3 put in its place, linked to #2: #4 no longer follows."""
    with behind_its_back() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 3")
    AuditEntry.objects.bulk_create([forged(3, chain[1].hash, chain[2].at)])
    assert verify().startswith("FAILED Audit trail broken at entry #4")


def test_the_verify_command_exits_non_zero(chain, capsys):
    """As an operator runs it (manage.py's entry point): exit status 1, the entry named on stderr."""
    with behind_its_back() as cursor:
        cursor.execute("UPDATE audit_auditentry SET outcome = 'failure' WHERE seq = 2")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "audit_verify"]).execute()
    assert exited.value.code == 1 and "entry #2" in capsys.readouterr().err


def test_the_model_refuses_to_change_or_delete_an_entry(chain):
    entry = chain[0]
    entry.object = "something else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(seq=1).update(object="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert audit_verify().ok


def test_an_unknown_event_is_refused(db):
    with pytest.raises(ValueError):
        audit_record(event="made_up")
    assert not entries()
