from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minyi.core"
    label = "core"
    verbose_name = "系统"
