"""Background task of the clue library: a thin wrapper, safe to run again."""

from django_tasks import task

from minyi.clues.proposals import clue_proposals_scan


@task()
def clue_proposals_task() -> str:
    return str(clue_proposals_scan())
