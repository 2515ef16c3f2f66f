from django.urls import path

from minyi.mashang import citizen_views, views

# the fixed pages first: "<str:code>" would take their names as codes
urlpatterns = [
    path("", citizen_views.landing, name="mashang-landing"),
    path("privacy", citizen_views.privacy, name="mashang-privacy"),
    path("track", citizen_views.track, name="mashang-track"),
    path("track/rate", citizen_views.rate, name="mashang-rate"),
    path("<str:code>", views.page, name="mashang-page"),
    path("<str:code>/message", citizen_views.message, name="mashang-message"),
    path("<str:code>/qr.svg", views.qr_svg, name="mashang-qr-svg"),
    path("<str:code>/qr.png", views.qr_png, name="mashang-qr-png"),
]
