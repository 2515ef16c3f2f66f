from django.apps import AppConfig


class HotissuesConfig(AppConfig):
    name = "minyi.hotissues"
    label = "hotissues"
    verbose_name = "热点问题"
