"""The staff side of 码上找代表 (``/work/messages/``): the inbox, a message's page with its photos,
one timeline and its actions. For deputies, station staff and liaison officers; every view finds
the message in ``messages_visible_to(user)`` first (another's message answers 404), and what it
shows of the citizen is ``privacy.citizen_shown``'s (never the full phone).

The actions are ``actions.ACTIONS``: ``?do=<action>`` opens one form (no script needed), the POST
runs the checks and the service once per submitted form (``perform_once``), and a refusal comes
back on the page with its form, in Chinese, as 400.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from minyi.accounts.models import Role
from minyi.core import idempotency
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.core.sentences import join_sentences
from minyi.mashang import actions, inbox
from minyi.mashang.models import Message, MessagePhoto
from minyi.mashang.presenters import message_timeline, visible_order
from minyi.mashang.privacy import citizen_shown
from minyi.mashang.selectors import messages_visible_to
from minyi.uploads import download_response

STAFF = (Role.DEPUTY, Role.STATION, Role.LIAISON)
REFUSED = "您现在不能对这条留言执行此操作（它可能已被处理）。"


@role_required(*STAFF)
@require_GET
def message_inbox(request: HttpRequest) -> HttpResponse:
    tab = inbox.tab_of(request.GET.get("tab", ""))
    rows, more = inbox.rows(request.user, inbox.inbox_queue(request.user, tab))
    context = {
        "tabs": inbox.TABS,
        "tab": tab,
        "rows": rows,
        "more": more,
        "page_size": inbox.PAGE,
        "switch": inbox.deputy_switch(request.user, "messages"),
    }
    return render(request, "mashang/work/inbox.html", context)


def _visible(request: HttpRequest, pk: int) -> Message:
    return get_object_or_404(
        messages_visible_to(request.user).select_related("deputy", "station", "order"), pk=pk
    )


def _page(request: HttpRequest, message: Message, *, bound=None, status: int = 200):
    user = request.user
    order = visible_order(user, message)
    open_name = "" if bound else request.GET.get("do", "")[:40]
    buttons = actions.buttons(user, message, bound=bound or {}, open_name=open_name)
    context = {
        "message": message,
        "citizen": citizen_shown(user, message),
        "photos": list(message.photos.all()) if not message.scrubbed_at else [],
        "timeline": message_timeline(user, message, order),
        "order": order,
        "actions": buttons,
        "open_action": next((b for b in buttons if b.open), None),
        "switch": inbox.deputy_switch(user, "messages"),
    }
    if context["open_action"] and context["open_action"].name == "forward":
        from minyi.reference.models import ScopeReason

        context["scope_reasons"] = ScopeReason.objects.filter(is_active=True)
    return render(request, "mashang/work/message.html", context, status=status)


@role_required(*STAFF)
@require_GET
def message_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _visible(request, pk))


@role_required(*STAFF)
@require_GET
def message_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    """A photo of the message, only after the visibility check (nothing serves /media/)."""
    message = _visible(request, pk)
    if message.scrubbed_at:
        raise Http404("照片已清除。")
    row = get_object_or_404(MessagePhoto, pk=photo, message=message)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件不存在。") from None
    return download_response(handle, name=f"留言照片{row.pk}", content_type=row.content_type)


@login_required
@require_POST
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action, once per submitted form: the same form posted again answers with the first
    message and redirect, and does nothing."""
    if action not in actions.ACTIONS:
        raise Http404("没有这个操作。")
    spec = actions.ACTIONS[action]
    key = idempotency.posted_key(request)

    def perform() -> dict:
        message = _visible(request, pk)
        if not actions.allowed(action, request.user, message):
            raise idempotency.Refused(None)
        form = spec.form(request.POST, message=message, action=action)
        if form.is_valid():
            try:
                return {"message": spec.perform(message, form.cleaned_data, request.user)}
            except DomainError as error:
                form.add_error(None, error.message)
        raise idempotency.Refused(form)

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope=f"message {pk} {action}",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=perform,
        )
    except idempotency.Refused as refused:
        form = refused.answer
        if form is None:  # not this user's action on this message now
            raise PermissionDenied(REFUSED) from None
        message = _visible(request, pk)  # as it is now
        if not actions.allowed(action, request.user, message):
            # someone moved it on meanwhile: the form is gone, the top says why
            flash.error(request, join_sentences(form.non_field_errors()) or REFUSED)
            return _page(request, message, status=400)
        return _page(request, message, bound={action: form}, status=400)
    except idempotency.KeyReused as error:
        flash.error(request, error.message)
        return _back(request, pk)
    flash.success(request, once.result["message"])
    return _back(request, pk)


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the message, or to the inbox once it has left this user's sight (handed on)."""
    if messages_visible_to(request.user).filter(pk=pk).exists():
        return redirect("message-page", pk)
    return redirect(reverse("message-inbox"))
