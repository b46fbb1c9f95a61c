from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from departments import roles
from indicators import permissions
from indicators.models import Plan
from reporting import selectors
from reporting.access import allowed
from reporting.exports import overview_workbook
from reporting.forms import OverviewFilterForm
from reporting.workbooks import overview_sheets


@allowed(permissions.can_read)
def landing(request):
    """Each role starts where its work is: leaders on the overview, heads on their department or region,
    clerks on their figures, reviewers on the review queue."""
    user, role = request.user, permissions.role_of(request.user)
    if role == roles.REVIEWER:
        return redirect("reporting:review")
    if role == roles.CLERK and user.unit:
        return redirect("reporting:entry")
    if role == roles.HEAD and user.department_id:
        return redirect("reporting:department", pk=user.department_id)
    if role == roles.HEAD and user.region_id:
        return redirect("reporting:region", pk=user.region_id)
    return redirect("reporting:overview")


def _filters(request):
    """The plan, the validated filter form, the year and the freshness of the results."""
    plan = Plan.objects.current()
    if plan is None:
        return None, None, None, None
    fresh = selectors.freshness(plan=plan, now=timezone.now())
    form = OverviewFilterForm(request.GET or None, plan=plan, years=selectors.assessed_years(plan))
    form.is_valid()
    year = getattr(form, "cleaned_data", {}).get("year") or selectors.default_year(plan, fresh)
    return plan, form, year, fresh


@allowed(permissions.can_read)
def overview(request):
    """Leadership's page: the binding targets, every indicator's light, who is behind. The filters
    re-render only the results part when htmx asks."""
    plan, form, year, fresh = _filters(request)
    if plan is None:
        return render(request, "reporting/overview.html", {"plan": None})
    status = 400 if form.errors else 200
    html = _results_html(request, plan=plan, form=form, year=year, fresh=fresh)
    if request.htmx:
        return HttpResponse(html, status=status)
    context = {"plan": plan, "form": form, "fresh": fresh, "year": year, "results": html}
    return render(request, "reporting/overview.html", context, status=status)


def _results_html(request, *, plan, form, year, fresh):
    """The results part of the overview. It changes only when a recompute run ends, so it is kept per
    run, filters, page and language (see CACHES); before any run it is rendered every time."""
    page = form.cleaned_data.get("page") if form.is_bound and "page" not in form.errors else 1
    query = _without_page(request.GET)

    def render_results():
        context = selectors.overview(plan=plan, year=year, page=page, **form.filters()) | {"query": query}
        return render_to_string("reporting/_overview_results.html", context)  # needs nothing of the request

    if fresh["last"] is None:
        return render_results()
    key = f"overview:{plan.pk}:{fresh['last'].pk}:{get_language()}:{year}:{page}:{query}"
    return cache.get_or_set(key, render_results)


@allowed(permissions.can_read)
def overview_workbook_download(request):
    """The overview with the same filters as a workbook: a summary, then one sheet per task."""
    plan, form, year, fresh = _filters(request)
    if plan is None or form.errors:
        return redirect(reverse("reporting:overview") + "?" + request.GET.urlencode())
    indicators, counts = selectors.overview_indicators(plan=plan, year=year, **form.filters())
    content = overview_workbook(
        **overview_sheets(plan=plan, year=year, indicators=indicators, counts=counts, fresh=fresh)
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="overview-{year}.xlsx"'
    return response


def _without_page(params):
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()
