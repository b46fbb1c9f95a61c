from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Region
from indicators import entry, permissions, worklist
from indicators.models import Indicator
from reporting import plots
from reporting import selectors as dashboards
from reporting.access import allowed, plan_page
from reporting.forms import UnlockForm


@allowed(permissions.can_read)
@plan_page
def indicator_page(request, code):
    """An indicator's definition, its progress against the expected path (chart, yearly lights and why,
    the forecast and the pace still needed), its figures with their status, and every change to them."""
    indicator = get_object_or_404(dashboards.indicators_with_departments(), task__plan=request.plan, code=code)
    context = worklist.indicator_figures(indicator=indicator) | dashboards.indicator_progress(indicator=indicator)
    context["chart"] = plots.indicator_chart(indicator, context["chart"])
    latest = context["latest"]
    if latest and context["regions"]:
        compared = [r for rows in context["regions"].values() for r in rows if r.year == latest.year]
        context["region_chart"] = plots.region_chart(indicator, compared)
    context["can_unlock"] = permissions.can_unlock(request.user)
    context["fresh"] = dashboards.freshness(plan=request.plan, now=timezone.now())
    return render(request, "reporting/indicator.html", context)


@require_POST
@allowed(permissions.can_unlock)
@plan_page
def indicator_unlock(request, code):
    """An administrator opens an approved year for correction, with a reason that is kept. From a closed
    plan's page too: the correction is logged, and the plan's published results stay as they are (a closed
    plan is not recomputed)."""
    indicator = get_object_or_404(Indicator.objects.filter(task__plan=request.plan), code=code)
    form = UnlockForm(request.POST)
    if form.is_valid():
        region_id = form.cleaned_data["region"]
        try:
            entry.figures_unlock(
                user=request.user,
                indicator=indicator,
                year=form.cleaned_data["year"],
                reason=form.cleaned_data["reason"],
                region=get_object_or_404(Region, pk=region_id) if region_id else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Unlocked. The figures went back to the clerks for correction."))
    else:
        messages.error(request, _("Give the year and a reason to unlock."))
    return redirect("reporting:indicator", slug=request.plan.slug, code=code)
