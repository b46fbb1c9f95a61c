from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Department
from indicators import permissions, reports
from indicators.models import Task
from reporting import selectors
from reporting.access import allowed, plan_page
from reporting.forms import ProgressReportForm
from reporting.views.common import plan_year


def _department(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if not permissions.can_see_unit(request.user, department):
        raise PermissionDenied
    return department


def _render(request, department, *, failed=None, status=200):
    """The department page; `failed` = (task id, text, error) re-shows a refused report as it was typed."""
    plan, year, fresh, error = plan_year(request)
    context = selectors.department_overview(department=department, plan=plan, year=year, today=timezone.localdate())
    for task in context["tasks"]:
        task.draft, task.report_error = (failed[1], failed[2]) if failed and failed[0] == task.pk else (None, None)
    context |= {"fresh": fresh, "year_error": error, "years": selectors.assessed_years(plan)}
    context["may_write"] = permissions.can_write_reports(request.user, department, plan)
    return render(request, "reporting/department.html", context, status=400 if error or failed else status)


@allowed(permissions.can_read)
@plan_page
def department_page(request, pk):
    """A department head's page: its tasks and their lights, what it still owes, what awaits its
    approval, and its yearly progress reports."""
    return _render(request, _department(request, pk))


@require_POST
@allowed(permissions.can_enter_any)
@plan_page
def report_save(request, pk):
    """Saves the department's progress report on one task of the plan for a year (not in a closed plan);
    a refused text is shown again."""
    department = _department(request, pk)
    if not permissions.can_write_reports(request.user, department, request.plan):
        raise PermissionDenied
    form = ProgressReportForm(request.POST)
    if not form.is_valid():
        task_id = form.cleaned_data.get("task")
        return _render(request, department, failed=(task_id, request.POST.get("text", ""), form.messages()))
    task = get_object_or_404(Task.objects.select_related("plan"), pk=form.cleaned_data["task"], plan=request.plan)
    try:
        reports.progress_report_save(user=request.user, task=task, department=department, **_fields(form))
    except ValidationError as error:
        return _render(request, department, failed=(task.pk, form.cleaned_data["text"], " ".join(error.messages)))
    messages.success(request, _("Progress report saved."))
    year = form.cleaned_data["year"]
    url = reverse("reporting:department", args=[request.plan.slug, department.pk])
    return redirect(f"{url}?year={year}#task-{task.pk}")


def _fields(form):
    return {"year": form.cleaned_data["year"], "text": form.cleaned_data["text"]}
