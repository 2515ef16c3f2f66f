"""The admin site, for the three administrator roles only (DESIGN §1, §9).

Everyone else is turned away from every admin page with a 403 before any view runs (a
workbench role has no business here, signed in or not); an administrator then sees and may
do only their role's duties (``accounts/duties.py``). Signing in and out is the site's own
log-in page (with its lock-out and second factor), not the admin's."""

from __future__ import annotations

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse

from minyi.accounts import duties
from minyi.accounts.models import ADMIN_ROLES

REFUSED = "管理后台仅供系统管理员、安全管理员和审计管理员使用。"


def is_administrator(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", "") in ADMIN_ROLES
    )


class MinyiAdminSite(admin.AdminSite):
    site_header = "民意直通 管理后台"
    site_title = "民意直通"
    index_title = "管理后台"
    index_template = "admin/minyi/index.html"

    def has_permission(self, request) -> bool:
        from minyi.accounts import gate

        return is_administrator(request.user) and gate.passed(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not is_administrator(request.user):
                raise PermissionDenied(REFUSED)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request, extra_context=None):
        # One log-in page for the whole product: the lock-out, the second factor and the
        # audit rows are there, so the admin does not get a door of its own.
        if request.user.is_authenticated and not is_administrator(request.user):
            raise PermissionDenied(REFUSED)
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, settings.LOGIN_URL)

    def logout(self, request, extra_context=None):
        return LogoutView.as_view(next_page=settings.LOGOUT_REDIRECT_URL)(request)

    def password_change(self, request, extra_context=None):
        return redirect("account-password")

    def password_change_done(self, request, extra_context=None):
        return redirect("account-password")

    def get_urls(self):
        from minyi.adminsite.pages import security_policy

        page = path(
            "security-policy/",
            self.admin_view(security_policy(self)),
            name="security_policy",
        )
        return [page, *super().get_urls()]

    def each_context(self, request):
        context = super().each_context(request)
        context["may_read_security_policy"] = duties.may_open_page(request.user, "security_policy")
        return context

    def check(self, app_configs):
        from minyi.adminsite.base import MinyiInlineMixin, MinyiModelAdmin

        errors = list(super().check(app_configs))
        for model, model_admin in self._registry.items():
            if not isinstance(model_admin, MinyiModelAdmin):
                errors.append(
                    checks.Error(
                        f"{type(model_admin).__qualname__} for {model._meta.label} does not "
                        "inherit minyi.adminsite.base.MinyiModelAdmin (masking, lookups, duties).",
                        obj=type(model_admin),
                        id="minyi.E001",
                    )
                )
            for inline in model_admin.inlines:
                if not issubclass(inline, MinyiInlineMixin):
                    errors.append(
                        checks.Error(
                            f"{inline.__qualname__} does not inherit MinyiInlineMixin.",
                            obj=inline,
                            id="minyi.E002",
                        )
                    )
        return errors
