"""Sign-in events, for the audit trail to record (Django's own user_logged_in, user_logged_out and
user_login_failed cover the password step). Every one is sent with `request` and `user`."""

from django.dispatch import Signal

second_factor_verified = Signal()  # also `device`: the authenticator or the recovery codes
second_factor_failed = Signal()
second_factor_enrolled = Signal()
recovery_codes_generated = Signal()
session_ended = Signal()  # also `reason`: signin.sessions.IDLE or ELSEWHERE; user_logged_out follows
