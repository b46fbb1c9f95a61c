"""The sign-in policy: every value the sign-in rules read, in one place.

Today the values come from settings (the environment, see yingkou_targets/settings.py). Callers ask `current()`
and never read those settings themselves, so an editable policy (a model the security administrator changes)
can take over here without any caller changing."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Policy:
    password_min_length: int  # characters
    password_min_classes: int  # of the 4 kinds: lower-case, upper-case, digits, symbols
    password_max_age_days: int  # after this a password must be changed; 0: passwords never expire
    password_history: int  # a new password differs from this many earlier ones (the current one included)
    session_idle_minutes: int  # a session idle this long ends; 0: never for idleness
    session_warning_minutes: int  # the page warns this long before an idle session ends
    session_single: bool  # a new sign-in ends the account's older sessions
    otp_required_for_all: bool  # everyone signs in with a second factor, not only administrators and reviewers


def current():
    """The policy in force now."""
    return Policy(
        password_min_length=settings.PASSWORD_MIN_LENGTH,
        password_min_classes=settings.PASSWORD_MIN_CLASSES,
        password_max_age_days=settings.PASSWORD_MAX_AGE_DAYS,
        password_history=settings.PASSWORD_HISTORY_COUNT,
        session_idle_minutes=settings.SESSION_IDLE_MINUTES,
        session_warning_minutes=settings.SESSION_IDLE_WARNING_MINUTES,
        session_single=settings.SESSION_SINGLE,
        otp_required_for_all=settings.OTP_REQUIRED_FOR_ALL,
    )
