from django.apps import AppConfig
from django.db.models.signals import post_migrate


def rows_backfill(sender, **kwargs) -> None:
    """After ``migrate``, once the whole schema is in place: the ledger rows of the orders that
    have none (written before the ledger existed), folded from their event logs. One indexed
    anti-join when there are none."""
    from minyi.ledger.facts import rows_missing, rows_rebuild

    missing = rows_missing()
    if missing:
        rows_rebuild(missing)


class LedgerConfig(AppConfig):
    name = "minyi.ledger"
    label = "ledger"
    verbose_name = "工作台账与统计"

    def ready(self) -> None:
        post_migrate.connect(rows_backfill, sender=self, dispatch_uid="ledger_rows_backfill")
