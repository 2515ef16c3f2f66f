from django_tasks import task

from minyi.core.housekeeping import housekeeping_monthly


@task()
def housekeeping_task() -> str:
    run = housekeeping_monthly()
    return f"{run.month}: {run.summary}" if run else "already ran this month"
