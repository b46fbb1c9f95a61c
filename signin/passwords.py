"""Passwords: their history, and whether a user must choose a new one before using anything else."""

from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .models import PasswordHistory

EXPIRED = "expired"
SET_BY_ADMINISTRATOR = "set_by_administrator"


def password_history_record(*, user):
    """Keeps the user's new password (its hash) and forgets those older than the policy's history."""
    PasswordHistory.objects.create(user=user, password=user.password)
    kept = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: policy.current().password_history]
    PasswordHistory.objects.filter(user=user).exclude(pk__in=list(kept)).delete()


def password_used_recently(*, user, password):
    """Whether `password` is the user's current one or one of the policy's number of earlier ones."""
    earlier = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
    hashes = list(earlier[: policy.current().password_history])
    if user.has_usable_password():
        hashes.append(user.password)  # accounts older than the history have their current password only there
    # check_password() of the module, not the user's: that one would save a rehashed password as a side effect.
    return any(check_password(password, encoded) for encoded in hashes)


def password_change_reason(user):
    """Why the user must choose a new password before going on (EXPIRED, SET_BY_ADMINISTRATOR), or None."""
    if user.password_policy_exempt or not user.has_usable_password():
        return None
    if user.must_change_password:
        return SET_BY_ADMINISTRATOR
    days = policy.current().password_max_age_days
    if days and user.password_changed_at < timezone.now() - timedelta(days=days):
        return EXPIRED
    return None


def password_change_message(reason):
    if reason == EXPIRED:
        days = policy.current().password_max_age_days
        return _("Your password is more than %(days)d days old and has expired: choose a new one to go on.") % {
            "days": days
        }
    return _("Your password was set by an administrator: choose your own password to go on.")
