"""Who: the units the plan names, the regions that carry out every task, and the people using the app."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(zh, en):
    """The English text when the interface is in English and there is one, the plan's Chinese otherwise."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh


class BilingualName:
    @property
    def display_name(self):
        return localized(self.name, self.name_en)


class Unit(BilingualName, models.Model):
    """An organisation the plan names: what departments and regions have in common."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # Other names the plan writes for the same organisation, e.g. 市发改委 for 市发改委（市能源局）.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Department(Unit):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal government department")
        PARTY = "party", _("Party organ")
        CENTRAL_PROVINCIAL = "central_provincial", _("Central or provincial unit in Yingkou")
        ENTERPRISE_INSTITUTION = "enterprise_institution", _("Enterprise or public institution")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta(Unit.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Region(Unit):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY_CITY = "county_city", _("County-level city")
        DEVELOPMENT_ZONE = "development_zone", _("Development zone or park")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta(Unit.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class User(AbstractUser):
    """A person using the platform. Belongs to one department or one region, never both."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Sign-in (see the signin app): when the password was last set, whether its owner must replace it, the
    # demo accounts' exemption from both, and which session signed in last.
    password_changed_at = models.DateTimeField(_("password changed"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("The user chooses a new password at the next sign-in before using anything else."),
    )
    password_policy_exempt = models.BooleanField(
        _("demo account"),
        default=False,
        editable=False,
        help_text=_("Demo accounts are exempt from password expiry and from the change at first sign-in."),
    )
    session_key_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True) | models.Q(region__isnull=True),
                name="user_one_department_or_region",
                violation_error_message=_("A user belongs to one department or one region, not both."),
            )
        ]

    @property
    def unit(self):
        return self.department or self.region

    def save(self, *args, **kwargs):
        # set_password() was called: a new password, not the rehash of the old one that check_password() saves.
        if self._password is not None:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
