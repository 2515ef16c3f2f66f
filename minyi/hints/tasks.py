"""The scheduler's job: retrain both hint models on the latest history (daily; safe to run
again: each run only adds a version)."""

from django_tasks import task

from minyi.hints.services import models_train


@task()
def hints_train_task() -> str:
    done = models_train()
    return "; ".join(
        f"{kind}: v{result.version} top1 {result.heldout_top1:.2f}"
        if hasattr(result, "version")
        else f"{kind}: {result}"
        for kind, result in done.items()
    )
