from django.shortcuts import render

from audit.decorators import audited
from audit.models import AuditEntry
from indicators import permissions
from reporting import plots, selectors
from reporting.access import allowed, plan_page
from reporting.views.common import plan_year


@audited(AuditEntry.Event.EXPORT, obj="report")
@allowed(permissions.can_read)
@plan_page
def annual_report(request):
    """The year's assessment as a printable page: lights per task, the binding targets' paths and the
    departments' progress reports, one task per printed page."""
    plan, year, fresh, error = plan_year(request)
    context = selectors.annual_report(plan=plan, year=year)
    context["charts"] = [
        (indicator, plots.indicator_chart(indicator, series, static=True, div_id=f"chart-{indicator.code}"))
        for indicator, series in context["binding"]
    ]
    context |= {"plan": plan, "fresh": fresh, "year_error": error, "years": selectors.assessed_years(plan)}
    return render(request, "reporting/report.html", context, status=400 if error else 200)
