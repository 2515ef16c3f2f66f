"""The departments' and the deputies' pages: a department's suggestions and its reply (with an
optional attachment); a deputy's own suggestions on the phone, a new one, the evaluation, the
amended one after a return."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minyi.accounts.models import Role
from minyi.core import idempotency
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.mashang.inbox import deputy_switch
from minyi.suggestions import forms, selectors
from minyi.suggestions.models import SuggestionReply, SuggestionSource
from minyi.suggestions.services import (
    suggestion_create,
    suggestion_evaluate,
    suggestion_reply,
    suggestion_resubmit,
)
from minyi.suggestions.views import READERS, act
from minyi.uploads.download import download_response


@role_required(Role.HANDLER)
@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.department_suggestions(request.user)
    context = {"rows": rows, "title": "交本单位办理的代表建议"}
    return render(request, "suggestions/department.html", context)


@role_required(Role.HANDLER)
@require_POST
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(row, data) -> str:
        suggestion_reply(
            suggestion=row,
            actor=request.user,
            content=data["content"],
            attachment=data.get("attachment"),
        )
        return "答复已提交。"

    return act(request, pk, form_class=forms.ReplyForm, name="reply", perform=perform)


@role_required(*READERS)
@require_GET
def reply_attachment(request: HttpRequest, pk: int, reply_id: int) -> FileResponse:
    """After the visibility check only (nothing serves /media/)."""
    row = selectors.visible_suggestion(request.user, pk)
    reply = get_object_or_404(SuggestionReply, pk=reply_id, suggestion=row)
    if not reply.attachment:
        raise Http404("该答复没有附件。")
    try:
        handle = reply.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    name = row.person.redact_from(reply.attachment_name, reply.replied_by)
    return download_response(handle, name=name, content_type=reply.attachment_type)


@role_required(Role.DEPUTY)
@require_GET
def mine_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.deputy_suggestions(request.user)
    # beside 选民留言 and 我的工单: one place for all of a deputy's matters
    switch = deputy_switch(request.user, "suggestions")
    context = {"rows": rows, "title": "我的建议", "switch": switch}
    return render(request, "suggestions/mine.html", context)


@role_required(Role.DEPUTY)
@require_http_methods(["GET", "POST"])
def new_suggestion(request: HttpRequest) -> HttpResponse:
    """A deputy's own suggestion: a form still on the page carries its errors."""
    if request.method == "GET":
        form = forms.SuggestionForm()
        return render(request, "suggestions/new.html", {"form": form, "title": "提出建议"})
    key = idempotency.posted_key(request)
    form = forms.SuggestionForm(request.POST)

    def perform() -> dict:
        if not form.is_valid():
            raise idempotency.Refused(form)
        data = form.cleaned_data
        cosigners = [d for d in data["cosigners"] if d.pk != request.user.deputy_id]
        try:
            row = suggestion_create(
                title=data["title"],
                content=data["content"],
                lead_deputy=request.user.deputy,
                cosigners=cosigners,
                actor=request.user,
                source=SuggestionSource.DEPUTY,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            raise idempotency.Refused(form) from None
        return {"pk": row.pk}

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope="suggestion new",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=perform,
        )
    except idempotency.Refused:
        form.data = idempotency.rekeyed(request.POST)  # the errors stay; a new key to resend
        return render(request, "suggestions/new.html", {"form": form, "title": "提出建议"})
    except idempotency.KeyReused as error:
        messages.error(request, error.message)
        return redirect("suggestions-mine")
    messages.success(request, "建议已提交，等待联工委审查。")
    return redirect("suggestion-detail", pk=once.result["pk"])


@role_required(Role.DEPUTY)
@require_POST
def evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(row, data) -> str:
        suggestion_evaluate(
            suggestion=row, actor=request.user, evaluation=data["evaluation"], note=data["note"]
        )
        return "评价已提交。"

    return act(request, pk, form_class=forms.EvaluateForm, name="evaluate", perform=perform)


def _kept(sent: str, original: str, person) -> str:
    """A text sent back as the form showed it (cut by the privacy rule) keeps what the cut hid;
    an edited one is saved as typed."""

    def plain(text: str) -> str:
        return (text or "").replace("\r\n", "\n").strip()

    return original if plain(sent) == plain(person.redact(original)) else sent


@role_required(Role.DEPUTY)
@require_POST
def resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(row, data) -> str:
        title = _kept(data["title"], row.title, row.person)
        content = _kept(data["content"], row.content, row.person)
        suggestion_resubmit(suggestion=row, actor=request.user, title=title, content=content)
        return "建议已重新提交。"

    return act(request, pk, form_class=forms.ResubmitForm, name="resubmit", perform=perform)
