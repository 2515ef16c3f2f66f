"""Background task of the duplicate check: catch the index up with the orders recorded by any
channel (safe to run twice: the cursor row is locked)."""

from django_tasks import task

from minyi.intake.services import intake_catch_up


@task()
def intake_catch_up_task() -> str:
    return str(intake_catch_up())
