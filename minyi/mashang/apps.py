from django.apps import AppConfig


class MashangConfig(AppConfig):
    name = "minyi.mashang"
    label = "mashang"
    verbose_name = "码上找代表"
