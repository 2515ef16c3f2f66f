"""Background tasks of the ledger: thin wrappers that load a row and call a service, safe to run
again."""

from django_tasks import task

from minyi.ledger.exports.services import export_job_run, exports_sweep


@task()
def export_job_run_task(job_id: str) -> str:
    job = export_job_run(job_id)
    return f"{job_id}: {job.state if job else 'missing'}"


@task()
def exports_sweep_task() -> str:
    return f"工作台账导出：删除过期文件 {exports_sweep()} 个"
