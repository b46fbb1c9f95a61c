from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Region
from indicators import entry, permissions, selectors
from indicators.models import Indicator
from reporting.access import allowed
from reporting.forms import UnlockForm


@allowed(permissions.can_read)
def indicator_page(request, code):
    """An indicator's figures by year and region with their status, and every change made to them."""
    indicator = get_object_or_404(Indicator.objects.select_related("task__plan"), code=code)
    context = selectors.indicator_figures(indicator=indicator)
    context["can_unlock"] = permissions.can_unlock(request.user)
    return render(request, "reporting/indicator.html", context)


@require_POST
@allowed(permissions.can_unlock)
def indicator_unlock(request, code):
    """An administrator opens an approved year for correction, with a reason that is kept."""
    indicator = get_object_or_404(Indicator, code=code)
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
    return redirect("reporting:indicator", code=code)
