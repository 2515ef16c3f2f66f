"""The statistics pages, under /work/stats/ (minyi/ledger/stats_views.py)."""

from django.urls import path

from minyi.ledger import stats_views as views

urlpatterns = [
    path("", views.stats_dashboard, name="stats-dashboard"),
    path("departments/", views.stats_departments, name="stats-departments"),
    path("deputies/", views.stats_deputies, name="stats-deputies"),
]
