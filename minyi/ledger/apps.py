from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "minyi.ledger"
    label = "ledger"
    verbose_name = "工作台账与统计"
