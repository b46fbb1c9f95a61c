from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SignInConfig(AppConfig):
    name = "signin"
    verbose_name = _("Sign-in")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the sign-in signal handlers


class SecondFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose default site asks for a verified second factor (signin.admin_site); named in
    INSTALLED_APPS in its place."""

    default = False  # not the signin app's own configuration
    default_site = "signin.admin_site.SecondFactorAdminSite"
