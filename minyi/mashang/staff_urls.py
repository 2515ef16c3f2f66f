"""码上找代表's staff side under /work/messages/ (minyi/mashang/staff_views.py)."""

from django.urls import path

from minyi.mashang import staff_views as views

urlpatterns = [
    path("", views.message_inbox, name="message-inbox"),
    path("<int:pk>/", views.message_page, name="message-page"),
    path("<int:pk>/photos/<int:photo>/", views.message_photo, name="message-photo"),
    path("<int:pk>/<slug:action>/", views.message_action, name="message-action"),
]
