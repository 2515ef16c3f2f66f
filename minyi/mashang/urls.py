from django.urls import path

from minyi.mashang import views

urlpatterns = [
    path("<str:code>", views.page, name="mashang-page"),
    path("<str:code>/qr.svg", views.qr_svg, name="mashang-qr-svg"),
    path("<str:code>/qr.png", views.qr_png, name="mashang-qr-png"),
]
