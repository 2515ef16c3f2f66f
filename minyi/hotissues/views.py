"""The hot-issues pages under /work/hot/ (热点问题, issue 12).

Who reads them: the liaison officer (联工委: orders and 码上找代表 messages; promotes a topic to
the clue library) and the dispatcher (派单员: the orders' topics). Every other role gets a 403
(fail closed): a department would read other departments' matters in the topics.

The page is a GET that may start a computation (``services.topic_run_for``: a ``TopicRun`` row,
a cache of the grouping, no state of any order or message); repeating it is harmless.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from minyi.accounts.models import Role
from minyi.core.access import role_required
from minyi.hotissues import corpus, presenters, services
from minyi.hotissues.forms import HotFilterForm
from minyi.hotissues.models import RunState, TopicRun
from minyi.ledger import stats
from minyi.mashang.models import Message

READERS = (Role.LIAISON, Role.DISPATCHER)
ORDERS_PER_PAGE = 50
POLL_SECONDS = 3


@role_required(*READERS)
@require_safe
def hot_issues(request: HttpRequest) -> HttpResponse:
    role = corpus.audience_of(request.user)
    if role is None:  # role_required let through a role the audience rule does not know
        raise Http404
    form = HotFilterForm(HotFilterForm.params(request.GET))
    error = "筛选条件有误，请检查后重试。" if not form.is_valid() else ""
    selection, chosen = form.selection()
    shown, current = services.topic_run_for(selection=selection, role=role)
    rows = presenters.rows_of(shown, request.user) if shown else []
    context = {
        "title": "热点问题",
        "form": form,
        "error": error,
        "selection": selection,
        "previous": corpus.previous_of(selection).period,
        "chosen": chosen,
        "run": shown,
        "current": current,
        "pending": current.state == RunState.PENDING,
        "failed": current.state == RunState.FAILED,
        "poll_seconds": POLL_SECONDS,
        "rows": rows,
        "charts": presenters.charts(rows),
        "may_promote": presenters.may_promote(request.user),
        "messages_included": bool(corpus.AUDIENCES.get(role)),
    }
    return render(request, "hotissues/hot_issues.html", context, status=400 if error else 200)


@role_required(*READERS)
@require_safe
def run_state(request: HttpRequest, run_id: int) -> HttpResponse:
    """What the page polls while a run is computed: the page reloads itself once it is done."""
    run = _run_of(request, run_id)
    if run.state == RunState.PENDING:
        return render(
            request,
            "hotissues/_pending.html",
            {"current": run, "poll_seconds": POLL_SECONDS},
        )
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def _run_of(request: HttpRequest, run_id: int) -> TopicRun:
    run = get_object_or_404(TopicRun, pk=run_id)
    # a run is computed for one audience: a dispatcher never opens the liaison officer's
    if run.params.get("role") != corpus.audience_of(request.user):
        raise Http404
    return run


@role_required(*READERS)
@require_safe
def hot_topic(request: HttpRequest, run_id: int, topic_id: int) -> HttpResponse:
    """One topic: its figures and its orders (each linked to its page) and messages."""
    run = _run_of(request, run_id)
    if run.state != RunState.READY:
        raise Http404
    topics = {t["id"]: t for t in run.result.get("topics", [])}
    if topic_id not in topics:
        raise Http404
    rows = presenters.rows_of(run, request.user)
    topic = topics[topic_id]
    row = next((r for r in rows if r["id"] == topic_id), None)
    if row is None:  # beyond the page's top topics: presented alone, with its rank
        row = presenters.rows_of(_only(run, topic), request.user)[0]
        row["rank"] = list(topics).index(topic_id) + 1
    page = Paginator(topic["orders"], ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    found = presenters.orders_by_id(set(page.object_list))
    orders = [
        presenters.order_line(request.user, found[pk]) for pk in page.object_list if pk in found
    ]
    messages = []
    if presenters.may_promote(request.user):  # the liaison officer's: messages are theirs
        for message in Message.objects.filter(pk__in=topic["messages"][:ORDERS_PER_PAGE]):
            messages.append(
                {
                    "text": presenters.clip(presenters.message_text(request.user, message) or ""),
                    "created_at": message.created_at,
                    "status": message.get_status_display(),
                }
            )
    selection = services.selection_of(run.params)
    context = {
        "title": f"热点问题：{row['label']}",
        "run": run,
        "row": row,
        "selection": selection,
        "previous": corpus.previous_of(selection).period,
        "page": page,
        "orders": orders,
        "messages": messages,
        "may_promote": presenters.may_promote(request.user),
        "back_query": back_query(selection),
    }
    return render(request, "hotissues/topic.html", context)


def back_query(selection: stats.Selection) -> str:
    """The hot-issues page's address of ``selection`` (the channel always named: none means
    every channel there)."""
    return urlencode({**selection.params(), "channel": selection.channel})


def _only(run: TopicRun, topic: dict) -> TopicRun:
    return TopicRun(pk=run.pk, params=run.params, result={"topics": [topic]})
