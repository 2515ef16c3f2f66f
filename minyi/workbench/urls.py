"""Workbench pages: the role queues (list_urls) and the order detail with its actions (detail_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("minyi.workbench.list_urls")),
    path("orders/", include("minyi.workbench.detail_urls")),
]
