"""``/work/search/`` 查询工单: the views are thin; what a search may find is ``search.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from minyi.core.access import client_ip
from minyi.privacy import rules
from minyi.privacy.services import phone_searched
from minyi.workbench import search
from minyi.workbench.list_selectors import HOME_BY_ROLE, detail_url
from minyi.workbench.search_forms import PhoneSearchForm, SearchForm


@login_required
@require_http_methods(["GET", "POST"])
def order_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in HOME_BY_ROLE:
        raise PermissionDenied("您的角色没有工作台，不能查询工单。")
    may_phone = rules.may_search_by_phone(user)
    context = {"form": SearchForm(), "phone_form": PhoneSearchForm() if may_phone else None}
    if request.method == "POST":  # by phone: a POST, so the number stays out of URLs and logs
        if not may_phone:
            raise PermissionDenied("您的角色不能按电话查询工单。")
        form = PhoneSearchForm(request.POST)
        context["phone_form"] = form
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            phone_searched(user=user, phone_e164=phone, ip=client_ip(request))
            context.update(searched="phone", rows=search.by_phone(user, phone))
        return _page(request, context, form)
    if "q" in request.GET:
        form = SearchForm(request.GET)
        context["form"] = form
        if form.is_valid():
            text = form.cleaned_data["q"]
            number = search.order_number_in(text)
            if number and search.by_number(user, number):
                return redirect(detail_url(number))
            context.update(searched="words", rows=search.by_words(user, search.words_of(text)))
        return _page(request, context, form)
    return _page(request, context, None)


def _page(request: HttpRequest, context: dict, form) -> HttpResponse:
    status = 400 if form is not None and form.errors else 200
    context.update(results_cap=search.RESULTS, kind="search", title="查询工单")
    return render(request, "workbench/search.html", context, status=status)
