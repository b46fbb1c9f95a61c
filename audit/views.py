"""The audit administrator's page: the trail, searched, paged and exported. Nobody else may open it."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators import permissions
from reporting.access import allowed

from . import selectors
from .exports import audit_csv
from .forms import AuditFilterForm
from .models import AuditEntry
from .services import audit_record


@require_GET
@allowed(permissions.can_audit)
def entries(request):
    """Newest first, searchable by user name, event and dates; a search that cannot be read is a 400."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/entries.html", {"form": form}, status=400)
    page = selectors.audit_page(page=form.page_number(), **form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "entries": page.object_list, "query": query.urlencode()}
    return render(request, "audit/entries.html", context)


@require_GET
@allowed(permissions.can_audit)
def export(request):
    """The entries of the search as CSV. The export is itself recorded, before the file is sent; the file
    holds the entries that existed when it was asked for (not its own)."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/entries.html", {"form": form}, status=400)
    found = selectors.audit_entries(**form.filters())
    recorded = audit_record(
        event=AuditEntry.Event.AUDIT_EXPORTED, request=request, obj="audit.csv",
        detail={"search": form.filters(), "entries": found.count()},
    )  # fmt: skip
    rows = audit_csv(found.filter(seq__lt=recorded.seq))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
