"""The background task of the hot issues: a thin wrapper, safe to run again."""

from django_tasks import task

from minyi.hotissues.services import topic_run_compute


@task()
def topic_run_task(run_id: int) -> str:
    run = topic_run_compute(run_id=run_id)
    return f"{run_id}: {run.state if run else 'missing'}"
