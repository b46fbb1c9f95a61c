"""The second factor: an authenticator app (TOTP, django-otp) and one-time recovery codes (django-otp's static
tokens). Who must use one, enrolment, verification and new recovery codes."""

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from departments import roles
from indicators.permissions import role_of

from . import policy

# The three administrators of GB/T 22239 (system, security and audit administrator), by their group names in
# departments.roles; role_of() gives a user in any of them that role as long as its PRECEDENCE puts them first.
ADMIN_ROLES = ("administrator", "security_administrator", "audit_administrator")
SECOND_FACTOR_ROLES = (*ADMIN_ROLES, roles.REVIEWER)
RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"  # the devices' names
RECOVERY = "recovery codes"
SESSION_HAS_DEVICE = "signin_has_device"  # session key: whether the user had a second factor at sign-in


def second_factor_required(user):
    """Administrators (and anyone who may open the admin) and reviewers sign in with a second factor; everyone
    does when the policy says so. Others may choose to."""
    if not user.is_authenticated:
        return False
    if policy.current().otp_required_for_all or user.is_superuser or user.is_staff:
        return True
    return role_of(user) in SECOND_FACTOR_ROLES


def has_authenticator(user):
    return user_has_device(user)


def second_factor_expected(request):
    """Whether this session's user had a second factor at sign-in (kept in the session rather than looked up on
    every request): who set one up uses it, even where it is optional."""
    if SESSION_HAS_DEVICE not in request.session:
        request.session[SESSION_HAS_DEVICE] = has_authenticator(request.user)
    return request.session[SESSION_HAS_DEVICE]


def second_factor_forgotten(request):
    request.session[SESSION_HAS_DEVICE] = False


def authenticator(user):
    """The user's confirmed authenticator, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(*, user):
    """The authenticator being set up: an unconfirmed one, kept until confirmed so that reloading the page shows
    the same key."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def enrolment_confirm(*, user, device, code):
    """Confirms the authenticator being set up when `code` is its current code: it replaces any earlier one,
    and new recovery codes replace the earlier ones. Returns the recovery codes, or None for a wrong code."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if device is None or not device.verify_token(normalized(code)):  # None: confirmed by a double submit
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_generate(user=user)


@transaction.atomic
def recovery_codes_generate(*, user):
    """New recovery codes for the user, replacing the earlier ones; each works once. Returns them (they are
    shown once: only the user keeps them)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user, code):
    """The device that accepts `code` (the authenticator's current code, or an unused recovery code, which is
    then used up), or None. django-otp slows down repeated failures on each device."""
    code = normalized(code)
    if not code:
        return None
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice  # recovery codes have 8 characters
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = otp_verify_token(user, device.persistent_id, code)
        if verified:
            return verified
    return None


def normalized(code):
    """The code as typed, without spaces or dashes; recovery codes in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def secret_text(device):
    """The key for typing into an app, base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The key as a QR code, an inline SVG drawn here (no image service, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")
