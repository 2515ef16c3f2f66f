"""The liaison committee's suggestion queue, under /work/suggestions/."""

from django.urls import path

from minyi.suggestions import views

urlpatterns = [path("", views.suggestion_list, name="work-suggestions")]
