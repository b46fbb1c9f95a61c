from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from departments.models import Region
from indicators import permissions
from reporting import plots, selectors
from reporting.access import allowed, plan_page
from reporting.views.common import plan_year


@allowed(permissions.can_read)
@plan_page
def region_page(request, pk):
    """A county-level government's or development zone's figures and lights on the indicators broken
    down by region, and each indicator's year compared across all regions."""
    region = get_object_or_404(Region, pk=pk)
    if not permissions.can_see_unit(request.user, region):
        raise PermissionDenied
    plan, year, fresh, error = plan_year(request)
    context = selectors.region_overview(region=region, plan=plan, year=year)
    for n, row in enumerate(context["rows"]):
        if row["regions"]:
            row["chart"] = plots.region_chart(row["indicator"], row["regions"], highlight=region, div_id=f"region-{n}")
    context |= {"fresh": fresh, "year_error": error}
    return render(request, "reporting/region.html", context, status=400 if error else 200)
