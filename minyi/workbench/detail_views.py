"""The order detail page (工单详情), the requester reveal, attachment download.

Every view here first finds the order in ``orders_visible_to(user)``: an order another
department cannot see answers 404, so it does not even learn the number exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.access import role_required
from minyi.core.bounds import parse_id
from minyi.orders.models import Attachment, WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.privacy.models import PersonalDataAccess
from minyi.reference.models import Category, Department, Region
from minyi.workbench import permissions, presenters


def visible_order(request: HttpRequest, number: str) -> WorkOrder:
    return get_object_or_404(
        orders_visible_to(request.user).select_related(
            "request_type", "deputy", "category", "region", "reject_reason", "master", "created_by"
        ),
        number=number,
    )


def detail_context(
    request: HttpRequest,
    order: WorkOrder,
    ctx: permissions.OrderContext,
    *,
    bound: dict | None = None,
    revealed: bool = False,
) -> dict:
    """Everything the page shows. ``bound`` holds the one form the user just posted (with its
    errors), so it is shown again in place of a blank one."""
    from minyi.workbench.action_views import action_forms  # the registry lives with the actions

    user = request.user
    assignments = list(
        order.assignments.select_related("department", "signed_by").prefetch_related(
            "return_requests__suggested_department",
            "return_requests__leader_opinion",
            "extension_requests",
        )
    )
    return {
        "order": order,
        "ctx": ctx,
        "deadlines": presenters.order_deadlines(order, assignments),
        "assignments": [(a, presenters.assignment_deadlines(a)) for a in assignments],
        "timeline": presenters.timeline(order),
        "attachments": order.attachments.select_related("uploaded_by").order_by("uploaded_at"),
        "replies": order.replies.select_related("assignment__department", "author"),
        "callbacks": order.callbacks.select_related("agent"),
        "requester": presenters.requester(user, order, revealed=revealed),
        "may_reveal": permissions.may_reveal_requester(user, ctx),
        "actions": action_forms(user, ctx, bound=bound or {}),
        # the dispatch form's department filters (lazy: read only when that form is shown)
        "regions": Region.objects.order_by("code", "name"),
        "categories": Category.objects.filter(is_active=True).select_related("parent"),
        "operator_next_step": (
            user.role == Role.OPERATOR
            and order.created_by_id == user.pk
            and order.status == "accepted"
        ),
    }


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = visible_order(request, number)
    ctx = permissions.order_context(request.user, order)
    return render(request, "workbench/order_detail.html", detail_context(request, order, ctx))


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a load balancer; the deployment sets it from
    # X-Forwarded-For in the proxy, not here, so a client cannot forge its own entry.
    return request.META.get("REMOTE_ADDR") or None


@login_required
@require_POST
def order_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """查看完整信息: show the requester's full name and number, and log that this user saw them."""
    order = visible_order(request, number)
    ctx = permissions.order_context(request.user, order)
    if not permissions.may_reveal_requester(request.user, ctx):
        raise PermissionDenied("您的角色不能查看诉求人的完整信息。")
    shown = [
        label
        for label, value in (
            ("诉求人姓名", order.requester_name),
            ("联系电话", order.requester_phone),
        )
        if value
    ]
    PersonalDataAccess.objects.create(
        user=request.user,
        order=order,
        fields="、".join(shown) or "（无）",
        at=clock.now(),
        ip=client_ip(request),
    )
    if request.headers.get("HX-Request"):
        context = {
            "order": order,
            "requester": presenters.requester(request.user, order, revealed=True),
            "may_reveal": False,
        }
        return render(request, "workbench/_requester.html", context)
    return render(
        request,
        "workbench/order_detail.html",
        detail_context(request, order, ctx, revealed=True),
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """Attachments are served here, after the visibility check, never from the public media URL."""
    order = visible_order(request, number)
    attachment = get_object_or_404(Attachment, pk=pk, order=order)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@role_required(Role.DISPATCHER, Role.HANDLER)
@require_GET
def department_options(request: HttpRequest) -> HttpResponse:
    """The dispatch form's department search (htmx): active departments by name, region (the
    region or the one above it) and category (departments in charge of it or of its parent)."""
    q = request.GET.get("q", "").strip()
    departments = Department.objects.filter(is_active=True)
    if q:
        departments = departments.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    region = Region.objects.filter(pk=parse_id(request.GET.get("region"))).first()
    if region is not None:
        departments = departments.filter(Q(region=region) | Q(region_id=region.parent_id))
    category = Category.objects.filter(pk=parse_id(request.GET.get("category"))).first()
    if category is not None:
        in_charge = [category.pk] + ([category.parent_id] if category.parent_id else [])
        departments = departments.filter(categories__in=in_charge).distinct()
    selected = request.GET.get("selected", "")
    return render(
        request,
        "workbench/_department_options.html",
        {"departments": departments.order_by("name")[:50], "selected": selected},
    )
