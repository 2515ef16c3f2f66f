from django.urls import path

from minyi.calls import api

urlpatterns = [
    path("events", api.CtiEvents.as_view(), name="cti-events"),
]
