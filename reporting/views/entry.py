from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Region
from indicators import entry, permissions, plausibility, worklist
from indicators.models import Statistic
from reporting.access import allowed
from reporting.forms import FigureEntryForm


@allowed(permissions.can_enter_any)
def entry_grid(request):
    """A clerk's or head's statistics x years, across the active plans: what is missing, drafts, returned items."""
    context = worklist.entry_grid(user=request.user, today=timezone.localdate())
    return render(request, "reporting/entry_grid.html", context)


@allowed(permissions.can_enter_any)
def figure_entry(request, code, year, region_id=None):
    """Enter one statistic's figures for a year (and region); save a draft or submit for review."""
    statistic = get_object_or_404(Statistic, code=code)
    region = get_object_or_404(Region, pk=region_id) if region_id else None
    targets = worklist.entry_targets(user=request.user, statistic=statistic)
    if not targets or not permissions.can_enter(request.user, targets[0], region_id):
        raise PermissionDenied
    if not any(year in target.reporting_years for target in targets):
        raise Http404
    indicator = targets[0]
    stage = request.POST.get("stage") or request.GET.get("stage")
    cell = worklist.entry_cell(indicator=indicator, region=region, year=year, stage=stage)
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
