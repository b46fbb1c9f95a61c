"""Retention: entries are kept AUDIT_KEEP_DAYS (180 at least, refused below at start-up); `manage.py audit_prune`
deletes only older ones, records itself, and the chain still verifies from the oldest entry kept."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit import services
from audit.models import MINIMUM_KEEP_DAYS, AuditEntry
from audit.services import audit_record, audit_verify
from tests.audit.conftest import behind_its_back, entries
from tests.test_settings import PRODUCTION, load_settings

Event = AuditEntry.Event


@pytest.mark.parametrize("days", ["179", "0", "-5"])
def test_keeping_entries_less_than_180_days_is_refused_at_start_up(days):
    result = load_settings(PRODUCTION | {"AUDIT_KEEP_DAYS": days}, "s.AUDIT_KEEP_DAYS")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "at least 180 days" in result.stderr


@pytest.mark.parametrize(("days", "kept"), [(None, "180"), ("180", "180"), ("400", "400")])
def test_180_days_or_more_are_accepted(days, kept):
    result = load_settings(PRODUCTION | ({"AUDIT_KEEP_DAYS": days} if days else {}), "s.AUDIT_KEEP_DAYS")
    assert result.returncode == 0 and result.stdout.strip() == kept


def test_the_database_floor_is_the_settings_floor():
    assert MINIMUM_KEEP_DAYS == 180


def record_days_ago(monkeypatch, days, count=1):
    monkeypatch.setattr(services, "now", lambda: timezone.now() - timedelta(days=days))
    for n in range(count):
        audit_record(event=Event.EXPORT, obj=f"{days} days ago #{n}")
    monkeypatch.setattr(services, "now", timezone.now)


@pytest.fixture
def aged(db, monkeypatch):
    """Entries 400, 200, 179 and 0 days old (3, 2, 2, 2 of them), oldest first."""
    for days, count in ((400, 3), (200, 2), (179, 2), (0, 2)):
        record_days_ago(monkeypatch, days, count)
    return entries()


def prune(*args):
    out = io.StringIO()
    call_command("audit_prune", *args, stdout=out)
    return out.getvalue()


def test_prune_deletes_only_entries_older_than_the_setting(aged):
    assert "Deleted 5 audit entries older than 180 days" in prune()
    left = entries()
    assert [e.seq for e in left] == [6, 7, 8, 9, 10]  # the 179-day-old ones stay, and the prune's entry
    assert left[-1].event == Event.AUDIT_PRUNED
    assert left[-1].detail | {"older_than": None} == {
        "deleted": 5, "older_than": None, "keep_days": 180, "anchor_seq": 6, "anchor_prev_hash": aged[4].hash,
        "process": left[-1].detail["process"],
    }  # fmt: skip


def test_prune_deletes_nothing_younger_than_a_longer_setting(aged, settings):
    settings.AUDIT_KEEP_DAYS = 365
    prune()
    assert [e.seq for e in entries()][:2] == [4, 5]  # the 200-day-old ones are kept


def test_prune_deletes_nothing_when_all_is_young(db):
    for n in range(3):
        audit_record(event=Event.EXPORT, obj=f"{n}")
    assert "Deleted 0 audit entries" in prune()
    assert len(entries()) == 4 and audit_verify().ok


def test_a_dry_run_deletes_and_records_nothing(aged):
    assert "Would delete 5 audit entries" in prune("--dry-run")
    assert entries() == aged


def test_the_chain_verifies_from_the_oldest_entry_kept(aged):
    prune()
    result = audit_verify()
    assert result.ok and result.first.seq == 6 and result.count == 5


def test_everything_old_pruned_leaves_the_prune_entry_as_the_anchor(db, monkeypatch):
    record_days_ago(monkeypatch, 300, 4)
    prune()
    (left,) = entries()
    assert left.seq == 5 and left.detail["anchor_seq"] == 5
    assert audit_verify().ok
    audit_record(event=Event.EXPORT, obj="after")
    assert audit_verify().ok


def test_pruning_twice_keeps_the_chain_verifiable(aged, settings):
    settings.AUDIT_KEEP_DAYS = 365
    prune()
    assert audit_verify().first.seq == 4
    settings.AUDIT_KEEP_DAYS = 180
    prune()  # deletes the 200-day-old ones, and the anchor the first prune recorded is gone with them
    result = audit_verify()
    assert result.ok and result.first.seq == 6


def test_old_entries_deleted_behind_the_prune_are_found(aged):
    """A deletion of the oldest entries that no prune recorded: the first kept entry is not an anchor."""
    with behind_its_back() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq <= 3")
    result = audit_verify()
    assert not result.ok and result.culprit.seq == 4
