"""Background tasks: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from minyi.orders.services.sla import sla_scan
from minyi.orders.services.tracking import tracking_scan


@task()
def sla_scan_task() -> str:
    return str(sla_scan())


@task()
def tracking_scan_task() -> str:
    return str(tracking_scan())
