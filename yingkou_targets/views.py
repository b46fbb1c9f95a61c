"""Site-wide views that belong to no app: the login lockout page, the health and metrics endpoints."""

import logging
import math

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django_prometheus.exports import ExportToDjangoView
from health_check.views import HealthCheckView

from .addresses import address_allowed, client_ip
from .health import checks

log = logging.getLogger(__name__)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the reason in words, HTTP 429."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": math.ceil(cooloff.total_seconds() / 60) if cooloff else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


class Health(HealthCheckView):
    """The database, the cache, the broker and the recompute's age (yingkou_targets.health); 500 on any fault.
    With recompute=False (/health/web/, the web container's probe) a late recompute does not count: the web
    container must not be reported unhealthy, and beat held back, for what beat and the worker owe."""

    recompute = True

    def get_checks(self):
        return iter(checks(recompute=self.recompute))


def metrics(request):
    """Prometheus metrics, only with METRICS_ENABLED and to METRICS_ALLOWED_IPS: anyone else sees no such page."""
    if not (settings.METRICS_ENABLED and address_allowed(client_ip(request), settings.METRICS_ALLOWED_IPS)):
        raise Http404
    return ExportToDjangoView(request)
