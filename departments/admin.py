from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators import permissions
from signin.forms import AdminPasswordChangeForm, AdminUserCreationForm
from yingkou_targets.admin_site import SecurityAdmin, SecurityInline, SystemAdmin

from . import roles
from .models import Department, Region, User
from .services import user_role_set

# Roles are the fixed groups of departments.roles, given to users on the user page: no group is edited.
admin.site.unregister(Group)

# Lockouts (django-axes): the security administrator's; deleting an attempt releases the lockout.
for model, base in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base, SecurityAdmin), {}))

# Second factors (django-otp): the security administrator's too; removing a device makes its owner set up anew.
_static_tokens = type("StaticTokenInline", (otp_static_admin.StaticTokenInline, SecurityInline), {})
for model, base, extra in (
    (TOTPDevice, otp_totp_admin.TOTPDeviceAdmin, {}),
    (StaticDevice, otp_static_admin.StaticDeviceAdmin, {"inlines": [_static_tokens]}),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base, SecurityAdmin), extra))


@admin.register(Department)
class DepartmentAdmin(SystemAdmin):
    list_display = ["name", "name_en", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


@admin.register(Region)
class RegionAdmin(SystemAdmin):
    list_display = ["name", "name_en", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


class RoleForm(forms.ModelForm):
    """The security administrator's form: the one role of a user."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *roles.LABELS.items()], required=False)

    class Meta:
        model = User
        fields = []


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users: the system administrator creates them, edits their names and units and disables them; the
    security administrator gives them their role. Nobody changes their own rights, and no form shows the
    superuser flag or per-user permissions."""

    list_display = ["username", "first_name", "department", "region", "role_label", "is_active"]
    list_filter = ["groups", "department", "region", "is_active"]
    list_select_related = ["department", "region"]
    search_fields = ["username", "first_name", "last_name", "email"]
    add_fieldsets = (
        (None, {"fields": ["username", "password1", "password2"]}),
        *[(_("Unit"), {"fields": ["first_name", "email", "department", "region"]})],
    )
    PROFILE = (
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Unit"), {"fields": ["department", "region"]}),
        (_("Status"), {"fields": ["is_active", "role_label", "last_login", "date_joined"]}),
        (_("Sign-in"), {"fields": ["must_change_password", "password_changed_at", "password_policy_exempt"]}),
    )
    ROLE = ((None, {"fields": ["username", "first_name", "department", "region", "role"]}),)

    @admin.display(description=_("Role"))
    def role_label(self, user):
        return roles.LABELS.get(permissions.role_of(user), "—")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def _security(self, request):
        return permissions.can_manage_security(request.user) and not request.user.is_superuser

    def has_module_permission(self, request):
        return permissions.can_manage_users(request.user) or permissions.can_manage_security(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return permissions.can_manage_users(request.user)

    # A password an administrator sets, for a new account or an old one, is changed by its owner at first sign-in.
    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm

    def has_delete_permission(self, request, obj=None):
        # Figures, reviews and their history name who did them: a person who leaves is deactivated
        # (untick "active"), never deleted, so the audit trail keeps their names.
        return False

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and self._security(request):
            kwargs["form"] = RoleForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.ROLE if self._security(request) else self.PROFILE

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self._security(request):
            fixed = ["username", "first_name", "department", "region"]
            return fixed + (["role"] if obj.pk == request.user.pk else [])
        fixed = ["role_label", "last_login", "date_joined", "password_changed_at", "password_policy_exempt"]
        return fixed + (["is_active"] if obj.pk == request.user.pk else [])  # nobody disables themselves

    def get_object(self, request, object_id, from_field=None):
        user = super().get_object(request, object_id, from_field)
        if user is not None and user.is_superuser and not request.user.is_superuser:
            raise PermissionDenied  # the first set-up's account is no one else's to edit
        return user

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        form = context.get("adminform") and context["adminform"].form
        if obj is not None and isinstance(form, RoleForm) and not form.is_bound:
            form.initial["role"] = permissions.role_of(obj) or ""
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if isinstance(form, RoleForm):
            user_role_set(user=obj, role=form.cleaned_data["role"] or None, by=request.user)
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not isinstance(form, RoleForm):
            super().save_related(request, form, formsets, change)
