"""The bell's page, under /work/notices/."""

from django.urls import path

from minyi.notify import views

urlpatterns = [
    path("", views.notices, name="notices"),
    path("read/", views.notices_mark_read, name="notices-read"),
]
