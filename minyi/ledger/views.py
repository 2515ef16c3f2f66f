"""The ledger page (工作台账, /work/ledger/), its exports and the export jobs' pages.

The ledger reads ``LedgerRow`` (one row per order, kept current by the services): a month at a
million orders is one range scan of the ``ledger_created`` index, paged by keyset. The counts
above the table are ``minyi.ledger.stats.figures`` of the same filtered rows (one aggregate),
fetched by htmx once the table is on the screen (``ledger_counts``).
"""

from __future__ import annotations

import tempfile
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import clock, idempotency
from minyi.core.access import role_required
from minyi.core.dbrouter import reads_from_replica
from minyi.ledger import stats
from minyi.ledger.exports import services
from minyi.ledger.exports.columns import GROUPS
from minyi.ledger.exports.summary import strip, summary_of
from minyi.ledger.filters import LedgerFilterForm
from minyi.ledger.models import ExportFormat, ExportJob, ExportState
from minyi.ledger.selectors import ledger_rows, page, rows_prepare
from minyi.workbench.list_selectors import BadCursor, Page

BAD_FILTER = "筛选条件有误，请检查后重试。"
BAD_CURSOR = "翻页参数无效或已被修改，请返回第一页重新浏览。"
# the request's own parameters, which are not part of the filter
_NOT_FILTER = ("cursor", "format", idempotency.FIELD, "csrfmiddlewaretoken")


def _filter_params(params: QueryDict) -> QueryDict:
    params = params.copy()
    for name in _NOT_FILTER:
        params.pop(name, None)
    return params


def _without(params: QueryDict, name: str) -> str:
    params = params.copy()
    params.pop(name, None)
    return params.urlencode()


@role_required(Role.LIAISON)
@require_GET
@reads_from_replica
def ledger_page(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET)
    params = _filter_params(request.GET)
    context = {
        "title": "工作台账",
        "form": form,
        "groups": GROUPS,
        "filter_qs": params.urlencode(),
        "page": Page([]),
    }
    if not form.is_valid():
        context["error"] = BAD_FILTER
        return _respond(request, context, status=400)
    data, now = form.cleaned_data, clock.now()
    rows = ledger_rows(request.user, data, now=now)
    try:
        found = page(rows, request.GET.get("cursor") or None)
    except BadCursor:
        context["error"] = BAD_CURSOR
        return _respond(request, context, status=400)
    rows_prepare(found.rows, request.user)
    for row in found.rows:
        row.cells = [(group.key, group.texts(row)) for group in GROUPS]
    next_qs = ""
    if found.next_cursor:
        following = params.copy()
        following["cursor"] = found.next_cursor
        next_qs = following.urlencode()
    context.update(
        page=found,
        figure=data.get("figure") or "",
        figure_label=stats.COUNT_LABELS.get(data.get("figure") or "", ""),
        figure_clear_qs=_without(params, "figure"),
        first_qs=params.urlencode(),
        next_qs=next_qs,
        is_first=not request.GET.get("cursor"),
        inline_rows=services.inline_rows(),
        export_key=idempotency.new_key(),
    )
    return _respond(request, context)


@role_required(Role.LIAISON)
@require_GET
@reads_from_replica
def ledger_counts(request: HttpRequest) -> HttpResponse:
    """The total of the filter and its strip of counts (``stats.figures`` of the same rows, one
    aggregate), fetched by the page once the table is shown: a month's figures cost a few
    hundred milliseconds at a million orders, every month's a few seconds, and the table
    should not wait for them."""
    form = LedgerFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(BAD_FILTER, status=400, content_type="text/plain; charset=utf-8")
    data, now = form.cleaned_data, clock.now()
    summary = summary_of(ledger_rows(request.user, data, now=now), now=now, by_channel=False)
    params = _filter_params(request.GET)
    context = {
        "total": summary.total,
        "strip": strip(summary),
        "figure": data.get("figure") or "",
        "figure_clear_qs": _without(params, "figure"),
    }
    return render(request, "ledger/_ledger_counts.html", context)


def _respond(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    template = "ledger/_ledger_body.html" if fragment else "ledger/ledger_page.html"
    return render(request, template, context, status=status)


@role_required(Role.LIAISON)
@require_POST
@reads_from_replica
def ledger_export(request: HttpRequest) -> HttpResponse:
    """导出 Excel / 导出 PDF: the filter in the query string, the format and the form's key in
    the body. Up to ``MINYI_LEDGER_EXPORT_INLINE_ROWS`` rows the file comes back at once; more
    becomes an export job (once per key) and the browser goes to its progress page."""
    key = idempotency.posted_key(request)
    format = request.POST.get("format", "")
    if format not in ExportFormat.values:
        return HttpResponse("导出格式无效。", status=400, content_type="text/plain; charset=utf-8")
    params = _filter_params(request.GET)
    form = LedgerFilterForm(params)
    if not form.is_valid():
        return HttpResponse(BAD_FILTER, status=400, content_type="text/plain; charset=utf-8")
    data, now = form.cleaned_data, clock.now()
    total = ledger_rows(request.user, data, now=now).count()
    if total <= services.inline_rows():
        out = tempfile.TemporaryFile()
        services.export_write(out, user=request.user, data=data, format=format, now=now)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=services.file_name(format, now),
            content_type=services.CONTENT_TYPES[ExportFormat(format)],
        )
    submitted = params.copy()
    submitted["format"] = format
    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope="ledger export",
            fingerprint=idempotency.fingerprint(submitted),
            perform=lambda: {
                "job": str(
                    services.export_job_create(
                        user=request.user,
                        format=format,
                        params=params.dict(),
                        rows_total=total,
                    ).pk
                )
            },
        )
    except idempotency.KeyReused as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('work-ledger')}?{params.urlencode()}")
    return redirect("ledger-export-job", job_id=once.result["job"])


def _own_job(request: HttpRequest, job_id: UUID) -> ExportJob:
    """The job, when it is the user's own: another user's is a 404, not a 403."""
    return get_object_or_404(ExportJob, pk=job_id, user=request.user)


@role_required(Role.LIAISON)
@require_GET
def export_job_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The export's progress (htmx polls the fragment until the job ends) and its link."""
    job = _own_job(request, job_id)
    context = {
        "job": job,
        "finished": job.state in (ExportState.DONE, ExportState.FAILED),
        "ledger_qs": QueryDict(mutable=True),
    }
    context["ledger_qs"].update(job.params)
    if request.headers.get("HX-Request"):
        return render(request, "ledger/_export_progress.html", context)
    return render(request, "ledger/export_job.html", context)


@role_required(Role.LIAISON)
@require_GET
def export_job_download(request: HttpRequest, job_id: UUID) -> FileResponse:
    job = _own_job(request, job_id)
    if job.state != ExportState.DONE or not job.file:
        raise Http404("导出尚未完成。")
    _, path = services.export_path(job)
    if not path.exists():
        raise Http404("导出文件已过期删除。")
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=services.file_name(job.format, job.created_at),
        content_type=services.CONTENT_TYPES[ExportFormat(job.format)],
    )
