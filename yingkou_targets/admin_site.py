"""The admin, split by duty (三员分立): each model's pages belong to one administrator role, checked here by
role rather than by Django's per-model permissions, so that no grant in the database can mix the duties.
A superuser (the first set-up only) passes every check; the audit administrator has no admin pages at all."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from indicators import permissions
from signin.admin_site import SecondFactorAdminSite


class PlatformAdminSite(SecondFactorAdminSite):
    """Staff with a verified second factor (SecondFactorAdminSite) and a system or security duty."""

    def has_permission(self, request):
        return super().has_permission(request) and self.has_duty(request.user)

    @staticmethod
    def has_duty(user):
        return permissions.can_manage_users(user) or permissions.can_manage_security(user)

    def admin_view(self, view, cacheable=False):
        """A signed-in user without admin duties gets 403, not the admin's login form again."""
        wrapped = super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            # No admin duty: 403. An administrator not yet verified: the default, to the second factor.
            if request.user.is_authenticated and not self.has_duty(request.user):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return checked


class DutyAdmin(admin.ModelAdmin):
    """A model's admin pages for one duty: `on_duty(user)` decides view, add, change and delete alike;
    subclasses may refuse more (read-only records), never allow more."""

    on_duty = staticmethod(permissions.can_manage_users)

    def _on_duty(self, request):
        return self.on_duty(request.user)

    def has_module_permission(self, request):
        return self._on_duty(request)

    def has_view_permission(self, request, obj=None):
        return self._on_duty(request)

    def has_add_permission(self, request):
        return self._on_duty(request)

    def has_change_permission(self, request, obj=None):
        return self._on_duty(request)

    def has_delete_permission(self, request, obj=None):
        return self._on_duty(request)


class DutyInline(admin.TabularInline):
    on_duty = staticmethod(permissions.can_manage_users)

    def has_view_permission(self, request, obj=None):
        return self.on_duty(request.user)

    def has_add_permission(self, request, obj=None):
        return self.on_duty(request.user)

    def has_change_permission(self, request, obj=None):
        return self.on_duty(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.on_duty(request.user)


class SystemInline(DutyInline):
    pass


class SecurityInline(DutyInline):
    on_duty = staticmethod(permissions.can_manage_security)


class SystemAdmin(DutyAdmin):
    """Users, departments, regions and plan data: the system administrator's."""


class SecurityAdmin(DutyAdmin):
    """Roles, lockouts, second factors and the password policy: the security administrator's."""

    on_duty = staticmethod(permissions.can_manage_security)
