"""Background jobs: they take ids, call a service and can run twice or side by side without harm
(each recompute replaces its indicators' results under a row lock)."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import entry, recompute, reminders

# A database that is briefly unavailable (restart, failover, lock timeout) is worth a few retries.
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}
# A recompute is acknowledged only once it ended, and handed back when its worker dies mid-run; its
# RecomputeRun counts the attempts and gives up on one that keeps killing workers (recompute.MAX_ATTEMPTS).
RECOMPUTE = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, **RETRY}


@shared_task(**RECOMPUTE)
def recompute_indicators(self, indicator_ids, run_id=None):
    """After approved figures of these indicators changed (run_id: the run recorded when it was queued)."""
    return recompute.progress_recompute(indicator_ids=indicator_ids, run_id=run_id, task_id=self.request.id)


@shared_task(**RECOMPUTE)
def recompute_all(self, run_id=None):
    """Nightly, and on demand: every indicator, reporting its progress for the page that started it."""

    def report(done, total):
        if not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return recompute.progress_recompute(on_progress=report, run_id=run_id, task_id=self.request.id)


@shared_task(**RECOMPUTE)
def recompute_plan(self, plan_id, run_id=None):
    """On demand: every indicator of one plan, reporting its progress for the page that started it."""

    def report(done, total):
        if not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return recompute.progress_recompute(plan_id=plan_id, on_progress=report, run_id=run_id, task_id=self.request.id)


@shared_task(**RECOMPUTE)
def recompute_stale(self):
    """Every 5 minutes: closes runs whose worker or message was lost and recomputes what changed since
    its results (a recompute that was never queued, failed or died)."""
    return recompute.progress_recompute_stale(now=timezone.now(), task_id=self.request.id)


@shared_task(**RETRY)
def send_reminders():
    """Daily: deadline reminders to units with open figures, review reminders to reviewers."""
    return reminders.reminders_send(now=timezone.now())


@shared_task(**RETRY)
def clean_uploads():
    """Daily: drops old uploads' bytes and parsed rows, and previews never confirmed."""
    return entry.uploads_clean(now=timezone.now())
