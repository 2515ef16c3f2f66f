"""The pages of liaison stations and the city/county liaison body, under /work/messages/ (the
shared inbox and a message's page are ``staff_urls``)."""

from django.urls import path

from minyi.mashang import station_views as views

urlpatterns = [
    path("deputies/", views.deputies_waiting, name="mashang-deputies"),
    path("stats/", views.stats, name="mashang-stats"),
    path("blocked/", views.blocked_list, name="mashang-blocked"),
    path("blocked/<int:block_id>/lift/", views.blocked_lift, name="mashang-blocked-lift"),
]
