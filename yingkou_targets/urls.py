from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views as site_views

# The admin is a page of the product too: it carries the product's name.
admin.site.site_header = admin.site.site_title = settings.PRODUCT_NAME

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change and reset by e-mail (templates/registration/); login and logout are the ones above.
    path("accounts/", include("django.contrib.auth.urls")),
    path("health/", site_views.Health.as_view(), name="health"),
    path("health/web/", site_views.Health.as_view(recompute=False), name="health-web"),
    path("metrics", site_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include("reporting.urls")),
]
