"""Background tasks of 码上找代表: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from minyi.mashang.services.reminders import messages_remind
from minyi.mashang.services.retention import messages_scrub


@task()
def messages_remind_task() -> str:
    return str(messages_remind())


@task()
def messages_scrub_task() -> str:
    return str(messages_scrub())
