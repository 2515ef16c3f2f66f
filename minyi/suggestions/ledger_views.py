"""代表建议台账 (the liaison officer's): /work/suggestions/ledger/ and its xlsx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.core.access import role_required
from minyi.suggestions.ledger import (
    EXPORT_LIMIT,
    HEADERS,
    PAGE_LIMIT,
    LedgerFilterForm,
    ledger_line,
    ledger_rows,
    ledger_xlsx,
)
from minyi.uploads.download import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest):
    form = LedgerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, (ledger_rows(data) if not form.errors else None)


@role_required(Role.LIAISON)
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    lines = [] if rows is None else [ledger_line(request.user, r) for r in rows[:PAGE_LIMIT]]
    context = {
        "form": form,
        "headers": HEADERS,
        "lines": lines,
        "total": 0 if rows is None else rows.count(),
        "limit": PAGE_LIMIT,
        "query": request.GET.urlencode(),
        "title": "代表建议台账",
    }
    return render(request, "suggestions/ledger.html", context)


@role_required(Role.LIAISON)
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    if rows is None:
        return render(
            request,
            "suggestions/ledger.html",
            {"form": form, "headers": HEADERS, "lines": [], "title": "代表建议台账"},
            status=400,
        )
    response = HttpResponse(ledger_xlsx(request.user, rows), content_type=XLSX)
    name = f"代表建议台账-{timefmt.compact_day(timefmt.local_date(clock.now()))}.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    response["X-Rows-Limit"] = str(EXPORT_LIMIT)
    return response
