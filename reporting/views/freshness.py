from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import permissions
from indicators.models import RecomputeRun
from indicators.recompute import recompute_queue
from reporting import params, selectors
from reporting.access import allowed, plan_page


@allowed(permissions.can_read)
@plan_page
def freshness(request):
    """The "computed at / recompute running" line alone, polled by htmx while a recompute runs. Once the
    run the page was waiting for has ended, htmx is told to reload the page so it shows the new results."""
    fresh = selectors.freshness(plan=request.plan, now=timezone.now())
    waited_for = params.whole_number(request.GET.get("waiting", ""))
    if waited_for is not None and (fresh["active"] is None or fresh["active"].pk != waited_for):
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return render(request, "reporting/_freshness.html", {"fresh": fresh})


@require_POST
@allowed(permissions.can_recompute)
@plan_page
def recompute(request):
    """An administrator recomputes every indicator of the plan now; the page follows the run until it ends. With the
    job queue down the run is recorded as failed and the page says so."""
    run = recompute_queue(plan=request.plan)
    if run.status == RecomputeRun.Status.FAILED:
        messages.error(
            request,
            _(
                "The recompute could not be started: the job queue is not answering. No figure is lost; "
                "changed figures are recomputed automatically once it answers again."
            ),
        )
    else:
        messages.success(request, _("Recompute started. This page refreshes when it ends."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("reporting:landing")
    return redirect(back)
