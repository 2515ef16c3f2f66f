"""The liaison officers' pages of the monthly report (``/work/reports/``): the list with a keyed
"生成报告" form for any past month, a month's report as a page (printed from the stored
``summary``, the same figures as the PDF) with its notable cases to pick and remove, and the two
files, served only after the role check. Department handlers, deputies, citizens: 403."""

from __future__ import annotations

from datetime import date

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import idempotency, timefmt
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.ledger import stats
from minyi.ledger.models import MonthlyReport, NotableCase, ReportEvent, ReportState
from minyi.ledger.reports import figures, services
from minyi.privacy import rules as privacy
from minyi.uploads import download_response

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PENDING_NOTE = "选入或移出的典型案例，重新生成后写入报告。"


def _month(period: str) -> date:
    first = stats.parse_month(period)
    if first is None:
        raise Http404("月份有误。")
    return first


def _posted_month(text: str) -> date | None:
    try:
        return _month((text or "").strip()[:7])
    except Http404:
        return None


@role_required(Role.LIAISON)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    reports = MonthlyReport.objects.select_related("generated_by").order_by("-month")
    context = {
        "reports": reports,
        "default_month": timefmt.month_text(services.last_month()),
        "max_month": timefmt.month_text(services.last_month()),
    }
    return render(request, "ledger/reports/list.html", context)


@role_required(Role.LIAISON)
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    """Generate (or regenerate) a past month's report, once per submitted form."""
    key = idempotency.posted_key(request)
    month = _posted_month(request.POST.get("month", ""))

    def perform() -> dict:
        if month is None:
            raise idempotency.Refused("请选择报告月份（格式 YYYY-MM）。")
        try:
            report = services.report_generate(month=month, actor=request.user)
        except services.ReportFailed as failed:
            # recorded as FAILED in its own transaction: kept with the key, told as it is
            return {"error": failed.message, "period": timefmt.month_text(month)}
        except DomainError as error:
            raise idempotency.Refused(error.message) from None
        return {
            "message": f"已生成{report.summary['title']}。",
            "period": timefmt.month_text(month),
        }

    result = idempotency.flashed_once(
        request, key=key, scope="monthly report generate", perform=perform
    )
    if result is None:
        return redirect("reports")
    if result.get("error"):
        flash.error(request, result["error"])
        return redirect("reports")
    flash.success(request, result["message"])
    return redirect("report-detail", result["period"])


def _rates(summary: dict) -> list[dict]:
    return [
        {
            **rate,
            "value_text": figures.rate_text(rate["value"]),
            "previous_text": figures.rate_text(rate["previous"]),
            "year_before_text": figures.rate_text(rate["year_before"]),
            "fraction": f"{rate['numerator']:g}/{rate['n']}",
        }
        for rate in summary.get("rates", [])
    ]


def _cases(month: date) -> list[dict]:
    """The month's notable cases as they stand now (the report holds them as generated)."""
    cases = NotableCase.objects.filter(month=month).select_related(
        "order", "order__deputy", "picked_by"
    )
    out = []
    for case in cases:
        person = privacy.requester_shown(figures.VIEWER, case.order)
        out.append(
            {
                "number": case.order.number,
                "title": person.listed(case.order.title),
                "note": case.note,
                "picked_by": case.picked_by.get_full_name() if case.picked_by else "",
                "picked_at": case.picked_at,
            }
        )
    return out


@role_required(Role.LIAISON)
@require_GET
def report_detail(request: HttpRequest, period: str) -> HttpResponse:
    month = _month(period)
    report = MonthlyReport.objects.filter(month=month).select_related("generated_by").first()
    summary = report.summary if report and report.state == ReportState.READY else {}
    events = ReportEvent.objects.filter(month=month).select_related("actor").order_by("-at", "-id")
    context = {
        "period": timefmt.month_text(month),
        "title": figures.title_of(month),
        "report": report,
        "summary": summary,
        "rates": _rates(summary),
        "rates_note": figures.RATES_NOTE,
        "lists": [
            {**block, "more": block["total"] - len(block["rows"])}
            for block in summary.get("lists", [])
        ],
        "cases": _cases(month),
        "events": events[:20],
        "refusal": services.month_refusal(month),
        "pending_note": PENDING_NOTE,
        "total_labels": figures.total_labels(),
    }
    return render(request, "ledger/reports/detail.html", context)


def _case_post(request: HttpRequest, period: str, *, remove: bool) -> HttpResponse:
    month = _month(period)
    key = idempotency.posted_key(request)
    number = request.POST.get("number", "")

    def perform() -> dict:
        try:
            if remove:
                services.notable_case_remove(month=month, number=number, actor=request.user)
                return {"message": f"已将工单 {number.strip()} 移出典型案例。{PENDING_NOTE}"}
            services.notable_case_pick(
                month=month, number=number, note=request.POST.get("note", ""), actor=request.user
            )
        except DomainError as error:
            raise idempotency.Refused(error.message) from None
        return {"message": f"已将工单 {number.strip()} 选入典型案例。{PENDING_NOTE}"}

    scope = f"monthly report {period} case {'remove' if remove else 'pick'}"
    result = idempotency.flashed_once(request, key=key, scope=scope, perform=perform)
    if result is not None:
        flash.success(request, result["message"])
    return redirect("report-detail", period)


@role_required(Role.LIAISON)
@require_POST
def case_pick(request: HttpRequest, period: str) -> HttpResponse:
    return _case_post(request, period, remove=False)


@role_required(Role.LIAISON)
@require_POST
def case_remove(request: HttpRequest, period: str) -> HttpResponse:
    return _case_post(request, period, remove=True)


@role_required(Role.LIAISON)
@require_GET
def report_download(request: HttpRequest, period: str, kind: str) -> HttpResponse:
    """The stored xlsx or PDF, after the role check (nothing serves /media/)."""
    month = _month(period)
    report = MonthlyReport.objects.filter(month=month, state=ReportState.READY).first()
    field = getattr(report, kind, None) if report else None
    if not field:
        raise Http404("该月报告尚未生成。")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("报告文件不存在，请重新生成。") from None
    name = f"{figures.title_of(month)}.{kind}"
    return download_response(handle, name=name, content_type=CONTENT_TYPES[kind])
