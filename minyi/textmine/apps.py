from django.apps import AppConfig


class TextmineConfig(AppConfig):
    name = "minyi.textmine"
    verbose_name = "文本分析"
    default_auto_field = "django.db.models.BigAutoField"
