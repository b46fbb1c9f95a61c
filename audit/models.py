"""The security audit trail: one append-only table whose entries are chained by SHA-256.

Each entry's `hash` is SHA-256 over the previous entry's hash and the entry's canonical fields (see
`AuditEntry.compute_hash`), so editing, inserting or deleting an entry in the middle breaks the chain at that
point, and `manage.py audit_verify` names it. Entries are written only by `audit.services.audit_record`, which
serialises writers so the chain stays linear.

Append-only is enforced three times: the model refuses to save an existing entry or delete one (Python), no
admin page exists for it, and on PostgreSQL triggers refuse every UPDATE (but clearing `user` when that user is
deleted, as SET_NULL does: the kept `username` is what the hash covers) and any DELETE of an entry younger than
MINIMUM_KEEP_DAYS (what `manage.py audit_prune` deletes is always older). The chain does not stop someone who
can rewrite the whole table and recompute every hash: record the head hash that `audit_verify` prints elsewhere
(the operations log, a ticket) to catch that too.
"""

import hashlib
import json
from datetime import UTC

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64  # the prev_hash of the very first entry
# Entries younger than this are never deleted, whatever AUDIT_KEEP_DAYS says (the settings refuse less too):
# security logs are kept at least six months (网络安全法 第二十一条).
MINIMUM_KEEP_DAYS = 180


class AppendOnly(Exception):
    """An audit entry may only be added."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Deleting a user sets `user` to NULL on their entries (the username stays): the one update allowed.
        if kwargs == {"user": None}:
            return super().update(**kwargs)
        raise AppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit entries are deleted only by `manage.py audit_prune`.")

    def _prune(self):
        """The retention's deletion (audit.services.audit_prune): the database refuses it for young entries."""
        return models.QuerySet.delete(self)


class AuditEntry(models.Model):
    class Event(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOGOUT = "logout", _("Signed out")
        LOCKOUT = "lockout", _("Locked out")
        LOCKOUT_RELEASED = "lockout_released", _("Lockout released")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Second factor enrolled")
        USER_CREATED = "user_created", _("User created")
        USER_DISABLED = "user_disabled", _("User disabled")
        USER_ENABLED = "user_enabled", _("User enabled")
        USER_ROLES_CHANGED = "user_roles_changed", _("User roles changed")
        PLAN_STATUS_CHANGED = "plan_status_changed", _("Plan status changed")
        FIGURES_UNLOCKED = "figures_unlocked", _("Approved figures unlocked")
        EXPORT = "export", _("Data exported")
        ADMIN_ACTION = "admin_action", _("Administration change")
        AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
        AUDIT_PRUNED = "audit_pruned", _("Old audit entries deleted")
        API_TOKEN_USED = "api_token_used", _("API token used")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=45, blank=True)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    object = models.CharField(_("object"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["event", "at"], name="audit_event_at")]
        triggers = [
            pgtrigger.Protect(
                name="audit_entry_no_update",
                operation=pgtrigger.Update,
                # Refused unless the only change is `user` becoming NULL (its user was deleted: SET_NULL).
                condition=pgtrigger.Condition(
                    "OLD.user_id IS NULL OR NEW.user_id IS NOT NULL OR ("
                    "OLD.id, OLD.seq, OLD.at, OLD.username, OLD.address, OLD.event, OLD.object, OLD.outcome, "
                    "OLD.detail, OLD.prev_hash, OLD.hash) IS DISTINCT FROM ("
                    "NEW.id, NEW.seq, NEW.at, NEW.username, NEW.address, NEW.event, NEW.object, NEW.outcome, "
                    "NEW.detail, NEW.prev_hash, NEW.hash)"
                ),
            ),
            pgtrigger.Protect(
                name="audit_entry_keep_young",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition(f"OLD.at > NOW() - INTERVAL '{MINIMUM_KEEP_DAYS} days'"),
            ),
        ]

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are deleted only by `manage.py audit_prune`.")

    @property
    def detail_text(self):
        return json.dumps(self.detail, ensure_ascii=False, sort_keys=True) if self.detail else ""

    def canonical(self):
        """The fields the hash covers, as one JSON text: the same bytes on SQLite and PostgreSQL (time in UTC
        with microseconds, keys sorted). `user` is left out (it becomes NULL when the user is deleted); the
        `username` kept beside it is in."""
        fields = {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "username": self.username,
            "address": self.address,
            "event": self.event,
            "object": self.object,
            "outcome": self.outcome,
            "detail": self.detail,
        }
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self):
        return hashlib.sha256(f"{self.prev_hash}\n{self.canonical()}".encode()).hexdigest()
