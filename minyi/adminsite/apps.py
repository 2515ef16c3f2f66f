from django.contrib.admin.apps import AdminConfig


class MinyiAdminConfig(AdminConfig):
    """django.contrib.admin with our site as ``admin.site``: every ``@admin.register`` lands
    on the site that admits administrators only."""

    default_site = "minyi.adminsite.site.MinyiAdminSite"
