from django.urls import path

from minyi.orders import api

urlpatterns = [
    path("", api.OrderList.as_view(), name="api-order-list"),
    path("<str:number>/", api.OrderDetail.as_view(), name="api-order-detail"),
    path("<str:number>/reveal/", api.RequesterReveal.as_view(), name="api-order-reveal"),
]
