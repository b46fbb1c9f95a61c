from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("second-factor/", views.overview, name="second_factor"),
    path("second-factor/verify/", views.verify, name="verify"),
    path("second-factor/set-up/", views.enrol, name="enrol"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("session/", views.session, name="session"),
]
