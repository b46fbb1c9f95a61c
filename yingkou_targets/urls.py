from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from signin import forms as signin_forms
from signin import views as signin_views

from . import views as site_views

# The admin is a page of the product too: it carries the product's name.
admin.site.site_header = admin.site.site_title = settings.PRODUCT_NAME

urlpatterns = [
    path("accounts/login/", signin_views.Login.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A password the user chooses themselves, changed or reset, is no longer one they must change.
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=signin_forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=signin_forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    # Password change and reset by e-mail (templates/registration/); login and logout are the ones above.
    path("accounts/", include("django.contrib.auth.urls")),
    # The second factor and the session's keep-alive (signin/).
    path("accounts/", include("signin.urls")),
    path("health/", site_views.Health.as_view(), name="health"),
    path("health/web/", site_views.Health.as_view(recompute=False), name="health-web"),
    path("metrics", site_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include("reporting.urls")),
]
