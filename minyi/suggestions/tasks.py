"""Background tasks: thin wrappers that call a service, safe to run again."""

from django_tasks import task

from minyi.suggestions.services.deadlines import suggestion_deadline_scan


@task()
def suggestion_deadlines_task() -> str:
    return str(suggestion_deadline_scan())
