"""The hot-issues pages, under /work/hot/ (minyi/hotissues/views.py)."""

from django.urls import path

from minyi.hotissues import views

urlpatterns = [
    path("", views.hot_issues, name="hot-issues"),
    path("runs/<int:run_id>/", views.run_state, name="hot-run-state"),
    path("runs/<int:run_id>/topics/<int:topic_id>/", views.hot_topic, name="hot-topic"),
]
