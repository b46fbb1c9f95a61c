from django.conf import settings

from indicators.models import Plan


def product(request):
    """The product's name, the plan and the demo-data banner, on every page (the login page included)."""
    plan = Plan.objects.only("document_number", "has_demo_data").first()
    return {
        "product_name": settings.PRODUCT_NAME,
        "current_plan": plan,
        "demo_data": bool(plan and plan.has_demo_data),
    }
