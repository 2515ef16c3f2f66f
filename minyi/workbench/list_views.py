"""The role queues (what to do next, deadline first); the ledger is minyi.ledger.views.

Views are thin: pick the queue, page it by keyset, mask the rows, render. An htmx request
(a tab, a filter, 下一页) gets only the list fragment, so the page never reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from minyi.accounts.models import Role
from minyi.core.access import role_required
from minyi.mashang.inbox import deputy_switch
from minyi.workbench import list_selectors as lists

BAD_CURSOR = "翻页参数无效或已被修改，请返回第一页重新浏览。"

# What each paging says it sorts by, and the time column it adds (if its time is not one the
# row already shows). A list says only what it does: no "时限" sort where nothing has one.
SORTS: dict[Callable, tuple[str, str]] = {
    lists.page_by_due: ("按最近时限排序", ""),
    lists.page_by_sign_due: ("按签收时限排序", ""),
    lists.page_by_plan_due: ("按计划完成时间排序", ""),
    lists.page_by_created: ("按登记时间倒序", ""),
    lists.page_by_replied: ("按答复时间先后排序", "答复时间"),
    lists.page_by_acted: ("按我最近处理时间倒序", "我处理于"),
}


@require_GET
def work_home(request: HttpRequest) -> HttpResponse:
    """``/work/``: each role lands on its own queue."""
    user = request.user
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    name = lists.HOME_BY_ROLE.get(user.role) or lists.PATH_HOME_BY_ROLE.get(user.role)
    if name is None:
        raise PermissionDenied("您的角色没有工作台。")
    return redirect(name)


def _render_list(
    request: HttpRequest,
    *,
    title: str,
    tabs: tuple[lists.Tab, ...],
    queue: Callable,
    paginate: Callable | dict = lists.page_by_due,
    context: dict | None = None,
) -> HttpResponse:
    tab = request.GET.get("tab") or (tabs[0].key if tabs else "")
    if tabs and tab not in {t.key for t in tabs}:
        tab = tabs[0].key
    context = {"title": title, "tabs": tabs, "tab": tab, **(context or {})}
    if tab == lists.ACTED_TAB.key:  # 我已处理, the same on every role's page
        queue, paginate = (lambda _: lists.acted_list(request.user)), lists.page_by_acted
    elif isinstance(paginate, dict):  # a paging per tab
        paginate = paginate.get(tab, lists.page_by_due)
    try:
        page = paginate(queue(tab), request.GET.get("cursor") or None)
    except lists.BadCursor:
        context.update(error=BAD_CURSOR, page=lists.Page([]))
        return _respond(request, context, status=400)
    lists.rows_prepare(page.rows, request.user)
    params = request.GET.copy()
    params.pop("cursor", None)
    first_qs = params.urlencode()
    if page.next_cursor:
        params["cursor"] = page.next_cursor
    context.update(
        page=page,
        first_qs=first_qs,
        next_qs=params.urlencode() if page.next_cursor else "",
        is_first=not request.GET.get("cursor"),
    )
    context["sort_label"], context["moment_label"] = SORTS[paginate]
    return _respond(request, context)


def _respond(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    template = "workbench/_list_body.html" if fragment else "workbench/list_page.html"
    return render(request, template, context, status=status)


@role_required(Role.DISPATCHER)
@require_GET
def dispatch_list(request: HttpRequest) -> HttpResponse:
    return _render_list(
        request,
        title="派单工作台",
        tabs=lists.DISPATCH_TABS,
        queue=lambda tab: lists.dispatch_queue(request.user, tab),
        paginate={"tracking": lists.page_by_plan_due},
        context={"kind": "dispatch"},
    )


@role_required(Role.HANDLER)
@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    if not request.user.department_id:
        raise PermissionDenied("您的账号未关联承办单位。")
    return _render_list(
        request,
        title=f"承办工作台 · {request.user.department.name}",
        tabs=lists.DEPARTMENT_TABS,
        queue=lambda tab: lists.department_queue(request.user, tab),
        # 已答复: the department's part is done, its deadline gone; newest first
        paginate={
            "pending": lists.page_by_sign_due,
            "replied": lists.page_by_created,
            "tracking": lists.page_by_plan_due,
        },
        context={"kind": "department"},
    )


@role_required(Role.CALLBACK)
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    return _render_list(
        request,
        title="回访工作台",
        tabs=lists.CALLBACK_TABS,
        queue=lambda tab: lists.callback_queue(request.user, tab),
        paginate={
            "replied": lists.page_by_replied,
            "callback": lists.page_by_replied,
            "confirming": lists.page_by_plan_due,
            "tracking": lists.page_by_plan_due,
        },
        context={"kind": "callback"},
    )


@role_required(Role.DEPUTY)
@require_GET
def mine_list(request: HttpRequest) -> HttpResponse:
    return _render_list(
        request,
        title="我反映的工单",
        tabs=(),
        queue=lambda tab: lists.mine_list(request.user),
        paginate=lists.page_by_created,
        # one place for all of a deputy's matters: their messages beside their calls
        context={"kind": "mine", "switch": deputy_switch(request.user, "orders")},
    )
