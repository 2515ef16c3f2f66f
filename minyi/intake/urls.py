from django.urls import path

from minyi.intake import views

urlpatterns = [
    path("candidates/", views.console_candidates, name="intake-candidates"),
    path("orders/<str:number>/candidates/", views.order_candidates, name="intake-order-candidates"),
    path("orders/<str:number>/dismiss/", views.order_dismiss, name="intake-order-dismiss"),
    path(
        "messages/<int:pk>/candidates/", views.message_candidates, name="intake-message-candidates"
    ),
]
