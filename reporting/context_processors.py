from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from indicators import permissions
from indicators.models import Indicator, Plan
from reporting import assessment

# A plan's pages that every plan has, addressed the same way apart from the slug.
SAME_IN_EVERY_PLAN = {"overview", "report", "completeness", "department", "region"}
LATEST_FIRST = ("-baseline_year", "-adopted_on", "-pk")


def product(request):
    """The product's name, the plan, the plan switcher, the banners and what the user's role may open, on
    every page (the login page included).

    `plan` is the page's plan (request.plan, set by access.plan_page) or, on pages that are no plan's, the
    latest active plan the user may see; `plan_menu` carries the same plan for the header (which a view's
    own `plan` cannot change) and the plans the user may see, each with the address of this page in it."""
    user = getattr(request, "user", None)
    name, kwargs = _page(request)
    plans = permissions.readable_plans(user) if user else Plan.objects.none()
    if name == "indicator":  # which plans have this indicator, on the same query
        plans = plans.annotate(
            has_page=Exists(Indicator.objects.filter(task__plan=OuterRef("pk"), code=kwargs["code"]))
        )
    plans = list(plans.order_by(*LATEST_FIRST))
    plan = getattr(request, "plan", None) or next((p for p in plans if p.status == Plan.Status.ACTIVE), None)
    if plan is None and not (user and user.is_authenticated):
        plan = Plan.objects.current()  # the login page says what the demo deployment is
    return {
        "product_name": settings.PRODUCT_NAME,
        "plan": plan,
        "plan_menu": {"plan": plan, "entries": _entries(name, kwargs, plans, plan)},
        # The plan's final assessment opens once its target year's figures are due.
        "assessment_due": bool(plan and assessment.is_due(plan, timezone.localdate())),
        "may_enter": bool(user and permissions.can_enter_any(user)),
        "may_review": bool(user and permissions.can_review_any(user)),
        "may_read": bool(user and permissions.can_read(user)),
        "may_recompute": bool(user and permissions.can_recompute(user)),
        "may_audit": bool(user and permissions.can_audit(user)),
    }


def _page(request):
    """(name, arguments but the slug) of a plan's page, the form posts counted as the page they re-show;
    (None, {}) for any other page."""
    match = getattr(request, "resolver_match", None)
    if not (match and match.namespace == "reporting" and "slug" in match.kwargs):
        return None, {}
    name = {"report-save": "department", "indicator-unlock": "indicator"}.get(match.url_name, match.url_name)
    return name, {key: value for key, value in match.kwargs.items() if key != "slug"}


def _entries(name, kwargs, plans, current):
    """(plan, address, is current) for the switcher: this kind of page in each plan, or its overview
    when that plan has no such page (an indicator it lacks, an assessment not yet open)."""
    today = timezone.localdate()
    entries = []
    for plan in plans:
        same = (
            name in SAME_IN_EVERY_PLAN
            or (name == "indicator" and getattr(plan, "has_page", False))
            or (name == "assessment" and assessment.is_due(plan, today))
        )
        address = reverse(f"reporting:{name}", kwargs={"slug": plan.slug, **kwargs}) if same else None
        entries.append((plan, address or reverse("reporting:overview", args=[plan.slug]), plan == current))
    return entries
