"""What ``GET /readyz`` reports: is the whole system doing its work, not just this process?

- the database answers;
- a db_worker and the scheduler are alive: the newest heartbeat of each kind is younger than
  ``READY_HEARTBEAT_MAX_AGE`` (minyi/core/heartbeats.py; none at all on a fresh install);
- the outbox is moving: no message has waited unsent longer than ``READY_OUTBOX_MAX_AGE``.

Ready only when every check is ``ok``. Two queries; nothing about the software stack (no
product names or versions) is reported.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import Error as DatabaseError
from django.db.models import Count, Max, Min
from django.utils import timezone

from minyi.core.models import ProcessHeartbeat, ProcessKind
from minyi.core.reconnect import DATABASE_OUTAGE, is_database_outage

PROCESSES = {
    ProcessKind.WORKER: ("worker", "后台任务进程（db_worker）", "manage.py db_worker"),
    ProcessKind.SCHEDULER: ("scheduler", "定时任务进程（scheduler）", "manage.py scheduler"),
}


def age_seconds(then: datetime | None, now: datetime) -> float | None:
    # a beat from a host whose clock runs ahead counts as just now
    return None if then is None else round(max(0.0, (now - then).total_seconds()), 1)


def newest_beats() -> dict[str, datetime]:
    """The newest heartbeat of each process kind (one query; /metrics reads it too)."""
    return {
        row["kind"]: row["last"]
        for row in ProcessHeartbeat.objects.values("kind").annotate(last=Max("beat_at"))
    }


def outbox_unsent() -> dict:
    """``{"oldest": created_at or None, "count": n}`` of the messages not sent yet: pending, or
    taken by a worker that has not finished (one query; /metrics reads the count too)."""
    from minyi.notify.models import OutboxMessage, OutboxStatus

    return OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    ).aggregate(oldest=Min("created_at"), count=Count("id"))


def _process_check(kind: str, last_beat: datetime | None, now: datetime, reasons: list) -> dict:
    _, label, command = PROCESSES[kind]
    limit = settings.MINYI["READY_HEARTBEAT_MAX_AGE"]
    age = age_seconds(last_beat, now)
    if age is None:
        reasons.append(f"从未收到{label}的心跳：请启动 {command}。")
        status = "missing"
    elif age > limit:
        reasons.append(f"{label}已 {age:.0f} 秒没有心跳（上限 {limit} 秒）。")
        status = "stale"
    else:
        status = "ok"
    return {"status": status, "age_seconds": age, "max_age_seconds": limit}


def _outbox_check(oldest: datetime | None, now: datetime, reasons: list) -> dict:
    limit = settings.MINYI["READY_OUTBOX_MAX_AGE"]
    age = age_seconds(oldest, now)
    status = "ok"
    if age is not None and age > limit:
        reasons.append(
            f"最早的待发消息已等待 {age:.0f} 秒（上限 {limit} 秒）：请检查后台任务进程和短信服务。"
        )
        status = "stale"
    return {"status": status, "oldest_pending_age_seconds": age, "max_age_seconds": limit}


def readiness_report(*, now: datetime | None = None) -> tuple[bool, dict]:
    """Returns (ready, the JSON body)."""
    now = now or timezone.now()
    try:
        beats = newest_beats()
        oldest = outbox_unsent()["oldest"]
    except (DatabaseError, *DATABASE_OUTAGE) as exc:
        if is_database_outage(exc):
            return False, _unavailable("unreachable", "数据库无法连接。")
        # e.g. tables missing before the first migrate
        return False, _unavailable("error", "数据库查询失败：是否已执行 manage.py migrate？")

    reasons: list[str] = []
    report = {"status": "ok", "database": {"status": "ok"}}
    for kind, (key, _, _) in PROCESSES.items():
        report[key] = _process_check(kind, beats.get(kind), now, reasons)
    report["outbox"] = _outbox_check(oldest, now, reasons)
    if reasons:
        report["status"] = "not_ready"
    report["reasons"] = reasons
    return not reasons, report


def _unavailable(status: str, reason: str) -> dict:
    unknown = {"status": "unknown"}
    return {
        "status": "not_ready",
        "database": {"status": status},
        "worker": unknown,
        "scheduler": unknown,
        "outbox": unknown,
        "reasons": [reason],
    }
