from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from audit.decorators import audited
from audit.models import AuditEntry
from indicators import entry, permissions, workbook, worklist
from indicators.figures import ImportRejected
from indicators.models import Upload
from reporting.access import allowed
from reporting.forms import UploadForm
from reporting.templatetags.reporting import problem_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUOTA_MESSAGE = gettext_lazy(
    "You have uploaded %(limit)s files in the last 24 hours, the most allowed; try again later."
)


@allowed(permissions.can_enter_any)
def upload(request):
    """Upload a figures file; it is checked and shown for confirmation before anything counts."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            created = entry.upload_create(user=request.user, filename=file.name, data=file.read())
        except ValidationError as error:
            form.add_error("file", error)
        except ImportRejected as rejected:  # refused as a whole: said here, with no preview to open
            for problem in rejected.problems:
                form.add_error("file", problem_text(problem))
        except entry.QuotaReached:
            form.add_error("file", QUOTA_MESSAGE % {"limit": settings.UPLOAD_QUOTA_PER_DAY})
        else:
            return redirect("reporting:upload-preview", pk=created.pk)
    uploads = Upload.objects.filter(user=request.user).defer("data", "rows").order_by("-uploaded_at")[:10]
    return render(
        request, "reporting/upload.html", {"form": form, "uploads": uploads}, status=400 if form.errors else 200
    )


@allowed(permissions.can_enter_any)
def upload_preview(request, pk):
    """Each row with the value it replaces and its problems; confirming imports all rows or none."""
    item = get_object_or_404(Upload.objects.defer("data"), pk=pk)
    if item.user_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        try:
            summary = entry.upload_confirm(upload=item, user=request.user)
        except (ImportRejected, ValidationError, entry.Stale) as error:
            if not isinstance(error, ImportRejected):  # a second confirmation (double click, another tab)
                messages.info(request, _("This file has been dealt with already."))
            item.refresh_from_db()
        else:
            messages.success(
                request, _("Imported: %(created)d new, %(replaced)d replaced, %(unchanged)d unchanged.") % vars(summary)
            )
            return redirect("reporting:entry")
    preview = entry.upload_preview(upload=item) if item.status != Upload.Status.IMPORTED else entry.Preview()
    return render(
        request,
        "reporting/upload_preview.html",
        {"upload": item, "preview": preview},
        status=400 if preview.problems else 200,
    )


@audited(AuditEntry.Event.EXPORT, obj="figures-template.xlsx")
@require_GET
@allowed(permissions.can_enter_any)
def upload_template(request):
    """An XLSX file listing every indicator and year the user may report, ready to fill in."""
    rows = worklist.template_rows(user=request.user, today=timezone.localdate())
    response = HttpResponse(workbook.figures_template(rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="figures-template.xlsx"'
    return response
