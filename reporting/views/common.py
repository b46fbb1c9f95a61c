"""What several dashboard views read the same way: the plan, the year asked for, the results' freshness."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import Plan
from reporting import params, selectors


def current_plan():
    """The latest active plan, or 404 when none is active yet (a loaded plan is a draft until activated).
    For the pages that are no plan's (entry, upload); a plan's pages read request.plan (access.plan_page)."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404(_("No plan is active yet."))
    return plan


def users_plan(user, code=None):
    """The latest active plan `user` may see, or None. With an indicator `code`: the latest active one having
    that indicator when there is one (an old bookmark of an indicator the current plan lacks)."""
    plans = permissions.readable_plans(user)
    return (code and plans.filter(tasks__indicators__code=code).current()) or plans.current()


def plan_year(request):
    """(plan, year, freshness, error) of a plan's page: the year from ?year= when it is one the plan
    assesses, else the latest year with results and an error to show (a page is never silently about
    another year)."""
    plan = request.plan
    fresh = selectors.freshness(plan=plan, now=timezone.now())
    year, refused = asked_year(request, selectors.assessed_years(plan))
    if year is not None:
        return plan, year, fresh, None
    year = selectors.default_year(plan, fresh)
    error = refused and _("There is no assessment for the year %(year)s; showing %(shown)s.")
    return plan, year, fresh, error and error % {"year": refused, "shown": year}


def asked_year(request, years):
    """(year, refused): the year of ?year= when it is one of `years`, else None and what was asked for
    (shortened; empty when nothing was asked), for the page to name it with a 400."""
    asked = request.GET.get("year", "")
    year = params.year(asked)
    if year is not None and year in years:
        return year, ""
    return None, asked[:20]
