from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "minyi.calls"
    label = "calls"
    verbose_name = "来电"
