from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class SecondFactorAdminSite(admin.AdminSite):
    """The admin, open only to staff signed in with a verified second factor (django-otp), whatever the
    middleware does; signing in happens on the site's one login page (throttled, with the second factor)."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            comeback = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return redirect_to_login(comeback)
        return super().login(request, extra_context)
