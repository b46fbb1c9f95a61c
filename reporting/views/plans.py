"""Where "/" and the addresses from before plans lead: a page of the user's current plan."""

from django.shortcuts import redirect, render
from django.urls import reverse

from departments import roles
from indicators import permissions
from indicators.models import Plan
from reporting.access import allowed
from reporting.views.common import users_plan


@allowed(permissions.has_role)
def landing(request):
    """Each role starts where its work is, in the latest active plan it may see: leaders on the overview,
    heads on their department or region, clerks on their figures, reviewers on the review queue; the audit
    administrator on the audit trail and the security administrator in the admin (no plan: neither reads
    the city's figures). With no plan to see, a page that says so."""
    user, role = request.user, permissions.role_of(request.user)
    if role == roles.AUDIT_ADMINISTRATOR:
        return redirect("audit:entries")
    if role == roles.SECURITY_ADMINISTRATOR:
        return redirect("admin:index")
    plan = users_plan(user)
    if plan is None:
        return render(request, "reporting/no_plan.html", {"any_active": Plan.objects.active().exists()})
    if role == roles.REVIEWER:
        return redirect("reporting:review")
    if role == roles.CLERK and user.unit:
        return redirect("reporting:entry")
    if role == roles.HEAD and user.department_id:
        return redirect("reporting:department", slug=plan.slug, pk=user.department_id)
    if role == roles.HEAD and user.region_id:
        return redirect("reporting:region", slug=plan.slug, pk=user.region_id)
    return redirect("reporting:overview", slug=plan.slug)


@allowed(permissions.can_read)
def current_plan_page(request, page, **kwargs):
    """An address from before plans (/overview/, /indicators/<code>/, ...): the same page of the user's
    current plan, with the query string kept, so bookmarks keep working."""
    plan = users_plan(request.user, code=kwargs.get("code"))
    if plan is None:
        return redirect("reporting:landing")
    url = reverse(f"reporting:{page}", kwargs={"slug": plan.slug, **kwargs})
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)
