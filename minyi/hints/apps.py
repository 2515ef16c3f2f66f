from django.apps import AppConfig


class HintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minyi.hints"
    verbose_name = "派单与受理范围提示"
