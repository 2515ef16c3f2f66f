"""Background tasks: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from .services import outbox_send, outbox_sweep, warning_notices_collect


@task()
def outbox_send_task(message_id: int) -> str:
    return str(outbox_send(message_id))


@task()
def outbox_sweep_task() -> str:
    notices = warning_notices_collect()
    return f"预警通知 {notices} 条；{outbox_sweep()}"
