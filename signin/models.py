from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """A password a user had, as its hash: a new password may not be one of the last few (signin.validators)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
