"""/api/schema/ and /api/docs/: for signed-in users when DEBUG is off (the schema describes
every endpoint, the CTI webhook included); public only in a DEBUG demo.

The docs are drf-spectacular's split Swagger UI: the page loads its init script from
``/api/docs/?script=`` instead of inlining it, so it runs under the site's CSP; our template
drops the package's inline <style> for a static file.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission


class SignedInUnlessDebug(BasePermission):
    message = "请先登录后查看接口文档。"

    def has_permission(self, request, view) -> bool:
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularAPIView):
    permission_classes = [SignedInUnlessDebug]


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [SignedInUnlessDebug]
    template_name = "core/swagger_ui.html"


_docs = DocsView.as_view(url_name="schema")


def docs(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The page a person opens: to the sign-in page first, then back here. (Its init script,
    ``?script=``, gets the API's 403 like the schema.)"""
    if not SignedInUnlessDebug().has_permission(request, None) and "script" not in request.GET:
        return redirect_to_login(request.get_full_path())
    return _docs(request, *args, **kwargs)
