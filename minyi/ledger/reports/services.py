"""The monthly report's services: generate (or regenerate) a month's report, the scheduler's
catch-up, and the notable cases a liaison officer picks. Each change writes a ``ReportEvent``.

``report_generate``:

1. refuse the current month and any later one (the month must be over, in Beijing time);
2. lock the month's row (``select_for_update`` on the unique month: two generations of one
   month, a button and the scheduler, run one after the other, never side by side);
3. compute the figures (``figures.build``), render the xlsx and the PDF in memory;
4. store both files, the summary, READY and a GENERATED event in one transaction; the old files
   are deleted after the commit;
5. announce the first READY report of a month to every active liaison officer (an in-app notice;
   the outbox key is the month's, so a regeneration does not announce it again).

A failure rolls all of it back (the new files are deleted) and then records FAILED, the error
and a FAILED event in a transaction of its own: never a half-saved report. A report that was
READY before a failed regeneration keeps its files and stays READY (the error is shown beside
it).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from minyi.accounts.models import Role, User
from minyi.core import clock, timefmt
from minyi.core.errors import DomainError
from minyi.ledger.models import (
    LedgerRow,
    MonthlyReport,
    NotableCase,
    ReportEvent,
    ReportEventKind,
    ReportState,
)
from minyi.ledger.reports import figures, pdf, xlsx
from minyi.ledger.stats import Period
from minyi.orders.models import WorkOrder

log = logging.getLogger(__name__)

NOTICE_TEMPLATE = "monthly_report_ready"
NOTE_MAX = 500


class ReportFailed(DomainError):
    code = "report_failed"


def this_month(now: datetime | None = None) -> date:
    """The first day of the current month in Beijing time."""
    return timefmt.local_date(now or clock.now()).replace(day=1)


def last_month(now: datetime | None = None) -> date:
    return (this_month(now) - timedelta(days=1)).replace(day=1)


def month_refusal(month: date, now: datetime | None = None) -> str | None:
    """Why ``month`` cannot have a report yet (None: it can)."""
    current = this_month(now)
    if month == current:
        return f"{figures.month_words(month)}尚未结束，只能生成已结束月份的报告。"
    if month > current:
        return f"{figures.month_words(month)}尚未到来，不能生成报告。"
    return None


def _real_user(actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _locked(month: date) -> MonthlyReport:
    # the unique month makes a concurrent get_or_create wait, then find the row; the row lock
    # then makes the second generation wait for the first to commit
    MonthlyReport.objects.get_or_create(month=month)
    return MonthlyReport.objects.select_for_update().get(month=month)


def report_generate(*, month: date, actor=None, only_missing: bool = False) -> MonthlyReport | None:
    """Generate ``month``'s report (its first day; any day of it is read as the month) and
    store it; regenerate it when it exists. ``only_missing``: do nothing (None) when the month
    already has a READY report (the scheduler). Raises ``DomainError`` for a month not over and
    ``ReportFailed`` when generation failed (recorded as FAILED)."""
    month = month.replace(day=1)
    refusal = month_refusal(month)
    if refusal:
        raise DomainError(refusal)
    written: list = []
    try:
        with transaction.atomic():
            report = _locked(month)
            if only_missing and report.state == ReportState.READY:
                return None
            return _generate(report, actor=_real_user(actor), written=written)
    except Exception as exc:
        for stored in written:  # the files of the rolled-back generation
            stored.storage.delete(stored.name)
        log.exception("monthly report %s failed", timefmt.month_text(month))
        message = f"{type(exc).__name__}: {exc}"[:2000]
        _failed(month, actor=_real_user(actor), error=message)
        # the reason stays in the log and on the row (the administrators'); the officer reads
        # words, never a path or a database message
        raise ReportFailed(
            f"{figures.month_words(month)}报告生成失败，请稍后重试或联系系统管理员。"
        ) from exc


def _generate(report: MonthlyReport, *, actor, written: list) -> MonthlyReport:
    now = clock.now()
    month = report.month
    built = figures.build(month, now=now)
    xlsx_bytes = xlsx.render(built.summary, built.lists)
    pdf_bytes = pdf.render(built.summary, generated=timefmt.local_text(now))
    old = [f.name for f in (report.xlsx, report.pdf) if f.name]
    first_ready = not ReportEvent.objects.filter(
        month=month, kind=ReportEventKind.GENERATED
    ).exists()
    stem = f"monthly-{timefmt.month_text(month)}-{int(now.timestamp())}"
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
    written.append(report.xlsx)
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
    written.append(report.pdf)
    report.summary = built.summary
    report.state = ReportState.READY
    report.generated_at = now
    report.generated_by = actor
    report.error = ""
    report.save()
    ReportEvent.objects.create(
        month=month,
        kind=ReportEventKind.GENERATED,
        actor=actor,
        at=now,
        data={
            "orders": built.summary["totals"]["orders"],
            "xlsx": report.xlsx.name,
            "pdf": report.pdf.name,
        },
    )
    storage = report.xlsx.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old])
    if first_ready:
        report_announce(report)
    return report


def _failed(month: date, *, actor, error: str) -> None:
    with transaction.atomic():
        report = _locked(month)
        if report.state != ReportState.READY:
            report.state = ReportState.FAILED
        report.error = error
        report.save(update_fields=["state", "error"])
        ReportEvent.objects.create(
            month=month,
            kind=ReportEventKind.FAILED,
            actor=actor,
            at=clock.now(),
            data={"error": error},
        )


def report_announce(report: MonthlyReport) -> list[int]:
    """An in-app notice to every active liaison officer: "<month>人大代表履职工作月度报告已生成，
    请查阅。", opening the report's page (``period``). Once per month and officer."""
    from minyi.notify.rules import Draft
    from minyi.notify.services import outbox_write

    params = {
        "month": figures.month_words(report.month),
        "period": timefmt.month_text(report.month),
    }
    officers = User.objects.filter(role=Role.LIAISON, is_active=True).order_by("pk")
    drafts = [Draft(NOTICE_TEMPLATE, params, user=user) for user in officers]
    return outbox_write(drafts, key=f"report{timefmt.month_text(report.month)}")


def monthly_reports_catch_up(now: datetime | None = None) -> MonthlyReport | None:
    """The scheduler's job: last month's report (in Beijing time) when it has none READY yet;
    on the 1st it makes it, and after a downtime it catches up. None: nothing to do."""
    month = last_month(now)
    if MonthlyReport.objects.filter(month=month, state=ReportState.READY).exists():
        return None
    return report_generate(month=month, only_missing=True)


# -- notable cases (典型案例) ------------------------------------------------------------------


def _month_order(month: date, number: str) -> WorkOrder:
    number = (number or "").strip()
    order = WorkOrder.objects.filter(number=number).first() if number else None
    if order is None:
        raise DomainError(f"没有编号为“{number}”的工单。" if number else "请填写工单编号。")
    period = Period.month(month)
    registered = LedgerRow.objects.filter(
        order=order, created_at__gte=period.since, created_at__lt=period.until
    ).exists()
    if not registered:
        raise DomainError(
            f"工单 {number} 不是{figures.month_words(month)}登记的工单，不能选入本月典型案例。"
        )
    return order


@transaction.atomic
def notable_case_pick(*, month: date, number: str, note: str, actor) -> NotableCase:
    """Pick the order ``number`` (registered in ``month``) as a notable case with the officer's
    note; picking it again updates the note. Written into the report when it is regenerated."""
    month = month.replace(day=1)
    if month > this_month():
        raise DomainError(f"{figures.month_words(month)}尚未到来。")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"点评不能超过 {NOTE_MAX} 字。")
    order = _month_order(month, number)
    now = clock.now()
    case, created = NotableCase.objects.select_for_update().get_or_create(
        month=month,
        order=order,
        defaults={"note": note, "picked_by": _real_user(actor), "picked_at": now},
    )
    if not created:
        case.note, case.picked_by = note, _real_user(actor)
        case.save(update_fields=["note", "picked_by"])
    ReportEvent.objects.create(
        month=month,
        kind=ReportEventKind.CASE_PICKED,
        actor=_real_user(actor),
        at=now,
        data={"number": order.number, "note": note},
    )
    return case


@transaction.atomic
def notable_case_remove(*, month: date, number: str, actor) -> None:
    month = month.replace(day=1)
    case = (
        NotableCase.objects.select_for_update()
        .filter(month=month, order__number=(number or "").strip())
        .first()
    )
    if case is None:
        raise DomainError(f"工单 {number} 不在{figures.month_words(month)}的典型案例中。")
    case.delete()
    ReportEvent.objects.create(
        month=month,
        kind=ReportEventKind.CASE_REMOVED,
        actor=_real_user(actor),
        at=clock.now(),
        data={"number": number},
    )
