from django.urls import path

from minyi.core import views

urlpatterns = [path("", views.home, name="home")]
