"""Writing, pruning and verifying the audit trail. Every entry is written by audit_record.

Failing closed: when an entry cannot be written, audit_record logs the entry at CRITICAL (so the operations log
still has it) and raises. Inside a transaction (an admin save, an unlock, a user's creation) the action is then
rolled back with it; an export is not served; a sign-in is undone (audit.signals). GB/T 22239-2019 asks that
security events be recorded and the records protected; an action that leaves no record is what that forbids,
so the action is refused rather than done unrecorded. The one exception is signing out, which goes ahead
(logged at CRITICAL): refusing it would leave a session open, which is worse than the missing entry.
"""

import getpass
import ipaddress
import json
import logging
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils.timezone import now

from yingkou_targets.addresses import client_ip

from .context import current_request
from .models import GENESIS, AuditEntry

logger = logging.getLogger("audit")

# pg_advisory_xact_lock key serialising the writers on PostgreSQL ("audit" in ASCII).
LOCK_KEY = 0x6175646974


def audit_record(
    *, event, user=None, request=None, obj="", outcome=AuditEntry.Outcome.SUCCESS, detail=None, username=None
):
    """Appends one entry to the chain and returns it.

    `user` is who did it (None: the signed-in user of `request`, or of the request being served, if any);
    `username` the name to keep when it is not `user`'s (a failed sign-in's claimed name); `obj` what it was
    about ("plan yingkou-14th", "user clerk", "overview.xlsx"); `detail` a JSON-able dict. Without a request
    (a command, a task), the operating-system user and the command are kept in `detail`.

    Writers are serialised (an advisory lock on PostgreSQL held to the end of the transaction; SQLite's write
    lock, taken when the transaction begins), so each entry links to the one committed before it. Inside an
    outer transaction the lock is held until that commits: audited actions queue behind each other there.
    Raises when the entry cannot be written (see the module's docstring)."""
    event = AuditEntry.Event(event)
    request = request if request is not None else current_request()
    if user is None and username is None and request is not None:
        signed_in = getattr(request, "user", None)
        user = signed_in if signed_in is not None and signed_in.is_authenticated else None
    detail = dict(detail or {})
    if request is None:
        detail.setdefault("process", _process())
    entry = AuditEntry(
        user=user if user is not None and user.pk else None,
        username=(username if username is not None else (user.get_username() if user else ""))[:150],
        address=_address(request),
        event=event,
        object=str(obj)[:300],
        outcome=AuditEntry.Outcome(outcome),
        detail=json.loads(json.dumps(detail, cls=DjangoJSONEncoder)),  # what the JSON column will give back
    )
    try:
        with transaction.atomic(savepoint=False):
            _lock()
            last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
            entry.seq, entry.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
            entry.at = now()
            entry.hash = entry.compute_hash()
            entry.save(force_insert=True)
    except Exception:
        logger.critical(
            "AUDIT ENTRY NOT WRITTEN, the action is refused: %s",
            json.dumps(
                {
                    "event": entry.event,
                    "username": entry.username,
                    "address": entry.address,
                    "object": entry.object,
                    "outcome": entry.outcome,
                    "detail": entry.detail,
                },
                ensure_ascii=False,
            ),
            exc_info=True,
        )
        raise
    return entry


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    # SQLite: the transaction began IMMEDIATE (settings), holding the database's write lock already.


def _address(request):
    """The client's address (yingkou_targets.addresses.client_ip), normalised; empty when not an address
    (a proxy's "unknown"): the entry is written all the same."""
    if request is None:
        return ""
    try:
        return str(ipaddress.ip_address((client_ip(request) or "").strip()))
    except ValueError:
        return ""


def _process():
    """Who ran the process writing without a request: the operating-system user and the command."""
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = ""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    command = sys.argv[1] if program == "manage.py" and len(sys.argv) > 1 else program
    return {"os_user": os_user, "command": command[:100]}


@dataclass
class Pruned:
    deleted: int
    entry: AuditEntry | None


def audit_prune(*, dry_run=False):
    """Deletes the entries older than AUDIT_KEEP_DAYS, oldest first and without gaps: the prefix of the chain
    before the oldest entry that is younger. Records itself first (AUDIT_PRUNED), naming the oldest entry kept
    and its prev_hash: the anchor audit_verify starts from, so a deletion of old entries that no prune recorded
    is found. That entry is never deleted, so the chain is never emptied. Entries younger than the setting are
    never deleted (and on PostgreSQL the database refuses those younger than 180 days)."""
    cutoff = now() - timedelta(days=settings.AUDIT_KEEP_DAYS)
    with transaction.atomic():
        _lock()
        kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", "prev_hash").first()
        if kept is None:  # everything is old: the prune's own entry, next in the chain, is the first one kept
            last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
            kept = (last[0] + 1, last[1]) if last else (1, GENESIS)
        old = AuditEntry.objects.filter(seq__lt=kept[0])
        count = old.count()
        if dry_run:
            return Pruned(deleted=count, entry=None)
        detail = {
            "deleted": count,
            "older_than": cutoff,
            "keep_days": settings.AUDIT_KEEP_DAYS,
            "anchor_seq": kept[0],
            "anchor_prev_hash": kept[1],
        }
        entry = audit_record(event=AuditEntry.Event.AUDIT_PRUNED, obj="audit trail", detail=detail)
        if count:
            old._prune()
    return Pruned(deleted=count, entry=entry)


@dataclass
class Verified:
    count: int
    first: AuditEntry | None = None
    last: AuditEntry | None = None
    problem: str = ""
    culprit: AuditEntry | None = None

    @property
    def ok(self):
        return not self.problem


def audit_verify(*, chunk_size=2000):
    """Walks the chain from its oldest entry and recomputes every hash. The oldest entry must be the genesis
    (number 1, prev_hash of zeros) or the anchor named by a recorded prune; each next entry must carry the next
    number and the previous entry's hash, and its own hash must match its content. Stops at the first entry
    that does not, naming it. Reads in chunks, on SQLite and PostgreSQL alike."""
    entries = AuditEntry.objects.order_by("seq")
    first = entries.first()
    if first is None:
        return Verified(count=0)
    if not (first.seq == 1 and first.prev_hash == GENESIS) and not _anchored(first):
        return Verified(
            count=0, first=first, culprit=first,
            problem="the entries before it were deleted, and no prune of the audit trail recorded that",
        )  # fmt: skip
    count, previous = 0, None
    for entry in entries.iterator(chunk_size=chunk_size):
        if previous is not None and (entry.seq != previous.seq + 1 or entry.prev_hash != previous.hash):
            problem = (
                f"it does not follow entry #{previous.seq}: an entry between them was deleted, "
                "or this one was inserted or edited"
            )
            return Verified(count=count, first=first, last=previous, culprit=entry, problem=problem)
        if entry.compute_hash() != entry.hash:
            problem = "its content does not match its hash: it was changed after it was written"
            return Verified(count=count, first=first, last=previous, culprit=entry, problem=problem)
        count, previous = count + 1, entry
    return Verified(count=count, first=first, last=previous)


def _anchored(first):
    """Whether a prune recorded `first` as the oldest entry it kept, with this prev_hash. The prune's entry
    is itself in the chain, so the walk checks it was not forged."""
    return AuditEntry.objects.filter(
        event=AuditEntry.Event.AUDIT_PRUNED, detail__anchor_seq=first.seq, detail__anchor_prev_hash=first.prev_hash
    ).exists()
