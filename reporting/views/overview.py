from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from audit.decorators import audited
from audit.models import AuditEntry
from indicators import permissions
from reporting import assessment, selectors
from reporting.access import allowed, plan_page
from reporting.exports import overview_workbook
from reporting.forms import OverviewFilterForm
from reporting.workbooks import overview_sheets


def _filters(request):
    """The plan, the validated filter form, the year and the freshness of the results."""
    plan = request.plan
    fresh = selectors.freshness(plan=plan, now=timezone.now())
    form = OverviewFilterForm(request.GET or None, plan=plan, years=selectors.assessed_years(plan))
    form.is_valid()
    year = getattr(form, "cleaned_data", {}).get("year") or selectors.default_year(plan, fresh)
    return plan, form, year, fresh


@allowed(permissions.can_read)
@plan_page
def overview(request):
    """Leadership's page: the binding targets, every indicator's light, who is behind. The filters
    re-render only the results part when htmx asks."""
    plan, form, year, fresh = _filters(request)
    status = 400 if form.errors else 200
    html = _results_html(request, plan=plan, form=form, year=year, fresh=fresh)
    if request.htmx:
        return HttpResponse(html, status=status)
    context = {"plan": plan, "form": form, "fresh": fresh, "year": year, "results": html}
    return render(request, "reporting/overview.html", context, status=status)


def _results_html(request, *, plan, form, year, fresh):
    """The results part of the overview. It changes only when a recompute run ends, so it is kept per
    plan, run, filters, page and language (see CACHES); before any run it is rendered every time. On the
    target year of a plan whose target year is over, each target reads met or not met (the final
    assessment's verdicts) instead of its progress against the schedule."""
    page = form.cleaned_data.get("page") if form.is_bound and "page" not in form.errors else 1
    query = _without_page(request.GET)
    final = year == plan.target_year < timezone.localdate().year

    def render_results():
        context = selectors.overview(plan=plan, year=year, page=page, **form.filters())
        context |= {"plan": plan, "query": query, "outcomes": assessment.outcomes(plan=plan) if final else None}
        return render_to_string("reporting/_overview_results.html", context)  # needs nothing of the request

    if fresh["last"] is None:
        return render_results()
    key = f"overview:{plan.pk}:{final:d}:{fresh['last'].pk}:{get_language()}:{year}:{page}:{query}"
    return cache.get_or_set(key, render_results)


@audited(AuditEntry.Event.EXPORT, obj="overview.xlsx")
@allowed(permissions.can_read)
@plan_page
def overview_workbook_download(request):
    """The overview with the same filters as a workbook: a summary, then one sheet per task."""
    plan, form, year, fresh = _filters(request)
    if form.errors:
        return redirect(reverse("reporting:overview", args=[plan.slug]) + "?" + request.GET.urlencode())
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
