from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "minyi.clues"
    verbose_name = "线索库"
    default_auto_field = "django.db.models.BigAutoField"
