"""Background jobs: they take ids, call a service and can run twice or side by side without harm
(each recompute replaces its indicators' results under a row lock)."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import reminders, services

# A database that is briefly unavailable (restart, failover, lock timeout) is worth a few retries.
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(**RETRY)
def recompute_indicators(indicator_ids, run_id=None):
    """After approved figures of these indicators changed (run_id: the run recorded when it was queued)."""
    return services.progress_recompute(indicator_ids=indicator_ids, run_id=run_id)


@shared_task(bind=True, **RETRY)
def recompute_all(self, run_id=None):
    """Nightly, and on demand: every indicator, reporting its progress for the page that started it."""

    def report(done, total):
        if not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return services.progress_recompute(on_progress=report, run_id=run_id)


@shared_task(**RETRY)
def send_reminders():
    """Daily: deadline reminders to units with open figures, review reminders to reviewers."""
    return reminders.reminders_send(now=timezone.now())
