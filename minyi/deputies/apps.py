from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "minyi.deputies"
    label = "deputies"
    verbose_name = "人大代表"
