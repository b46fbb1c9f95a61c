"""Helpers of the audit tests: the entries written, and tampering with the table behind the service's back."""

from contextlib import contextmanager

import pgtrigger
import pytest
from django.db import connection

from audit.models import AuditEntry

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database's triggers exist on PostgreSQL only"
)


def entries(event=None):
    """The entries written, oldest first (of one event when given)."""
    found = AuditEntry.objects.order_by("seq")
    return list(found.filter(event=event) if event else found)


def last(event):
    found = entries(event)
    assert found, f"no {event} entry"
    return found[-1]


@contextmanager
def behind_its_back():
    """Raw SQL on the audit table as someone with database access would run it: on PostgreSQL with the
    append-only triggers switched off for this session (pgtrigger.ignore), as a table owner could."""
    if connection.vendor == "postgresql":
        with pgtrigger.ignore("audit.AuditEntry:audit_entry_no_update", "audit.AuditEntry:audit_entry_keep_young"):
            with connection.cursor() as cursor:
                yield cursor
    else:
        with connection.cursor() as cursor:
            yield cursor
