from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "minyi.console"
    label = "console"
    verbose_name = "接线工作台"
