"""Password rules (AUTH_PASSWORD_VALIDATORS), read from the sign-in policy (signin.policy): length and kinds of
characters, not the user name, not one of the last few passwords."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import policy
from .passwords import password_history_record, password_used_recently

KINDS = (str.islower, str.isupper, str.isdigit)


def character_kinds(password):
    """How many of the 4 kinds the password uses: lower-case letters, upper-case letters, digits, and symbols
    (anything else, a space or a Chinese character included)."""
    found = {next((n for n, kind in enumerate(KINDS) if kind(char)), len(KINDS)) for char in password}
    return len(found)


class LengthAndKindsValidator:
    """At least the policy's number of characters, from at least its number of the 4 kinds."""

    def validate(self, password, user=None):
        rules, errors = policy.current(), []
        if len(password) < rules.password_min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "This password is too short: use at least %(min_length)d character.",
                        "This password is too short: use at least %(min_length)d characters.",
                        rules.password_min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": rules.password_min_length},
                )
            )
        if character_kinds(password) < rules.password_min_classes:
            errors.append(
                ValidationError(
                    _(
                        "This password has too few kinds of characters: mix at least %(min_classes)d of lower-case "
                        "letters, upper-case letters, digits and symbols."
                    ),
                    code="password_too_few_kinds",
                    params={"min_classes": rules.password_min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        rules = policy.current()
        return _(
            "At least %(min_length)d characters, mixing at least %(min_classes)d of the 4 kinds: lower-case letters, "
            "upper-case letters, digits, symbols."
        ) % {"min_length": rules.password_min_length, "min_classes": rules.password_min_classes}


class NoUsernameValidator:
    """The password does not contain the user name, in any case."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if username and username.casefold() in password.casefold():
            raise ValidationError(_("This password contains your user name."), code="password_contains_username")

    def get_help_text(self):
        return _("It must not contain your user name.")


class HistoryValidator:
    """Not the current password nor one of the policy's number of earlier ones; keeps each new password's hash."""

    def validate(self, password, user=None):
        if user is not None and user.pk and password_used_recently(user=user, password=password):
            count = policy.current().password_history
            raise ValidationError(
                ngettext(
                    "You used this password recently: choose one different from your last %(count)d password.",
                    "You used this password recently: choose one different from your last %(count)d passwords.",
                    count,
                ),
                code="password_reused",
                params={"count": count},
            )

    def password_changed(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password():
            password_history_record(user=user)

    def get_help_text(self):
        count = policy.current().password_history
        return ngettext(
            "It must differ from your last %(count)d password.",
            "It must differ from your last %(count)d passwords.",
            count,
        ) % {"count": count}
