from django.urls import path

from minyi.accounts import views as accounts
from minyi.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
]
