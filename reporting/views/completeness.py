from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions, schedule, worklist
from reporting.access import allowed, plan_page
from reporting.views.common import asked_year


@allowed(permissions.can_read)
@plan_page
def completeness(request):
    """Per department and region: figures due, submitted, approved and late for a year."""
    plan, today = request.plan, timezone.localdate()
    years = range(plan.baseline_year, plan.target_year + 1)
    year, refused = asked_year(request, years)
    year = year or schedule.reporting_year(today, first=plan.baseline_year, last=plan.target_year)
    error = refused and _("There is no year %(year)s in the plan; showing %(shown)s.")
    error = error and error % {"year": refused, "shown": year}
    unit = None if permissions.sees_all_units(request.user) else request.user.unit
    context = worklist.completeness(plan=plan, year=year, today=today, unit=unit) | {"years": years}
    context["year_error"] = error
    return render(request, "reporting/completeness.html", context, status=400 if error else 200)
