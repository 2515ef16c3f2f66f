from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "minyi.notify"
    label = "notify"
    verbose_name = "通知"
