"""The order detail page and its actions, under /work/orders/."""

from django.urls import path

from minyi.workbench import action_views, detail_views

urlpatterns = [
    path("_departments/", detail_views.department_options, name="order-departments"),
    path("<str:number>/", detail_views.order_detail, name="order-detail"),
    path("<str:number>/print/", detail_views.order_print, name="order-print"),
    path("<str:number>/reveal/", detail_views.order_reveal, name="order-reveal"),
    path(
        "<str:number>/attachments/<int:pk>/",
        detail_views.attachment_download,
        name="order-attachment",
    ),
    path("<str:number>/<slug:action>/", action_views.order_action, name="order-action"),
]
