"""Sign-in rules applied to every request of a signed-in user, in this order:
1. a session idle too long, or replaced by a sign-in elsewhere, ends, and the login page says why;
2. a user who must use a second factor (or has one) gives it before anything else, or sets one up;
3. a user whose password expired or was set by an administrator chooses a new one.
The pages of each step, logout, the language switch and the health checks stay reachable."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from . import passwords, second_factor, sessions, signals

UNCHECKED = {"health", "health-web", "metrics", "signin:session"}  # the session page checks for itself
OPEN = {"logout", "set_language"}
SECOND_FACTOR_PAGES = {"signin:verify", "signin:enrol"}
PASSWORD_PAGES = {"password_change", "password_change_done", *SECOND_FACTOR_PAGES}


class SignInMiddleware:
    """Put it after django_otp's OTPMiddleware (is_verified) and Django's MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key_before = request.session.session_key
        response = self.get_response(request)
        sessions.session_key_followed(request=request, key_before=key_before)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        name = request.resolver_match.view_name
        if name in UNCHECKED:
            return None
        reason = sessions.session_end_reason(request)
        if reason:
            return self.end(request, reason)
        sessions.session_touch(request)
        if name in OPEN:
            return None
        if name not in SECOND_FACTOR_PAGES and (step := self.second_factor_step(request)):
            return self.go(request, step)
        if name not in PASSWORD_PAGES and (reason := passwords.password_change_reason(request.user)):
            messages.warning(request, passwords.password_change_message(reason))
            return self.go(request, "password_change")
        return None

    @staticmethod
    def second_factor_step(request):
        """The page of the second factor the user must pass now, or None."""
        user = request.user
        if user.is_verified():
            return None
        required = second_factor.second_factor_required(user)
        if required or second_factor.second_factor_expected(request):
            if second_factor.has_authenticator(user):
                return "signin:verify"
            if required:
                return "signin:enrol"
            second_factor.second_factor_forgotten(request)  # removed since sign-in (by an administrator)
        return None

    def end(self, request, reason):
        user = request.user
        logout(request)
        signals.session_ended.send(sender=self.__class__, request=request, user=user, reason=reason)
        messages.warning(request, sessions.session_end_message(reason))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("login"))
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect("login")

    def go(self, request, name):
        """To a sign-in step; from a page (not a form post or a partial), back there afterwards."""
        url = reverse(name)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)
