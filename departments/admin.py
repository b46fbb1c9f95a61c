from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from signin.forms import AdminPasswordChangeForm, AdminUserCreationForm

from .models import Department, Region, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "department", "region", "is_active", "is_staff"]
    list_filter = ["groups", "department", "region", "is_active"]
    list_select_related = ["department", "region"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Unit"), {"fields": ["department", "region"]}),
        (_("Sign-in"), {"fields": ["must_change_password", "password_changed_at", "password_policy_exempt"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Unit"), {"fields": ["department", "region"]}),)
    readonly_fields = ["password_changed_at", "password_policy_exempt"]
    # A password an administrator sets, for a new account or an old one, is changed by its owner at first sign-in.
    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm

    def has_delete_permission(self, request, obj=None):
        # Figures, reviews and their history name who did them: a person who leaves is deactivated
        # (untick "active"), never deleted, so the audit trail keeps their names.
        return False
