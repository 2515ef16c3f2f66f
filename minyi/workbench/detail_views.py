"""The order detail page (工单详情), its print sheet, the requester reveal, attachment download.

Every view here first finds the order in ``orders_visible_to(user)``: an order another
department cannot see answers 404, so it does not even learn the number exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.access import client_ip, role_required
from minyi.core.bounds import parse_id
from minyi.orders.models import Attachment, ExtensionRequest, ReturnRequest, WorkOrder
from minyi.orders.selectors import links_hidden, orders_visible_to
from minyi.orders.services.rating import rating_of_this_reply
from minyi.privacy import rules
from minyi.privacy.models import Surface
from minyi.privacy.services import RevealRefused, requester_reveal
from minyi.reference.models import Category, Region
from minyi.uploads import download_response
from minyi.workbench import departments, permissions, presenters


def visible_order(request: HttpRequest, number: str) -> WorkOrder:
    return get_object_or_404(
        orders_visible_to(request.user).select_related(
            "request_type", "deputy", "category", "region", "reject_reason", "master", "created_by"
        ),
        number=number,
    )


def sheet_context(
    request: HttpRequest, order: WorkOrder, person: rules.Person | None = None
) -> dict:
    """What an order *is*, as this user may see it: the page's facts, the print sheet's whole.
    ``person`` is the requester as the rule lets this user see them (the full view only from
    ``requester_reveal``); every text comes from the presenters, cut by who wrote it
    (``Person.redact_from``)."""
    user = request.user
    person = person or rules.requester_shown(user, order)
    hidden = links_hidden(user, order)
    returns = ReturnRequest.objects.select_related(
        "suggested_department", "leader_opinion__uploaded_by", "requested_by", "ruled_by"
    )
    extensions = ExtensionRequest.objects.select_related("requested_by", "ruled_by")
    assignments = list(
        order.assignments.select_related("department", "signed_by").prefetch_related(
            Prefetch("return_requests", queryset=returns),
            Prefetch("extension_requests", queryset=extensions),
        )
    )
    presenters.requests_read(assignments, person)
    return {
        "order": order,
        "texts": presenters.order_texts(order, person),
        "master": order.master if order.master_id and order.master_id not in hidden else None,
        "deadlines": presenters.order_deadlines(order, assignments),
        "assignments": [(a, presenters.assignment_deadlines(a)) for a in assignments],
        "timeline": presenters.timeline(order, person, hidden),
        "attachments": presenters.attachments(order, person),
        "replies": presenters.replies(order, person),
        "callbacks": presenters.callbacks(order, person),
        "tracking": presenters.tracking(order, person),
        "requester": person,
    }


def detail_context(
    request: HttpRequest,
    order: WorkOrder,
    ctx: permissions.OrderContext,
    *,
    bound: dict | None = None,
    person: rules.Person | None = None,
) -> dict:
    """Everything the page shows: the sheet, and what the user may do now. ``bound`` holds the
    one form the user just posted (with its errors), so it is shown again in place of a blank
    one — as typed: what a user sends is never read back through the privacy rule. Otherwise
    the action named by ``?do=`` is open (its form alone, rendered here: no script needed); an
    unknown or not allowed name opens nothing."""
    from minyi.workbench.action_views import action_forms  # the registry lives with the actions

    user = request.user
    context = sheet_context(request, order, person)
    person = context["requester"]
    open_name = "" if bound else request.GET.get("do", "")[:40]
    actions = action_forms(user, ctx, bound=bound or {}, open_name=open_name)
    return {
        **context,
        "ctx": ctx,
        "may_reveal": person.shown != rules.Shown.FULL and rules.may_reveal(user, order),
        # buttons, the usual next step first; the one asked for (?do=) or just posted is open
        "actions": actions,
        "open_action": next((a for a in actions if a.open), None),
        "page_name": "order-detail",
        "action_url": "order-action",
        # the dispatch form's department filters (lazy: read only when that form is shown)
        "regions": Region.objects.order_by("code", "name"),
        "categories": Category.objects.filter(is_active=True).select_related("parent"),
        # the deputy reads the result and rates it at the top of the page (services/rating.py)
        "deputy_view": user.role == Role.DEPUTY,
        "rating": rating_of_this_reply(order) if user.role == Role.DEPUTY else None,
        # 码上找代表: the message this order was forwarded from, for those who may open it
        "source_messages": _source_messages(user, order),
    }


def _source_messages(user, order: WorkOrder) -> list:
    from minyi.mashang.selectors import messages_visible_to
    from minyi.orders.models import Channel

    if order.channel != Channel.QR_MESSAGE:
        return []
    return list(messages_visible_to(user).filter(order=order).only("pk", "tracking_code"))


def render_order_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    """The detail page. Nothing is cut out of the rendered page as a whole: that would cut the
    user's own text and the form they just sent too, and so confirm a guess at who reported."""
    return render(request, "workbench/order_detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = visible_order(request, number)
    ctx = permissions.order_context(request.user, order)
    return render_order_page(request, detail_context(request, order, ctx))


@login_required
@require_GET
def order_print(request: HttpRequest, number: str) -> HttpResponse:
    """打印: the order on an A4 sheet (the browser prints it), with the timeline and the
    deadlines. The requester as the rule shows them to this user, masked: a full view is an
    act on the page, logged, never a side effect of printing."""
    order = visible_order(request, number)
    context = {**sheet_context(request, order), "printed_at": clock.now(), "may_reveal": False}
    return render(request, "workbench/order_print.html", context)


@login_required
@require_POST
def order_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """查看完整信息: the service checks the rule, logs the view and returns the full requester."""
    order = visible_order(request, number)
    try:
        person = requester_reveal(
            user=request.user, order=order, surface=Surface.WORKBENCH, ip=client_ip(request)
        )
    except RevealRefused as error:
        raise PermissionDenied(error.message) from None
    if request.headers.get("HX-Request"):
        context = {"order": order, "requester": person, "may_reveal": False}
        return render(request, "workbench/_requester.html", context)
    ctx = permissions.order_context(request.user, order)
    return render_order_page(request, detail_context(request, order, ctx, person=person))


@login_required
@require_GET
def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """The only way out for a stored file: after the visibility check, as a download with the
    type detected on upload (minyi.uploads.download_response); nothing serves /media/."""
    order = visible_order(request, number)
    attachment = get_object_or_404(
        Attachment.objects.select_related("uploaded_by"), pk=pk, order=order
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    # The file's name is free text like any other: cut by who uploaded it.
    person = rules.requester_shown(request.user, order)
    name = person.redact_from(attachment.name, attachment.uploaded_by)
    return download_response(handle, name=name, content_type=attachment.content_type)


@role_required(Role.DISPATCHER, Role.HANDLER, Role.OPERATOR)
@require_GET
def department_options(request: HttpRequest) -> HttpResponse:
    """The dispatch form's department search (htmx): active departments by name, those of the
    region (or the one above it) in charge of the category (or its parent) first; with a name
    typed, the others of that name after them (``workbench.departments``)."""
    offer = departments.search(
        q=request.GET.get("q", "").strip()[:100],
        region=Region.objects.filter(pk=parse_id(request.GET.get("region"))).first(),
        category=Category.objects.filter(pk=parse_id(request.GET.get("category"))).first(),
    )
    return render(
        request,
        "workbench/_department_options.html",
        {"offer": offer, "selected": request.GET.get("selected", "")},
    )
