"""站内通知 ``/work/notices/``: the bell's page. Each notice links to its order (or to its
码上找代表 message); 标为已读 one or all (POSTs, through ``services.notices_read``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minyi.core.bounds import parse_id
from minyi.notify import inbox
from minyi.notify.services import notices_read


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    context = {"notices": inbox.latest(request.user), "page_size": inbox.PAGE}
    return render(request, "notify/notices.html", context)


@login_required
@require_POST
def notices_mark_read(request: HttpRequest) -> HttpResponse:
    """One notice (``id``), or all (no ``id``). A notice that is not the user's is not found;
    a repeat is harmless. Back to the notice's order when asked (``open``), else the list."""
    raw = request.POST.get("id")
    notice_id = parse_id(raw) if raw else None
    if raw and notice_id is None:
        return redirect("notices")
    notices_read(user=request.user, notice_id=notice_id)
    target = request.POST.get("open", "")
    if notice_id is not None and target:
        notice = inbox.latest_one(request.user, notice_id)
        period = inbox.report_period(notice) if notice is not None else ""
        if period:  # the monthly report's notice: the report's page
            return redirect("report-detail", period)
        if notice is not None and notice.mashang_message_id:  # 码上找代表: the message itself
            return redirect("message-page", notice.mashang_message_id)
        if notice is not None and notice.order_id:
            return redirect("order-detail", notice.order.number)
    return redirect("notices")
