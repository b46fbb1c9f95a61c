from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.utils import timezone

from .models import AuditEntry

PAGE_SIZE = 50


def audit_entries(*, user=None, event=None, since=None, until=None):
    """The entries matching the search, newest first. `since` and `until` are local dates, both included."""
    entries = AuditEntry.objects.order_by("-seq")
    if user:
        entries = entries.filter(username=user)
    if event:
        entries = entries.filter(event=event)
    if since:
        entries = entries.filter(at__gte=_start_of(since))
    if until:
        entries = entries.filter(at__lt=_start_of(until + timedelta(days=1)))
    return entries


def audit_page(*, page=1, **search):
    """One page of the entries matching the search: 2 queries (count, page), however many there are."""
    return Paginator(audit_entries(**search), PAGE_SIZE).get_page(page)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
