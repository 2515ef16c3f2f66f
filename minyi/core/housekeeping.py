"""The monthly housekeeping job: prune what has served its time, by age, once a month.

- finished background-task results older than 30 days;
- SMS and notices sent longer ago than ``OUTBOX_KEEP_DAYS`` (default 365);
- personal-data access-log rows older than ``ACCESS_LOG_KEEP_DAYS`` (default 730; the law asks
  for at least six months, and settings refuse less than 183);
- idempotency keys (the answer to a repeated form, minyi/core/idempotency.py) older than
  ``IDEMPOTENCY_KEEP_DAYS`` (default 7): a form left open longer than that acts again.

The ledger (order events) is never pruned.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction

from minyi.core import clock, timefmt
from minyi.core.models import HousekeepingRun, IdempotencyKey


def housekeeping_monthly(*, force: bool = False) -> HousekeepingRun | None:
    """Run this month's housekeeping unless it already ran; returns the run, or None."""
    from minyi.notify.models import OutboxMessage
    from minyi.privacy.models import PersonalDataAccess

    now = clock.now()
    month = timefmt.month_text(now)
    keep = settings.MINYI
    try:
        with transaction.atomic():
            run, created = HousekeepingRun.objects.get_or_create(month=month, defaults={"at": now})
            if not created and not force:
                return None
            sent_before = now - timedelta(days=keep["OUTBOX_KEEP_DAYS"])
            seen_before = now - timedelta(days=keep["ACCESS_LOG_KEEP_DAYS"])
            keyed_before = now - timedelta(days=keep["IDEMPOTENCY_KEEP_DAYS"])
            summary = {
                "outbox": OutboxMessage.objects.filter(
                    status="sent", sent_at__lt=sent_before
                ).delete()[0],
                "access_log": PersonalDataAccess.objects.filter(at__lt=seen_before).prune(),
                "idempotency_keys": IdempotencyKey.objects.filter(
                    created_at__lt=keyed_before
                ).delete()[0],
            }
            run.at, run.summary = now, summary
            run.save(update_fields=["at", "summary"])
    except IntegrityError:  # another worker took this month's run at the same moment
        return None
    out = io.StringIO()
    call_command("prune_db_task_results", min_age_days=30, stdout=out)
    run.summary = {**run.summary, "task_results": out.getvalue().strip()}
    run.save(update_fields=["summary"])
    return run
