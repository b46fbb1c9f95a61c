"""The sign-in pages beyond Django's own: the login page, the second factor (verify, set up, recovery codes)
and the session's keep-alive for the idle warning."""

import django_otp
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from departments.models import User

from . import second_factor, sessions, signals
from .forms import CodeForm


class Login(auth_views.LoginView):
    """Django's login page, which also says when the demo accounts (exempt from the password rules) exist."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        demo_accounts = User.objects.filter(password_policy_exempt=True).exists()
        return super().get_context_data(demo_accounts=demo_accounts, **kwargs)


def next_url(request):
    """Where to go after a step: the `next` the step was given when it is on this site, else the landing page."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("reporting:landing")


def with_next(name, request):
    return reverse(name) + "?" + urlencode({REDIRECT_FIELD_NAME: next_url(request)})


def wrong_code():
    # One message for every failure (wrong, used, expired, or too many attempts): it tells nothing more.
    return _("That code is not valid. Type the current code from your authenticator app, or an unused recovery code.")


@login_required
def verify(request):
    """After the password: the code of the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(next_url(request))
    if not second_factor.has_authenticator(request.user):
        return redirect(with_next("signin:enrol", request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = second_factor.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            request.session.cycle_key()  # a new key for the session's higher standing
            signals.second_factor_verified.send(sender=verify, request=request, user=request.user, device=device)
            return redirect(next_url(request))
        signals.second_factor_failed.send(sender=verify, request=request, user=request.user)
        form.add_error("code", wrong_code())
    return render(request, "signin/verify.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def enrol(request):
    """Sets up an authenticator app (a new one replaces the old): its QR code and key, confirmed with a code.
    Shows the recovery codes once when done. Who has one already gives its code first."""
    if second_factor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect(with_next("signin:verify", request))
    device = second_factor.enrolment_device(user=request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = second_factor.enrolment_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session.cycle_key()
            signals.second_factor_enrolled.send(sender=enrol, request=request, user=request.user, device=device)
            return render(request, "signin/recovery_codes.html", {"codes": codes, "next": next_url(request)})
        form.add_error("code", wrong_code())
    context = {
        "form": form,
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_text(device),
        "required": second_factor.second_factor_required(request.user),
    }
    return render(request, "signin/enrol.html", context, status=400 if form.errors else 200)


@login_required
def overview(request):
    """The user's second factor: whether it is set up, recovery codes left, and the ways to renew them."""
    context = {
        "device": second_factor.authenticator(request.user),
        "codes_left": second_factor.recovery_codes_left(request.user),
        "required": second_factor.second_factor_required(request.user),
    }
    return render(request, "signin/second_factor.html", context)


@require_POST
@login_required
def recovery_codes(request):
    """New recovery codes, replacing the earlier ones; for a user signed in with an authenticator."""
    if not (request.user.is_verified() and second_factor.has_authenticator(request.user)):
        raise PermissionDenied
    codes = second_factor.recovery_codes_generate(user=request.user)
    signals.recovery_codes_generated.send(sender=recovery_codes, request=request, user=request.user)
    return render(request, "signin/recovery_codes.html", {"codes": codes, "next": reverse("signin:second_factor")})


@require_http_methods(["GET", "POST"])
def session(request):
    """The idle warning's questions: GET, how long the session has left (not activity itself); POST, stay signed
    in (activity). An ended session answers "active": false, and the page reloads to show why (the pages of a
    session end it; this one leaves that to them, with their message)."""
    if not request.user.is_authenticated or sessions.session_end_reason(request):
        return JsonResponse({"active": False, "remaining": 0}, status=403)
    if request.method == "POST":
        sessions.session_touch(request, force=True)
    return JsonResponse({"active": True, "remaining": sessions.idle_seconds_left(request)})
