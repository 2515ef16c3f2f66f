from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "minyi.intake"
    label = "intake"
    verbose_name = "重复诉求并单"
