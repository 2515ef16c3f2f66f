from django.urls import path

from minyi.accounts import views

urlpatterns = [
    path("password/", views.password_change, name="account-password"),
    path("phone-login/", views.phone_login_page, name="phone-login"),
    path("2fa/setup/", views.two_factor_setup, name="account-2fa-setup"),
    path("2fa/verify/", views.two_factor_verify, name="account-2fa-verify"),
]
