"""The outbox: write messages with the action that causes them, then deliver each once.

1. ``outbox_write_for_event`` runs inside the action's transaction (called by
   ``orders.services.common.record_event``): the rows commit or roll back with the action, and
   after commit a task is queued to send each one at once.
2. ``outbox_send`` claims one row with a conditional UPDATE (pending and due, or sending with
   an expired lease) for ``LEASE_SECONDS``, calls the backend with the row's idempotency key,
   then records the result — only if the lease is still its own (``attempts`` is the fence).
3. ``outbox_sweep`` (every ~30 s from the scheduler) sends what the immediate tasks missed:
   rows whose task was lost, whose worker died mid-send, or that wait for a retry.

A worker killed between the provider call and step 2's record leaves the row ``sending``; once
the lease expires the sweep sends it again with the same key, and a provider that deduplicates
by the key delivers it once (tests/notify/test_worker_crash.py).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from minyi.core import clock, metrics
from minyi.orders.models import EventKind, OrderEvent
from minyi.reference.snapshots import snapshot

from . import rules, texts
from .backends import SendError, Sms, get_backend
from .models import (
    MessageChannel,
    MessageTemplate,
    Notice,
    OutboxMessage,
    OutboxStatus,
    WarningCursor,
)

log = logging.getLogger(__name__)

# How far back the warning collector looks again: longer than an SLA-scan batch can take to
# commit, so a warning event committed late (with an earlier ``at``) is still found.
WARNING_MARGIN = timedelta(minutes=15)
SWEEP_BATCH = 200


def _config(name: str):
    return settings.MINYI_SMS[name]


# -- writing ------------------------------------------------------------------------------------


def templates() -> dict[str, MessageTemplate]:
    """Every message template by code, as this process keeps them (``reference.snapshots``:
    read again after any template is saved or deleted, in any process)."""
    return snapshot("message_templates", lambda: {t.code: t for t in MessageTemplate.objects.all()})


def outbox_write_for_event(event: OrderEvent) -> list[int]:
    """Write the messages ``event`` causes (``rules.drafts_for``) and queue them for sending after
    commit. Safe to call twice for one event: the idempotency key (event, template, recipient)
    makes the second call write nothing. Returns the ids of the rows this call wrote."""
    return outbox_write(
        rules.drafts_for(event), key=f"ev{event.pk}", order_id=event.order_id, event=event
    )


def outbox_write_for_events(events: list[OrderEvent]) -> list[int]:
    """The messages of events an action has just written (``record_events``), in one INSERT,
    queued for sending after commit. Nothing can hold their keys yet (the events are new and
    uncommitted, out of every other transaction's sight: the warning collector's included), so
    nothing is looked up first. Returns the ids of the rows written."""
    rows = [
        row
        for event in events
        for row in _rows(
            rules.drafts_for(event), key=f"ev{event.pk}", order_id=event.order_id, event=event
        )
    ]
    if not rows:
        return []
    OutboxMessage.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    send_after_commit(ids)
    return ids


def _rows(
    drafts: list[rules.Draft], *, key: str, order_id=None, event=None, mashang_message_id=None
) -> list[OutboxMessage]:
    """The outbox rows of ``drafts`` (those whose template is active and renders)."""
    if not drafts:
        return []
    known = templates()
    now = clock.now()
    rows = []
    for draft in drafts:
        template = known.get(draft.template_code)
        if template is None or not template.is_active:  # switched off by an administrator
            continue
        try:
            body = texts.render(template.body, draft.params)
        except texts.ValidationFailed as exc:
            log.error("template %s does not render: %s", template.code, exc.message)
            continue
        rows.append(
            OutboxMessage(
                idempotency_key=f"{key}:{template.code}:{draft.recipient}",
                channel=draft.channel,
                recipient_phone=draft.phone,
                recipient_user=draft.user,
                template_code=template.code,
                params=draft.params,
                body=body,
                order_id=order_id,
                event=event,
                mashang_message_id=mashang_message_id,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return rows


def outbox_write(
    drafts: list[rules.Draft], *, key: str, order_id=None, event=None, mashang_message_id=None
) -> list[int]:
    """Write ``drafts`` to the outbox, each keyed ``<key>:<template>:<recipient>``, and queue them
    for sending after commit: the messages of an order's event, and those that belong to no order
    (an SMS code, a 码上找代表 message's texts, whose ``key`` names their own event, and whose
    notices open the message: ``mashang_message_id``). A second call with the same key writes
    nothing. Returns the ids of the rows this call wrote."""
    rows = _rows(
        drafts, key=key, order_id=order_id, event=event, mashang_message_id=mashang_message_id
    )
    if not rows:
        return []
    keys = [row.idempotency_key for row in rows]
    existing = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    # ignore_conflicts: a concurrent writer of the same event (the collector) may win the race
    OutboxMessage.objects.bulk_create(
        [row for row in rows if row.idempotency_key not in existing], ignore_conflicts=True
    )
    ids = list(
        OutboxMessage.objects.filter(
            idempotency_key__in=[k for k in keys if k not in existing]
        ).values_list("id", flat=True)
    )
    send_after_commit(ids)
    return ids


# The messages written by the current transaction and not yet handed to a task, per connection
# (Django's connections are per thread).
_unsent = threading.local()


def send_after_commit(ids: list[int]) -> None:
    """Queue ``ids`` to be sent once the transaction commits, by one task for all the messages
    the transaction wrote (``outbox_send_batch_task``), not one task each.

    Each call registers an ``on_commit`` hook, so the hooks of a savepoint rolled back are
    dropped with it while the others stand; the first hook to run after commit takes every id
    collected and queues one task, the others find nothing left. An id whose row was rolled back
    with its savepoint is found missing by the task and skipped. Outside a transaction the hook
    runs at once."""
    if not ids:
        return
    pending = getattr(_unsent, "ids", None)
    if pending is None:
        pending = _unsent.ids = []
    pending.extend(ids)
    transaction.on_commit(_enqueue_collected, robust=True)


def unsent_forget() -> None:
    """Drop the ids collected and not yet queued (those of transactions rolled back whole: their
    hooks never ran; left alone they would only be skipped by the next task)."""
    _unsent.ids = []


def _enqueue_collected() -> None:
    ids, _unsent.ids = getattr(_unsent, "ids", None) or [], []
    if ids:
        _enqueue(ids)


def _enqueue(ids: list[int]) -> None:
    from .tasks import outbox_send_batch_task

    outbox_send_batch_task.enqueue(list(dict.fromkeys(ids)))


def outbox_send_batch(message_ids: list[int]) -> dict[str, int]:
    """Send each of ``message_ids`` (``outbox_send``: a row that is not ours to send, or no
    longer exists, is skipped). A message that fails waits for its retry as it would alone; it
    does not hold up the others. Returns how many ended in each status."""
    counts: dict[str, int] = {}
    for pk in message_ids:
        status = str(outbox_send(pk) or "missing")
        counts[status] = counts.get(status, 0) + 1
    return counts


def warning_notices_collect(*, now=None) -> int:
    """Notices for the warning events the SLA scan writes in bulk, which bypass
    ``record_event``. Looks at warning events since the previous run (less a margin) that have
    no outbox row yet. Returns the number of rows written."""
    now = now or clock.now()
    cursor = WarningCursor.objects.filter(pk=1).values_list("collected_until", flat=True).first()
    pending = OrderEvent.objects.filter(kind=EventKind.WARNING, at__lte=now).exclude(
        Exists(OutboxMessage.objects.filter(event=OuterRef("pk")))
    )
    # the first run starts now: warnings from before notifications existed stay quiet
    since = (cursor or now) - WARNING_MARGIN
    pending = pending.filter(at__gte=since)
    written = 0
    for event in pending.select_related("order").order_by("at", "id").iterator(chunk_size=500):
        with transaction.atomic():
            written += len(outbox_write_for_event(event))
    WarningCursor.objects.update_or_create(pk=1, defaults={"collected_until": now})
    return written


# -- sending ------------------------------------------------------------------------------------


def _claim(message_id: int, now) -> OutboxMessage | None:
    """Take the row for one lease, or ``None`` when it is not ours to send (sent, failed,
    waiting for a retry, or leased by a live worker)."""
    claimable = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )
    claimed = OutboxMessage.objects.filter(
        claimable, pk=message_id, attempts__lt=_config("MAX_ATTEMPTS")
    ).update(
        status=OutboxStatus.SENDING,
        lease_until=now + timedelta(seconds=_config("LEASE_SECONDS")),
        attempts=F("attempts") + 1,
    )
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def _finish(message: OutboxMessage, **fields) -> bool:
    """Record the outcome if the lease is still ours (no other worker has re-claimed it)."""
    return bool(
        OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts
        ).update(lease_until=None, **fields)
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour."""
    return timedelta(seconds=min(_config("BACKOFF_SECONDS") * 2 ** (attempts - 1), 3600))


def _deliver_notice(message: OutboxMessage) -> None:
    # the notice and the "sent" mark commit together, so there is nothing to deduplicate
    with transaction.atomic():
        Notice.objects.get_or_create(
            message=message,
            defaults={
                "user_id": message.recipient_user_id,
                "text": message.body,
                "order_id": message.order_id,
                "mashang_message_id": message.mashang_message_id,
                "created_at": clock.now(),
            },
        )
        if not _finish(
            message,
            status=OutboxStatus.SENT,
            provider_message_id=f"notice:{message.pk}",
            sent_at=clock.now(),
            last_error="",
        ):
            transaction.set_rollback(True)  # another worker took the row over


def _deliver_sms(message: OutboxMessage) -> None:
    """The provider call and the record are two steps, outside any transaction (SQLite would
    hold its write lock across the network call); a crash between them is what the lease and
    the idempotency key are for."""
    template = templates().get(message.template_code)
    sms = Sms(
        key=message.idempotency_key,
        phone=message.recipient_phone,
        template_code=message.template_code,
        provider_template_code=template.provider_template_code if template else "",
        params=message.params,
        param_order=tuple(texts.placeholders(template.body)) if template else (),
        body=message.body,
    )
    provider_id = get_backend().send(sms)
    pause = _config("PAUSE_AFTER_SEND_MS")
    if pause:  # test hook: widen the gap a crash can fall into
        time.sleep(pause / 1000)
    if _finish(
        message,
        status=OutboxStatus.SENT,
        provider_message_id=str(provider_id)[:128],
        sent_at=clock.now(),
        last_error="",
        **_secret_blanked(message),
    ):
        metrics.SMS_SENT.inc()


# A secret (``texts.SECRET_PARAMS``, an SMS code) is blanked from its row once the provider has
# it or the row has failed for good (only the code's hash stays, in ``mashang.SmsCode``); until
# then the row needs it, for a retry after a failure or a crash.
SECRET_PARAMS = texts.SECRET_PARAMS
BLANKED = "******"


def _secret_blanked(message: OutboxMessage) -> dict:
    secrets_ = SECRET_PARAMS.get(message.template_code, ())
    if not secrets_:
        return {}
    body = message.body
    params = dict(message.params)
    for name in secrets_:
        value = str(params.get(name, ""))
        if value:
            body = body.replace(value, BLANKED)
            params[name] = BLANKED
    return {"body": body, "params": params}


def outbox_send(message_id: int) -> str:
    """Send one message if it is ours to send. Returns its status afterwards."""
    message = _claim(message_id, clock.now())
    if message is None:
        return OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    try:
        if message.channel == MessageChannel.IN_APP:
            _deliver_notice(message)
        else:
            _deliver_sms(message)
        return OutboxStatus.SENT
    except Exception as exc:  # any failure is retried; the row keeps the reason
        error = str(exc) if isinstance(exc, SendError) else f"{type(exc).__name__}: {exc}"
        log.warning("outbox message %s attempt %s failed: %s", message.pk, message.attempts, error)
        sms = message.channel == MessageChannel.SMS
        if sms:
            metrics.SMS_SEND_ERRORS.inc()
        if message.attempts >= _config("MAX_ATTEMPTS"):
            given_up = _finish(
                message,
                status=OutboxStatus.FAILED,
                last_error=error[:2000],
                **_secret_blanked(message),
            )
            if given_up and sms:
                metrics.SMS_FAILED.inc()
            return OutboxStatus.FAILED
        _finish(
            message,
            status=OutboxStatus.PENDING,
            next_attempt_at=clock.now() + backoff(message.attempts),
            last_error=error[:2000],
        )
        return OutboxStatus.PENDING


def outbox_sweep(*, limit: int = SWEEP_BATCH) -> dict[str, int]:
    """Send due and abandoned messages, and give up on those whose every attempt was spent by
    a worker that died (their lease expired with no attempt left)."""
    now = clock.now()
    expired = Q(status=OutboxStatus.SENDING, lease_until__lt=now)
    given_up = OutboxMessage.objects.filter(expired, attempts__gte=_config("MAX_ATTEMPTS"))
    for message in given_up.filter(template_code__in=SECRET_PARAMS):
        OutboxMessage.objects.filter(pk=message.pk).update(**_secret_blanked(message))
    gave_up = dict(status=OutboxStatus.FAILED, lease_until=None, last_error="发送中断次数过多")
    # the SMS first, to count them (minyi_sms_failed_total); then what is left, the notices
    failed_sms = given_up.filter(channel=MessageChannel.SMS).update(**gave_up)
    metrics.SMS_FAILED.inc(failed_sms)
    failed = failed_sms + given_up.update(**gave_up)
    due = (
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | expired
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {"sent": 0, "pending": 0, "failed": failed, "skipped": 0}
    for pk in list(due):
        status = outbox_send(pk)
        key = status if status in counts else "skipped"
        counts[key] += 1
    return counts


def notices_read(*, user, notice_id: int | None = None) -> int:
    """标为已读: one of the user's own notices, or all of them (``notice_id`` None). Returns how
    many were unread. Someone else's notice is never touched (it is simply not found)."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=clock.now())
