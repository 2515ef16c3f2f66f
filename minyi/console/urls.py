from django.urls import path

from minyi.console import views

urlpatterns = [
    path("", views.console, name="console"),
    path("events/", views.events, name="console-events"),
    path("today/", views.today, name="console-today"),
    path("lookup/", views.lookup, name="console-lookup"),
    path("intake/", views.intake, name="console-intake"),
    path("intake/lookup/", views.intake_from_lookup, name="console-intake-lookup"),
    path("calls/<str:call_id>/done/", views.missed_call_done, name="console-call-done"),
    path("deputy-orders/<str:number>/", views.deputy_order, name="console-deputy-order"),
    path("orders/<str:number>/", views.order_next, name="console-order"),
    path("orders/<str:number>/<slug:action>/", views.order_act, name="console-action"),
]
