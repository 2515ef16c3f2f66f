"""``/work/hints/``: the accuracy page and the form panels (minyi/hints/views.py)."""

from django.urls import path

from minyi.hints import views

urlpatterns = [
    path("", views.accuracy, name="hints"),
    path("intake/", views.intake_panel, name="hints-intake"),
    path("categories/", views.pick_category, name="hints-pick-category"),
    path("orders/<str:number>/", views.order_panel, name="hints-order"),
    path("orders/<str:number>/lead/", views.pick_department, name="hints-pick-department"),
]
