"""Sessions: one ends after the policy's idle minutes, and (with the single-session policy) when its account
signs in elsewhere. The account keeps a digest of the key of the session that signed in last."""

import hashlib
import time

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from . import policy

LAST_ACTIVITY = "signin_last_activity"  # session key: Unix time of the last request that counted as activity
TOUCH_EVERY = 60  # seconds: activity is written to the session at most this often, not on every request
IDLE = "idle"
ELSEWHERE = "elsewhere"


def key_digest(session_key):
    """What the account stores of a session key: a live key in the users table would be a way in."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def session_signed_in(*, request, user):
    """A sign-in: this session is the account's latest, and active now."""
    digest = key_digest(request.session.session_key)
    get_user_model().objects.filter(pk=user.pk).update(session_key_digest=digest)
    user.session_key_digest = digest
    request.session[LAST_ACTIVITY] = int(time.time())


def session_key_followed(*, request, key_before):
    """A signed-in session whose key changed during the request (a password change cycles it) stays the
    account's latest."""
    key = request.session.session_key
    if not key or key == key_before:
        return
    user = request.user
    if user.is_authenticated and user.session_key_digest == key_digest(key_before):
        get_user_model().objects.filter(pk=user.pk).update(session_key_digest=key_digest(key))
        user.session_key_digest = key_digest(key)


def idle_seconds_left(request):
    """Seconds before the session ends for idleness (None: it never does)."""
    minutes = policy.current().session_idle_minutes
    if not minutes:
        return None
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        return minutes * 60
    return last + minutes * 60 - int(time.time())


def session_end_reason(request):
    """Why the signed-in session must end now (IDLE, ELSEWHERE), or None."""
    left = idle_seconds_left(request)
    if left is not None and left <= 0:
        return IDLE
    stored = request.user.session_key_digest
    if policy.current().session_single and stored and stored != key_digest(request.session.session_key):
        return ELSEWHERE
    return None


def session_touch(request, *, force=False):
    """The request counts as activity (written to the session at most every TOUCH_EVERY seconds, unless forced)."""
    now = int(time.time())
    if force or now - request.session.get(LAST_ACTIVITY, 0) >= TOUCH_EVERY:
        request.session[LAST_ACTIVITY] = now


def session_end_message(reason):
    if reason == IDLE:
        minutes = policy.current().session_idle_minutes
        return _("You were signed out because your session was inactive for %(minutes)d minutes.") % {
            "minutes": minutes
        }
    return _("You were signed out because your account signed in elsewhere.")
