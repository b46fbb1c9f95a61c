"""The security events, recorded from the signals of the code that does them (which writes no audit entry
itself): sign-in, sign-out and failures (django.contrib.auth), lockouts and their release (django-axes), users'
creation, passwords, activation and roles (the user model), second-factor enrolment (django-otp, when
installed), plans' status changes, and every change made in the Django admin (its LogEntry).

Exports are recorded by audit.decorators.audited on their views and by the export commands; unlocks by
indicators.entry.figures_unlock. API token use: the API's authentication sends `api_token_used` (below).
"""

import json
import logging

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.utils.timezone import now

from indicators.models import PlanEvent

from .context import current_request
from .models import AuditEntry
from .services import audit_record

logger = logging.getLogger("audit")
Event, Outcome = AuditEntry.Event, AuditEntry.Outcome

# The hook for the API (a later issue): its token authentication sends this on every request it lets in,
#     api_token_used.send(sender=TokenAuthentication, request=request, user=user, token="reporting-bot")
# with `token` the token's name (never its secret); the entry says who used which token, from where.
api_token_used = Signal()


def user_object(user_or_name):
    name = user_or_name if isinstance(user_or_name, str) else user_or_name.get_username()
    return f"user {name}"


# --- Sign-in, sign-out, lockouts ------------------------------------------------------------------------


def signed_in(sender, request, user, **kwargs):
    try:
        with transaction.atomic():  # a savepoint when nested: the session can still be emptied after a failure
            audit_record(event=Event.LOGIN, user=user, request=request, obj=user_object(user))
    except Exception:
        # Fail closed: no session without its record. The session is emptied before the error answers.
        if request is not None and hasattr(request, "session"):
            request.session.flush()
        raise


def sign_in_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username") or "")[:150]
    detail = {"locked_out": True} if getattr(request, "axes_locked_out", False) else {}
    audit_record(
        event=Event.LOGIN_FAILED, request=request, username=name, obj=user_object(name), outcome=Outcome.FAILURE,
        detail=detail,
    )  # fmt: skip


def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    try:
        with transaction.atomic():  # a savepoint when nested: a failure leaves the transaction usable
            audit_record(event=Event.LOGOUT, user=user, request=request, obj=user_object(user))
    except Exception:
        # Signing out goes ahead (logged at CRITICAL by audit_record): refusing it would leave a session open.
        pass


def locked_out(sender, request, username, ip_address, **kwargs):
    """django-axes refused a sign-in: the account or the address reached AXES_FAILURE_LIMIT (sent again for
    every attempt while locked)."""
    name = str(username or "")[:150]
    detail = {"ip_address": ip_address, "failures": getattr(request, "axes_failures_since_start", None)}
    audit_record(
        event=Event.LOCKOUT, request=request, username=name, obj=user_object(name), outcome=Outcome.FAILURE,
        detail=detail,
    )  # fmt: skip


def attempt_deleting(sender, instance, **kwargs):
    """Before axes forgets failed attempts: did they lock their account or address? A successful sign-in and
    the clean-up of expired attempts forget attempts that locked nothing; the admin's delete and the
    `axes_reset*` commands release a lock. All attempts of one deletion are looked at before any goes."""
    limit = get_failure_limit(None, None)
    recent = AccessAttempt.objects.filter(attempt_time__gte=now() - get_cool_off(None))
    failures = [
        recent.filter(**{field: value}).aggregate(total=Sum("failures_since_start"))["total"] or 0
        for field, value in (("username", instance.username), ("ip_address", instance.ip_address))
        if value
    ]
    instance._audit_locking = max(failures, default=0) >= limit


def attempt_deleted(sender, instance, **kwargs):
    if not getattr(instance, "_audit_locking", False):
        return
    audit_record(
        event=Event.LOCKOUT_RELEASED,
        obj=user_object(instance.username or ""),
        detail={
            "username": instance.username,
            "ip_address": instance.ip_address,
            "failures": instance.failures_since_start,
        },
    )


# --- Users ---------------------------------------------------------------------------------------------


def user_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remembers the stored password hash and activity, to tell after the save what changed."""
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. the last_login update of every sign-in
    instance._audit_before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()


def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        detail = {"active": instance.is_active, "staff": instance.is_staff, "superuser": instance.is_superuser}
        audit_record(event=Event.USER_CREATED, obj=user_object(instance), detail=detail)
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is None:
        return
    if before["password"] != instance.password and _new_password(instance, before["password"]):
        _password_changed(instance)
    if before["is_active"] and not instance.is_active:
        audit_record(event=Event.USER_DISABLED, obj=user_object(instance))
    elif not before["is_active"] and instance.is_active:
        audit_record(event=Event.USER_ENABLED, obj=user_object(instance))


def _new_password(user, old_hash):
    """A different hash is a new password unless the new raw password still matches the old hash: then it
    was only re-hashed (a stronger hasher or more iterations, at sign-in)."""
    raw = getattr(user, "_password", None)
    return raw is None or not check_password(raw, old_hash)


def _password_changed(user):
    """A reset from an e-mailed link (done by whoever holds the link: recorded as the user), or a change: by
    the user themselves, by an administrator in the admin, or by a command."""
    request = current_request()
    match = getattr(request, "resolver_match", None)
    via = match.view_name if match else ""
    if via == "password_reset_confirm":
        audit_record(event=Event.PASSWORD_RESET, user=user, obj=user_object(user), detail={"via": via})
    else:
        audit_record(event=Event.PASSWORD_CHANGED, obj=user_object(user), detail={"via": via} if via else None)


def roles_changing(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups (their roles) changed, from either side: user.groups or group.user_set."""
    if action == "pre_clear":  # the groups or users that are about to go, known only now
        related = instance.user_set if reverse else instance.groups
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return
    if action == "post_clear":
        action, pk_set = "post_remove", instance.__dict__.pop("_audit_cleared", set())
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    key = "added" if action == "post_add" else "removed"
    if reverse:  # a group gained or lost users
        for user in get_user_model()._default_manager.filter(pk__in=pk_set):
            _roles_changed(user, {key: [instance.name]})
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _roles_changed(instance, {key: names})


def _roles_changed(user, detail):
    detail["now"] = sorted(user.groups.values_list("name", flat=True))
    audit_record(event=Event.USER_ROLES_CHANGED, obj=user_object(user), detail=detail)


def device_saving(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        return
    stored = sender._default_manager.filter(pk=instance.pk)
    instance._audit_confirmed = stored.values_list("confirmed", flat=True).first()


def device_saved(sender, instance, created, raw=False, **kwargs):
    """A second factor (django-otp's TOTP device) is enrolled once it is confirmed: created confirmed, or
    confirmed later by the first valid code."""
    was_confirmed = instance.__dict__.pop("_audit_confirmed", False)
    if raw or not instance.confirmed or was_confirmed:
        return
    owner = instance.user
    audit_record(
        event=Event.SECOND_FACTOR_ENROLLED, user=owner, obj=user_object(owner),
        detail={"device": instance.name, "kind": sender._meta.label_lower},
    )  # fmt: skip


# --- Plans, the admin, the API -------------------------------------------------------------------------


def plan_event_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    audit_record(
        event=Event.PLAN_STATUS_CHANGED,
        user=instance.user,
        obj=f"plan {instance.plan.slug}",
        detail={"from": instance.from_status, "to": instance.to_status, "reason": instance.reason},
    )


ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def admin_logged(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    admin_action(instance)


def admin_action(entry):
    """One change made in the Django admin: who, add/change/delete, and what (the object as the admin named it)."""
    kind = ContentType.objects.get_for_id(entry.content_type_id) if entry.content_type_id else None
    label = f"{kind.app_label}.{kind.model}" if kind else "?"
    request = current_request()
    actor = request.user if request is not None and getattr(request.user, "pk", None) == entry.user_id else entry.user
    try:
        message = json.loads(entry.change_message or "[]")
    except ValueError:
        message = entry.change_message
    audit_record(
        event=Event.ADMIN_ACTION,
        user=actor,
        obj=f"{label} {entry.object_repr}",
        detail={
            "action": ACTIONS.get(entry.action_flag, entry.action_flag),
            "id": str(entry.object_id),
            "change": message,
        },
    )


def _log_actions_recorded(log_actions):
    """Wraps LogEntryManager.log_actions: for several objects at once (the admin's "delete selected") it
    bulk-creates its entries, which sends no post_save; those are recorded here, one audit entry each."""

    def wrapper(self, *args, **kwargs):
        entries = log_actions(self, *args, **kwargs)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                admin_action(entry)
        return entries

    wrapper.audit_wrapped = True
    return wrapper


def api_token_use(sender, request, user, token, **kwargs):
    audit_record(event=Event.API_TOKEN_USED, user=user, request=request, obj=f"token {token}")


def connect():
    """Called once by AuditConfig.ready()."""
    user_model = get_user_model()
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    pre_delete.connect(attempt_deleting, sender=AccessAttempt, dispatch_uid="audit.attempt_deleting")
    post_delete.connect(attempt_deleted, sender=AccessAttempt, dispatch_uid="audit.attempt_deleted")
    pre_save.connect(user_saving, sender=user_model, dispatch_uid="audit.user_saving")
    post_save.connect(user_saved, sender=user_model, dispatch_uid="audit.user_saved")
    m2m_changed.connect(roles_changing, sender=user_model.groups.through, dispatch_uid="audit.roles_changing")
    post_save.connect(plan_event_saved, sender=PlanEvent, dispatch_uid="audit.plan_event_saved")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="audit.admin_logged")
    if not getattr(LogEntryManager.log_actions, "audit_wrapped", False):
        LogEntryManager.log_actions = _log_actions_recorded(LogEntryManager.log_actions)
    api_token_used.connect(api_token_use, dispatch_uid="audit.api_token_use")
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        pre_save.connect(device_saving, sender=TOTPDevice, dispatch_uid="audit.device_saving")
        post_save.connect(device_saved, sender=TOTPDevice, dispatch_uid="audit.device_saved")
