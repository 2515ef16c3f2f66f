from django.urls import path

from minyi.workbench import api

urlpatterns = [
    path("<str:number>/actions/", api.OrderActions.as_view(), name="api-order-actions"),
    path("<str:number>/actions/<str:action>/", api.OrderAction.as_view(), name="api-order-action"),
]
