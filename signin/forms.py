from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class ChoosesOwnPassword:
    """A password the user chose themselves: no longer one they must change."""

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit)


class PasswordChangeForm(ChoosesOwnPassword, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(ChoosesOwnPassword, auth_forms.SetPasswordForm):
    """The new password chosen through a reset link."""


class SetByAdministrator:
    """A password an administrator set in the admin: its owner replaces it at the next sign-in."""

    def set_password_and_save(self, user, commit=True, **kwargs):
        user.must_change_password = self.cleaned_data["set_usable_password"]
        return super().set_password_and_save(user, commit=commit, **kwargs)


class AdminUserCreationForm(SetByAdministrator, auth_forms.AdminUserCreationForm):
    pass


class AdminPasswordChangeForm(SetByAdministrator, auth_forms.AdminPasswordChangeForm):
    pass


class CodeForm(forms.Form):
    """A code of the second factor: from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
