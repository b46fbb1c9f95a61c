"""@audited: an export view records who downloaded what."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import AuditEntry
from .services import audit_record


def audited(event, *, obj):
    """Records `event` about `obj` (e.g. "overview.xlsx"; prefixed with "plan <slug>" on a plan's pages) once
    the view answered 200, before the response leaves: if the entry cannot be written the download is not
    served (audit.services). A refusal (403) is recorded as a failure. Put it outermost, above `allowed`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            name = f"plan {kwargs['slug']} {obj}" if "slug" in kwargs else obj
            detail = {"path": request.get_full_path()[:500]}
            try:
                response = view(request, *args, **kwargs)
            except PermissionDenied:
                audit_record(event=event, request=request, obj=name, outcome=AuditEntry.Outcome.FAILURE, detail=detail)
                raise
            if response.status_code == 200:
                audit_record(event=event, request=request, obj=name, detail=detail)
            return response

        return wrapper

    return decorator
