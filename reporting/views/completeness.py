from django.shortcuts import render
from django.utils import timezone

from indicators import permissions, schedule, selectors
from indicators.models import Plan
from reporting.access import allowed


@allowed(permissions.can_read)
def completeness(request):
    """Per department and region: figures due, submitted, approved and late for a year."""
    plan, today = Plan.objects.get(), timezone.localdate()
    years = range(plan.baseline_year, plan.target_year + 1)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else None
    year = year or schedule.reporting_year(today, first=plan.baseline_year, last=plan.target_year)
    unit = None if permissions.sees_all_units(request.user) else request.user.unit
    context = selectors.completeness(plan=plan, year=year, today=today, unit=unit) | {"years": years}
    return render(request, "reporting/completeness.html", context)
