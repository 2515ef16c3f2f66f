from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "minyi.suggestions"
    label = "suggestions"
    verbose_name = "闭会期间代表建议"
