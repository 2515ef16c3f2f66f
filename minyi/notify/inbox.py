"""A user's in-app notices (站内通知): reads for the bell and the notices page."""

from __future__ import annotations

from django.db.models import QuerySet

from minyi.notify.models import Notice

PAGE = 50
BOUND = 99  # the bell says "99+" beyond this: counting further costs and tells nothing


def bounded_count(queryset: QuerySet) -> str:
    """``"12"``, or ``"99+"``: counts at most one row more than it shows."""
    count = queryset[: BOUND + 1].count()
    return f"{BOUND}+" if count > BOUND else str(count)


def unread(user) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, read_at__isnull=True)


def unread_count(user) -> str:
    return bounded_count(unread(user)) if user.is_authenticated else "0"


def latest(user, limit: int = PAGE) -> list[Notice]:
    return list(
        Notice.objects.filter(user=user).select_related("order", "mashang_message", "message")[
            :limit
        ]
    )


def latest_one(user, notice_id: int) -> Notice | None:
    return (
        Notice.objects.filter(user=user, pk=notice_id)
        .select_related("order", "mashang_message", "message")
        .first()
    )


REPORT_TEMPLATE = "monthly_report_ready"


def report_period(notice: Notice) -> str:
    """The month (``2026-11``) whose report a notice announces; "" for any other notice."""
    message = notice.message
    if message is None or message.template_code != REPORT_TEMPLATE:
        return ""
    period = str((message.params or {}).get("period", ""))
    return period if len(period) == 7 and period[4] == "-" else ""
