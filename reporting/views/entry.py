from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Region
from indicators import entry, permissions, plausibility, selectors
from indicators.models import Indicator
from reporting.access import allowed
from reporting.forms import FigureEntryForm
from reporting.views.common import current_plan


@allowed(permissions.can_enter_any)
def entry_grid(request):
    """A clerk's or head's indicators x years: what is missing, drafts, returned items."""
    context = selectors.entry_grid(user=request.user, plan=current_plan(), today=timezone.localdate())
    return render(request, "reporting/entry_grid.html", context)


@allowed(permissions.can_enter_any)
def figure_entry(request, code, year, region_id=None):
    """Enter one indicator's figures for a year (and region); save a draft or submit for review."""
    indicator = get_object_or_404(Indicator.objects.select_related("task__plan"), code=code)
    region = get_object_or_404(Region, pk=region_id) if region_id else None
    if not permissions.can_enter(request.user, indicator, region_id):
        raise PermissionDenied
    if year not in indicator.reporting_years:
        raise Http404
    stage = request.POST.get("stage") or request.GET.get("stage")
    cell = selectors.entry_cell(indicator=indicator, region=region, year=year, stage=stage)
    form = FigureEntryForm(
        request.POST if request.method == "POST" else None, indicator=indicator, initial=cell["initial"]
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            entry.figures_enter(
                user=request.user,
                indicator=indicator,
                region=region,
                year=year,
                stage=form.cleaned_data["stage"],
                values=form.values(),
                note=form.cleaned_data["note"],
                submit=submit,
            )
        except entry.Locked:
            cell["locked"] = True  # approved since the page was read: the page's notice says so, once
        except entry.Stale:
            form.add_error(None, _("These figures changed since you opened the page. Check them and save again."))
        except entry.NeedsComment as flagged:
            texts = "; ".join(plausibility.flag_text(flag, _) for flag in flagged.flags)
            form.add_error("note", _("Explain these findings to submit: %(flags)s") % {"flags": texts})
        else:
            messages.success(request, _("Submitted for review.") if submit else _("Draft saved."))
            return redirect("reporting:entry")
    return render(request, "reporting/figure_entry.html", cell | {"form": form})
