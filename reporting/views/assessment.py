"""The final assessment (终期评估) of a plan, as a printable page and a workbook.

Its URLs are listed here and included among a plan's pages (/plans/<slug>/) by reporting/urls.py."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.decorators import audited
from audit.models import AuditEntry
from indicators import permissions
from reporting import assessment
from reporting.access import allowed, plan_page


def _assessed_plan(request):
    """The page's plan, or 404 while its target year's figures are not yet due."""
    plan = request.plan
    if not assessment.is_due(plan, timezone.localdate()):
        message = _("The final assessment opens on %(date)s, when the figures for %(year)s are due.")
        raise Http404(message % {"date": plan.report_deadline(plan.target_year), "year": plan.target_year})
    return plan


@allowed(permissions.can_read)
@plan_page
def final_assessment(request):
    """Every target at its target year: met or not, the gap left, and the shares met."""
    plan = _assessed_plan(request)
    context = assessment.final_assessment(plan=plan) | {"plan": plan}
    return render(request, "reporting/assessment.html", context)


@audited(AuditEntry.Event.EXPORT, obj="assessment.xlsx")
@allowed(permissions.can_read)
@plan_page
def final_assessment_workbook(request):
    """The same data as the page, as XLSX."""
    plan = _assessed_plan(request)
    content = assessment.workbook(plan=plan, data=assessment.final_assessment(plan=plan))
    response = HttpResponse(content, content_type=assessment.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="assessment-{plan.target_year}.xlsx"'
    return response


urlpatterns = [
    path("assessment/", final_assessment, name="assessment"),
    path("assessment.xlsx", final_assessment_workbook, name="assessment-xlsx"),
]
