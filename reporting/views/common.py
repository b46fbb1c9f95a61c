"""What several dashboard views read the same way: the plan, the year asked for, the results' freshness."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Plan
from reporting import selectors


def plan_year(request):
    """(plan, year, freshness, error): the year from ?year= when it is one the plan assesses, else the
    latest year with results and an error to show (a page is never silently about another year)."""
    plan = Plan.objects.first()
    if plan is None:
        raise Http404(_("No plan is loaded yet."))
    fresh = selectors.freshness(now=timezone.now())
    years = selectors.assessed_years(plan)
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in years:
        return plan, int(asked), fresh, None
    error = None
    if asked:
        error = _("There is no assessment for the year %(year)s; showing %(shown)s.")
    year = selectors.default_year(plan, fresh)
    return plan, year, fresh, error and error % {"year": asked, "shown": year}
