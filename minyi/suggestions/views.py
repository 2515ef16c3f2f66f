"""The liaison committee's queue: ``/work/suggestions/`` (a list; the lifecycle comes later)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minyi.accounts.models import Role
from minyi.core.access import role_required
from minyi.suggestions.selectors import QUEUE_LIMIT, suggestion_queue


@role_required(Role.LIAISON)
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    rows = suggestion_queue(request.user)
    context = {"rows": rows, "limit": QUEUE_LIMIT, "title": "闭会期间代表建议 · 待处理"}
    return render(request, "suggestions/list.html", context)
