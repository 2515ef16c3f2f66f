"""Background tasks: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from minyi.orders.services.sla import sla_scan


@task()
def sla_scan_task() -> str:
    return str(sla_scan())
