from django.conf import settings
from django.utils import timezone

from indicators import permissions
from indicators.models import Plan


def product(request):
    """The product's name, the plan, the demo-data banner and what the user's role may open, on every
    page (the login page included)."""
    plan = Plan.objects.only(
        "document_number", "slug", "has_demo_data", "fictional", "target_year", "report_due_month", "report_due_day"
    ).current()
    user = getattr(request, "user", None)
    return {
        "product_name": settings.PRODUCT_NAME,
        "current_plan": plan,
        "demo_data": bool(plan and plan.has_demo_data),
        # The plan's final assessment opens once its target year's figures are due.
        "assessment_due": bool(plan and timezone.localdate() >= plan.report_deadline(plan.target_year)),
        "may_enter": bool(user and permissions.can_enter_any(user)),
        "may_review": bool(user and permissions.can_review_any(user)),
        "may_read": bool(user and permissions.can_read(user)),
        "may_recompute": bool(user and permissions.can_recompute(user)),
    }
