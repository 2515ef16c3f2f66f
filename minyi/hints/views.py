"""The hints' pages: the accuracy page (``/work/hints/``: dispatcher, liaison officer, system
administrator) and the panels beside the console's intake form and the dispatch form (htmx).

A panel shows names of categories, departments and scope reasons, never a person; still only the
hotline's roles get one, and the dispatch panel only for an order the user may see. Picking a
suggestion re-renders the form's select with it chosen (no script: the CSP allows none inline).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core.access import role_required
from minyi.core.bounds import parse_id
from minyi.hints import selectors
from minyi.hints.features import order_text
from minyi.hints.models import HintKind
from minyi.orders import text_limits
from minyi.reference.models import Category, Department
from minyi.workbench import departments
from minyi.workbench.detail_views import visible_order


@role_required(Role.DISPATCHER, Role.LIAISON, Role.ADMIN)
@require_GET
def accuracy(request: HttpRequest) -> HttpResponse:
    return render(request, "hints/accuracy.html", selectors.accuracy())


@role_required(Role.OPERATOR)
@require_POST
def intake_panel(request: HttpRequest) -> HttpResponse:
    """The console's panel: the category hint and the scope hint for what has been typed. A
    POST, so the caller's words never stand in a URL. A look-up: harmless to repeat, no key."""
    title = request.POST.get("title", "")[: text_limits.TITLE]
    content = request.POST.get("content", "")[: text_limits.CONTENT]
    text = order_text(title, content) if (title.strip() or content.strip()) else ""
    context = {
        "hint": selectors.suggest(kind=HintKind.CATEGORY, text=text),
        "scope": selectors.scope_hint(text) if text else None,
    }
    return render(request, "hints/_intake_panel.html", context)


@role_required(Role.DISPATCHER, Role.OPERATOR)
@require_GET
def order_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The dispatch form's panel: the lead-department hint and the scope hint for the order."""
    order = visible_order(request, number)
    text = order_text(order.title, order.content)
    context = {
        "order": order,
        "hint": selectors.suggest(kind=HintKind.DEPARTMENT, text=text),
        "scope": selectors.scope_hint(text),
    }
    return render(request, "hints/_dispatch_panel.html", context)


@role_required(Role.OPERATOR)
@require_GET
def pick_category(request: HttpRequest) -> HttpResponse:
    """采用 a category: the intake form's category options with it chosen."""
    chosen = parse_id(request.GET.get("selected"))
    categories = Category.objects.filter(is_active=True).select_related("parent")
    return render(
        request, "hints/_category_options.html", {"categories": categories, "chosen": chosen}
    )


@role_required(Role.DISPATCHER, Role.OPERATOR)
@require_GET
def pick_department(request: HttpRequest, number: str) -> HttpResponse:
    """采用 a department: the dispatch form's lead options (the order's region and category
    first, as the form offers them) with the chosen one among them and selected."""
    order = visible_order(request, number)
    chosen = parse_id(request.GET.get("selected"))
    offered = departments.preselected(order.region, order.category)
    if chosen is not None and chosen not in {d.pk for d in offered}:
        offered += list(Department.objects.filter(pk=chosen, is_active=True))
    return render(request, "hints/_department_options.html", {"offered": offered, "chosen": chosen})
