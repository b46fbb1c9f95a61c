from django.conf import settings

from indicators.models import Plan


def product(request):
    """The product's name and the demo-data banner, on every page (the login page included)."""
    return {
        "product_name": settings.PRODUCT_NAME,
        "demo_data": Plan.objects.filter(has_demo_data=True).exists(),
    }
