"""Exports of the ledger: written at once when small, by the worker when long (ExportJob).

- ``export_write`` streams the filtered rows (``.iterator(chunk_size=CHUNK_SIZE)``) through the
  privacy rule into the xlsx or the PDF writer: 100,000 rows never sit in memory together.
- ``export_job_create`` records a long export (the view calls it under an idempotency key) and
  enqueues ``export_job_run`` after the commit; ``export_job_run`` (the worker's task) claims
  the job, writes ``MEDIA_ROOT/exports/<id>.<ext>`` through a temporary file and marks it done.
  Running it again (a retry) rewrites the same file; a done job is left alone.
- ``exports_sweep`` (daily, from the scheduler) deletes the jobs and files older than
  ``KEEP_DAYS``.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from minyi.core import clock, timefmt
from minyi.core.dbrouter import reading_from_replica
from minyi.ledger.exports.pdf import write_pdf
from minyi.ledger.exports.summary import summary_of
from minyi.ledger.exports.xlsx import write_xlsx
from minyi.ledger.filters import LedgerFilterForm, describe
from minyi.ledger.models import ExportFormat, ExportJob, ExportState
from minyi.ledger.selectors import ledger_rows, stream

CHUNK_SIZE = 2000
# a running job not finished after this is taken as dead (its worker stopped)
RUNNING_LEASE = timedelta(hours=2)
KEEP_DAYS = 7
WRITERS = {ExportFormat.XLSX: write_xlsx, ExportFormat.PDF: write_pdf}
CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}


class ExportRefused(ValueError):
    """The job's filter no longer reads (a department deleted since): the job fails."""


def inline_rows() -> int:
    """Up to this many rows an export downloads at once; more go to the worker."""
    return int(getattr(settings, "MINYI_LEDGER_EXPORT_INLINE_ROWS", 5000))


def filters_from(params: dict) -> dict:
    """The cleaned filter of stored or posted ``params`` (``ExportRefused`` when invalid)."""
    form = LedgerFilterForm(params)
    if not form.is_valid():
        raise ExportRefused("筛选条件有误。")
    return form.cleaned_data


def title_of(data: dict, now: datetime) -> str:
    return f"{describe(data)}（导出时间 {timefmt.local_text(now)}）"


def file_name(format: str, now: datetime) -> str:
    return f"工作台账-{timefmt.compact_day(now)}.{format}"


def export_write(
    out: BinaryIO | str,
    *,
    user,
    data: dict,
    format: str,
    now: datetime,
    progress=None,
) -> int:
    """Write the ledger of ``data`` as ``user`` may read it to ``out``; returns the rows."""
    rows = ledger_rows(user, data, now=now)
    summary = summary_of(rows, now=now)
    return WRITERS[ExportFormat(format)](
        out,
        stream(rows, user, chunk_size=CHUNK_SIZE),
        title=title_of(data, now),
        summary=summary,
        progress=progress,
    )


def export_job_create(*, user, format: str, params: dict, rows_total: int) -> ExportJob:
    """A long export for the worker (the view runs this under the form's idempotency key)."""
    job = ExportJob.objects.create(
        user=user,
        format=ExportFormat(format),
        params=params,
        rows_total=rows_total,
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def _enqueue(pk) -> None:
    from minyi.ledger.tasks import export_job_run_task

    export_job_run_task.enqueue(str(pk))


def export_path(job: ExportJob) -> tuple[str, Path]:
    name = f"exports/{job.pk}.{job.format}"
    return name, Path(settings.MEDIA_ROOT) / name


def export_job_run(job_id) -> ExportJob | None:
    """Run one export job (the worker's task; safe to run again).

    1. claim it: a queued (or a running job whose worker died) becomes running; a done or
       failed job, or a missing one, is left alone;
    2. write the file under a temporary name, reporting progress every 2,000 rows, with the
       filter and the time the user asked (``created_at``: the same rows the page counted);
    3. move it into place and mark the job done; on an error, failed with the reason.
    """
    now = clock.now()
    # a running job is taken over only when its lease has run out (its worker died): two live
    # workers never write the same job
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(state=ExportState.QUEUED)
            | Q(state=ExportState.RUNNING, started_at__lt=now - RUNNING_LEASE)
        )
        .update(state=ExportState.RUNNING, started_at=now, rows_done=0)
    )
    if not claimed:
        return ExportJob.objects.filter(pk=job_id).first()
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    name, path = export_path(job)
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.part")
    try:
        data = filters_from(job.params)
        path.parent.mkdir(parents=True, exist_ok=True)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        # the rows from the replica when there is one (minyi/core/dbrouter.py); the job's own
        # rows above and below are written to the primary
        with open(partial, "wb") as out, reading_from_replica():
            written = export_write(
                out,
                user=job.user,
                data=data,
                format=job.format,
                now=job.created_at,
                progress=progress,
            )
        os.replace(partial, path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error=str(error)[:1000], finished_at=clock.now()
        )
        if isinstance(error, ExportRefused):
            return ExportJob.objects.get(pk=job.pk)
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE,
        file=name,
        rows_done=written,
        rows_total=written,
        finished_at=clock.now(),
    )
    return ExportJob.objects.get(pk=job.pk)


def exports_sweep(now: datetime | None = None) -> int:
    """Delete the export jobs older than ``KEEP_DAYS`` and their files; returns how many."""
    now = now or clock.now()
    cutoff = now - timedelta(days=KEEP_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff).exclude(
        state=ExportState.RUNNING, started_at__gte=now - RUNNING_LEASE
    )
    count = 0
    for job in old.iterator(chunk_size=500):
        _, path = export_path(job)
        path.unlink(missing_ok=True)
        for partial in path.parent.glob(f"{path.name}.*.part"):  # a dead worker's half file
            partial.unlink(missing_ok=True)
        job.delete()
        count += 1
    # a job whose worker died and was never run again: failed, so its page stops waiting
    ExportJob.objects.filter(state=ExportState.RUNNING, started_at__lt=now - RUNNING_LEASE).update(
        state=ExportState.FAILED, error="导出中断（后台进程已停止），请重新导出。", finished_at=now
    )
    return count
