"""Departments' written progress reports: one text per task, department and year."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions
from .models import ProgressReport

MAX_LENGTH = 5000


@transaction.atomic
def progress_report_save(*, user, task, department, year, text):
    """Creates or replaces the department's report on a task for a year. An empty text is refused rather
    than saved: a blank report would read as "nothing done" in the annual assessment."""
    if not permissions.can_write_report(user, task, department):
        raise PermissionDenied
    plan = task.plan
    text = (text or "").strip()
    if not plan.baseline_year < year <= plan.target_year:
        raise ValidationError(
            _("Reports are written for %(start)s to %(end)s.")
            % {"start": plan.baseline_year + 1, "end": plan.target_year}
        )
    if not text:
        raise ValidationError(_("Write what was done before saving."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("At most %(count)s characters.") % {"count": MAX_LENGTH})
    report = ProgressReport.objects.select_for_update().filter(task=task, department=department, year=year).first()
    report = report or ProgressReport(task=task, department=department, year=year)
    report.text, report.updated_by = text, user
    report._history_user = user
    report.save()
    return report
