"""The statistics pages under /work/stats/ (issue 11): the dashboard (统计分析), the department
grading (部门考核) and the deputy activity (代表履职).

Who reads them: the liaison officer (联工委) only, as the ledger they click through to
(``/work/ledger/``, ``Role.LIAISON``). The dispatcher's work is the queue, not the figures; the
administrators work in the admin (the system administrator sets the weights there:
``StatisticsPolicy``); departments and deputies must not read other departments' or deputies'
figures. Every role but the liaison officer gets a 403, a visitor the sign-in page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.core.access import role_required
from minyi.core.dbrouter import reads_from_replica
from minyi.ledger import activity, dashboard, grading, stats, suggestion_stats
from minyi.ledger.stats_forms import StatsFilterForm

READERS = (Role.LIAISON,)
DEPUTIES_PER_PAGE = 50


def _form(request: HttpRequest, fields: tuple[str, ...] | None = None):
    form = StatsFilterForm(request.GET or None, fields=fields)
    error = "筛选条件有误，请检查后重试。" if form.is_bound and not form.is_valid() else ""
    selection, chosen = form.selection()
    return form, selection, chosen, error


def _sort_links(request: HttpRequest, keys, current: str) -> dict[str, str]:
    """Each column's ``?…&sort=`` link: sorted by it (best first), again to reverse."""
    params = request.GET.copy()
    params.pop("page", None)
    out = {}
    for key in keys:
        params["sort"] = f"-{key}" if current == key else key
        out[key] = params.urlencode()
    return out


@role_required(*READERS)
@require_safe
@reads_from_replica
def stats_dashboard(request: HttpRequest) -> HttpResponse:
    form, selection, chosen, error = _form(request)
    unit = request.GET.get("unit") if request.GET.get("unit") in stats.UNITS else "day"
    data = dashboard.dashboard(selection, chosen=chosen, unit=unit, user=request.user)
    unit = data["charts"]["volume"]["unit"]  # a long period is drawn in longer buckets
    params = request.GET.copy()
    units = []
    for key, (label, _) in stats.UNITS.items():
        params["unit"] = key
        units.append({"key": key, "label": f"按{label}", "query": params.urlencode()})
    context = {
        "title": "统计分析",
        "form": form,
        "error": error,
        "selection": selection,
        "chosen": chosen,
        "unit": unit,
        "units": units,
        # 闭会期间代表建议 of the same period (the other filters do not apply to suggestions)
        "suggestions": suggestion_stats.block(
            selection.period,
            policy=stats.Policy.current(),
            today=timefmt.local(clock.now()).date(),
        ),
        **data,
    }
    return render(request, "ledger/stats/dashboard.html", context, status=400 if error else 200)


@role_required(*READERS)
@require_safe
@reads_from_replica
def stats_departments(request: HttpRequest) -> HttpResponse:
    # every department is a row: no department filter here
    form, selection, chosen, error = _form(
        request, fields=("month", "date_from", "date_to", "channel", "level", "region", "category")
    )
    sort = request.GET.get("sort") or "score"
    policy = stats.Policy.current()
    rows = grading.grading(selection, user=request.user, sort=sort, policy=policy)
    weights, sorts = grading.weights_of(), _sort_links(request, grading.SORTS, sort)
    for row in rows:
        linked = stats.Selection(
            period=selection.period,
            month=selection.month,
            channel=selection.channel,
            region=selection.region,
            category=selection.category,
            level=selection.level,
            department=row["department"],
        )
        row["url"] = linked.ledger_url("dispatched")
        row["returns_accepted_url"] = linked.ledger_url("returns_accepted")
        row["returns_refused_url"] = linked.ledger_url("returns_refused")
        row["cells"] = [
            {
                **row["rates"][g.key],
                "key": g.key,
                "label": g.label,
                "text": dashboard.percent(row["rates"][g.key]["value"], 1),
                "interval_text": dashboard.interval_text(row["rates"][g.key]["interval"]),
                "url": linked.ledger_url(g.figure),
            }
            for g in grading.GRADED
        ]
    context = {
        "title": "部门考核",
        "form": form,
        "error": error,
        "selection": selection,
        "chosen": chosen,
        "rows": rows,
        "headers": [
            {"key": g.key, "label": g.label, "weight": weights[g.key], "query": sorts[g.key]}
            for g in grading.GRADED
        ],
        "policy": policy,
        "sort": sort,
        "sorts": sorts,
    }
    return render(request, "ledger/stats/departments.html", context, status=400 if error else 200)


@role_required(*READERS)
@require_safe
@reads_from_replica
def stats_deputies(request: HttpRequest) -> HttpResponse:
    form, selection, chosen, error = _form(
        request, fields=("month", "date_from", "date_to", "channel", "level")
    )
    sort = request.GET.get("sort") or "calls"
    rows = activity.activity(selection, user=request.user, sort=sort)
    page = Paginator(rows, DEPUTIES_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["cells"] = [
            {"label": label, "value": row["counts"][key]} for key, label in activity.COLUMNS.items()
        ]
    sorts = _sort_links(request, activity.SORTS, sort)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "title": "代表履职",
        "form": form,
        "error": error,
        "selection": selection,
        "chosen": chosen,
        "page": page,
        "headers": [
            {"key": key, "label": label, "query": sorts[key]}
            for key, label in activity.COLUMNS.items()
        ],
        "sort": sort,
        "sorts": sorts,
        "page_qs": params.urlencode(),
    }
    return render(request, "ledger/stats/deputies.html", context, status=400 if error else 200)
