"""The liaison committee's pages under ``/work/suggestions/``: the queue by state, one
suggestion (every reader's detail page), review (立案/退回/不予立案) and hand-over (交办)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import idempotency
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.suggestions import forms, selectors
from minyi.suggestions.models import SuggestionStatus
from minyi.suggestions.owing import owing
from minyi.suggestions.selectors import QUEUE_LIMIT, TABS, suggestion_queue
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_reject,
    suggestion_return,
)

READERS = (Role.LIAISON, Role.HANDLER, Role.DEPUTY)


@role_required(Role.LIAISON)
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", SuggestionStatus.PENDING)
    if state not in SuggestionStatus.values:
        state = SuggestionStatus.PENDING
    label = dict(TABS)[state]
    context = {
        "rows": suggestion_queue(request.user, status=state),
        "limit": QUEUE_LIMIT,
        "tabs": TABS,
        "state": state,
        "title": f"闭会期间代表建议 · {label}",
    }
    return render(request, "suggestions/list.html", context)


@role_required(*READERS)
@require_GET
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.visible_suggestion(request.user, pk)
    context = selectors.suggestion_page(request.user, row)
    if context["is_liaison"] and row.status == SuggestionStatus.PENDING:
        context["review_form"] = forms.ReviewForm()
    if context["is_liaison"] and row.status == SuggestionStatus.ACCEPTED:
        context["assign_form"] = forms.AssignForm()
    part = context["my_part"]
    if part is not None and owing(row.assignments.filter(pk=part.pk)).exists():
        context["reply_form"] = forms.ReplyForm()
    if context["is_lead"] and row.status == SuggestionStatus.REPLIED:
        context["evaluate_form"] = forms.EvaluateForm()
    if context["is_lead"] and row.status == SuggestionStatus.RETURNED:
        # the texts as this deputy reads them (a report's reporter cut out)
        context["resubmit_form"] = forms.ResubmitForm(
            initial={"title": row.shown_title, "content": context["content"]}
        )
    context["title"] = f"代表建议 {row.shown_number}"
    template = (
        "suggestions/phone_detail.html"
        if request.user.role == Role.DEPUTY
        else ("suggestions/detail.html")
    )
    return render(request, template, context)


def act(request: HttpRequest, pk: int, *, form_class, name: str, perform) -> HttpResponse:
    """One POST on a suggestion: the key first, then (inside ``flashed_once``) visibility, the
    form and the service; a refusal is the banner on the suggestion's page."""
    key = idempotency.posted_key(request)

    def run() -> dict:
        row = selectors.visible_suggestion(request.user, pk)
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            errors = [e for field in form.errors.values() for e in field]
            raise idempotency.Refused("；".join(errors))
        try:
            message = perform(row, form.cleaned_data)
        except DomainError as error:
            raise idempotency.Refused(error.message) from None
        return {"message": message}

    result = idempotency.flashed_once(
        request, key=key, scope=f"suggestion {pk} {name}", perform=run
    )
    if result is not None:
        messages.success(request, result["message"])
    return redirect("suggestion-detail", pk=pk)


@role_required(Role.LIAISON)
@require_POST
def suggestion_review(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(row, data) -> str:
        user, reason = request.user, data["reason"]
        if data["decision"] == "accept":
            suggestion_accept(
                suggestion=row, actor=user, note=reason, lead_deputy=data["lead_deputy"]
            )
            return "已立案。"
        if data["decision"] == "return":
            suggestion_return(suggestion=row, actor=user, reason=reason)
            return "已退回领衔代表。"
        suggestion_reject(suggestion=row, actor=user, reason=reason)
        return "已决定不予立案。"

    return act(request, pk, form_class=forms.ReviewForm, name="review", perform=perform)


@role_required(Role.LIAISON)
@require_POST
def suggestion_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(row, data) -> str:
        suggestion_assign(
            suggestion=row,
            actor=request.user,
            lead_department=data["lead"],
            assisting=list(data["assisting"]),
            months=data["months"],
            note=data["note"],
        )
        return "已交办。"

    return act(request, pk, form_class=forms.AssignForm, name="assign", perform=perform)
