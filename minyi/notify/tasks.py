"""Background tasks: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from .services import outbox_send, outbox_send_batch, outbox_sweep, warning_notices_collect


@task()
def outbox_send_task(message_id: int) -> str:
    """One message (the tasks queued before messages were sent in batches)."""
    return str(outbox_send(message_id))


@task()
def outbox_send_batch_task(message_ids: list[int]) -> str:
    """The messages one transaction wrote, in one task (``services.send_after_commit``)."""
    return str(outbox_send_batch(message_ids))


@task()
def outbox_sweep_task() -> str:
    notices = warning_notices_collect()
    return f"预警通知 {notices} 条；{outbox_sweep()}"
