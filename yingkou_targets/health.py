"""What /health/ checks (django-health-check): the database, the cache, the broker when there is one, and that
the results are being recomputed. docker-compose's health checks ask it."""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker answers a connection (any transport: Redis here). Needs no worker: a web container
    whose broker is down cannot queue recomputes, while a worker that is down is the worker's own check."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self):
        from yingkou_targets.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable("The Celery broker does not answer.") from error


@dataclasses.dataclass
class RecomputeAge(HealthCheck):
    """The last finished recompute is recent (HEALTH_RECOMPUTE_MAX_AGE_HOURS; the nightly run makes it at most a
    day old), or there is nothing to compute yet. A stale one means beat or the worker stopped doing their job."""

    async def run(self):
        # In the request's own thread (thread-sensitive): its database connection, closed with the request.
        await sync_to_async(self.check)()

    def check(self):
        from indicators.models import Figure, RecomputeRun

        last = (
            RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE, finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        if last is None:
            if Figure.objects.filter(status=Figure.Status.APPROVED).exists():
                raise ServiceUnavailable("Approved figures exist but no recompute has finished.")
            return
        age = timezone.now() - last
        if age > datetime.timedelta(hours=settings.HEALTH_RECOMPUTE_MAX_AGE_HOURS):
            raise ServiceUnavailable(f"The last finished recompute is {age.total_seconds() / 3600:.0f} hours old.")


def checks(*, recompute=True):
    """What the site needs to serve (database, cache, broker), and with `recompute` that results are kept up."""
    found = [Database(), Cache()]
    if settings.CELERY_BROKER_URL:
        found.append(Broker())
    if recompute:
        found.append(RecomputeAge())
    return found
