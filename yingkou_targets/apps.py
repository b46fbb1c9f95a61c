from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin with the site split by duty (yingkou_targets.admin_site)."""

    default_site = "yingkou_targets.admin_site.PlatformAdminSite"
