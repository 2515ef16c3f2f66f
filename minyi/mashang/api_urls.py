"""码上找代表's public JSON API under /api/public/ (minyi/mashang/api.py)."""

from django.urls import path

from minyi.mashang import api

urlpatterns = [
    path("sms-codes", api.SmsCodes.as_view(), name="public-sms-codes"),
    path("messages", api.Messages.as_view(), name="public-messages"),
    path("messages/<str:tracking_code>", api.MessageDetail.as_view(), name="public-message"),
    path(
        "messages/<str:tracking_code>/rating",
        api.MessageRating.as_view(),
        name="public-message-rating",
    ),
]
