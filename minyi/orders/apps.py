from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "minyi.orders"
    label = "orders"
    verbose_name = "工单"
