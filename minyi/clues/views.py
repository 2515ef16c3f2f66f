"""The clue library's pages under /work/clues/: the liaison officer's list, new clue, detail and
actions, the professional groups; a group deputy's phone pages (their clues, a clue, 调研, 转为代表
建议). Thin: a form, one service call, a redirect; the refusal's words are the service's."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages as flash
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minyi.accounts.models import Role
from minyi.clues import errors, forms, selectors, services
from minyi.clues.models import Clue, ClueNote, ClueProposal
from minyi.core import idempotency
from minyi.core.access import has_role, role_required
from minyi.core.errors import DomainError
from minyi.deputies.models import ProfessionalGroup
from minyi.mashang.inbox import deputy_switch
from minyi.orders.models import WorkOrder
from minyi.uploads.download import download_response


def _first_error(form) -> str:
    for found in form.errors.values():
        return str(found[0])
    return "提交的内容有误。"


@role_required(Role.LIAISON)
@require_GET
def clue_list(request: HttpRequest) -> HttpResponse:
    form = forms.ClueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.clue_list(
        status=filters.get("status") or "", group=filters.get("group"), q=filters.get("q") or ""
    )
    context = {"rows": rows, "form": form, "limit": selectors.LIST_LIMIT}
    return render(request, "clues/list.html", context)


@role_required(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def clue_new(request: HttpRequest) -> HttpResponse:
    """GET ?orders=12,34&title=…&summary=… prefills the form (from a hot topic)."""
    if request.method == "GET":
        initial = {k: request.GET.get(k, "") for k in ("orders", "title", "summary")}
        form = forms.ClueCreateForm(initial=initial)
        ids = forms.ids_of(initial["orders"])
        if ids is None:
            flash.error(request, forms.BAD_IDS)
            ids = []
        rows = selectors.orders_for_prefill(request.user, ids, [])
        return render(request, "clues/new.html", {"form": form, "orders": rows})
    key = idempotency.posted_key(request)

    def perform() -> dict:
        form = forms.ClueCreateForm(request.POST)
        if not form.is_valid():
            raise idempotency.Refused(form)
        ids, numbers = form.cleaned_data["orders"], form.cleaned_data["numbers"]
        orders = list(WorkOrder.objects.filter(Q(pk__in=ids) | Q(number__in=numbers)))
        if set(ids) - {o.pk for o in orders} or set(numbers) - {o.number for o in orders}:
            form.add_error(None, errors.UNKNOWN_ORDERS)
            raise idempotency.Refused(form)
        try:
            clue = services.clue_create(
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                orders=orders,
                group=form.cleaned_data["group"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            raise idempotency.Refused(form) from None
        return {
            "clue": clue.pk,
            "message": f"已创建线索“{clue.title}”，关联工单 {len(orders)} 件。",
        }

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope="clue new",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=perform,
        )
    except idempotency.Refused as refused:
        form = refused.answer
        return _new_again(request, form, status=400)
    except idempotency.KeyReused as error:
        form = forms.ClueCreateForm(idempotency.rekeyed(request.POST))
        form.is_valid()
        form.add_error(None, error.message)
        return _new_again(request, form, status=400)
    flash.success(request, once.result["message"])
    return redirect("clue-detail", pk=once.result["clue"])


def _new_again(request, form, *, status: int) -> HttpResponse:
    data = form.data
    ids = forms.ids_of(data.get("orders", "")) or []
    rows = selectors.orders_for_prefill(request.user, ids, [])
    return render(request, "clues/new.html", {"form": form, "orders": rows}, status=status)


def _visible_clue(request, pk: int) -> Clue:
    """The liaison officer sees every clue; a deputy only their groups' (404 otherwise, so an
    outsider does not learn that it exists); any other role nothing."""
    clue = get_object_or_404(Clue.objects.select_related("group", "created_by"), pk=pk)
    if has_role(request.user, Role.LIAISON):
        return clue
    if services.is_group_deputy(request.user, clue):
        return clue
    raise Http404("没有这条线索。")


@require_GET
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    clue = _visible_clue(request, pk)
    context = {
        "clue": clue,
        "orders": selectors.linked_orders(request.user, clue),
        "notes": list(clue.notes.select_related("author")),
    }
    if has_role(request.user, Role.LIAISON):
        context.update(
            proposals=selectors.pending_proposals(request.user, clue),
            events=list(clue.events.select_related("actor")),
            assign_form=forms.AssignForm(initial={"group": clue.group_id}),
            link_form=forms.LinkForm(),
            close_form=forms.CloseForm(),
        )
        return render(request, "clues/detail.html", context)
    context.update(
        switch=deputy_switch(request.user, "clues"),
        note_form=forms.NoteForm(),
        suggest_form=forms.SuggestForm(
            initial={"title": clue.title, "content": clue.summary},
            clue=clue,
            deputy_id=request.user.deputy_id,
        ),
    )
    return render(request, "clues/deputy_detail.html", context)


def _act(request, pk: int, scope: str, form_class, call: Callable[[Clue, dict], str]):
    """One action on a clue: the key, the form, the service, a banner and back to the clue."""
    key = idempotency.posted_key(request)
    clue = _visible_clue(request, pk)

    def perform() -> dict:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            raise idempotency.Refused(_first_error(form))
        try:
            return {"message": call(clue, form.cleaned_data)}
        except DomainError as error:
            raise idempotency.Refused(error.message) from None

    result = idempotency.flashed_once(
        request, key=key, scope=f"clue {clue.pk} {scope}", perform=perform
    )
    if result is not None:
        flash.success(request, result["message"])
    return redirect("clue-detail", pk=clue.pk)


@require_POST
def clue_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def call(clue, data) -> str:
        services.clue_assign(clue=clue, group=data["group"], actor=request.user)
        return f"已交{data['group'].name}专业小组。"

    return _act(request, pk, "assign", forms.AssignForm, call)


@require_POST
def clue_link(request: HttpRequest, pk: int) -> HttpResponse:
    def call(clue, data) -> str:
        numbers = data["numbers"]
        orders = list(WorkOrder.objects.filter(number__in=numbers))
        if set(numbers) - {o.number for o in orders}:
            raise DomainError(errors.UNKNOWN_ORDERS)
        count = services.clue_link(clue=clue, orders=orders, actor=request.user)
        return f"已关联工单 {count} 件。"

    return _act(request, pk, "link", forms.LinkForm, call)


@require_POST
def clue_close(request: HttpRequest, pk: int) -> HttpResponse:
    def call(clue, data) -> str:
        services.clue_close(clue=clue, note=data["note"], actor=request.user)
        return "线索已关闭。"

    return _act(request, pk, "close", forms.CloseForm, call)


@require_POST
def clue_note(request: HttpRequest, pk: int) -> HttpResponse:
    def call(clue, data) -> str:
        services.clue_note_add(
            clue=clue, text=data["text"], file=data.get("file"), actor=request.user
        )
        return "调研记录已保存。"

    return _act(request, pk, "note", forms.NoteForm, call)


@require_POST
def clue_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    def call(clue, data) -> str:
        services.clue_suggest(
            clue=clue,
            title=data["title"],
            content=data["content"],
            cosigners=list(data["cosigners"]),
            actor=request.user,
        )
        return "已转为闭会期间代表建议，您为领衔代表。"

    def form(data, files):
        clue = _visible_clue(request, pk)
        return forms.SuggestForm(data, files, clue=clue, deputy_id=request.user.deputy_id)

    return _act(request, pk, "suggest", form, call)


@require_POST
def proposal_decide(request: HttpRequest, pk: int, proposal: int, decision: str) -> HttpResponse:
    if decision not in ("accept", "dismiss"):
        raise Http404("没有这个操作。")
    found = get_object_or_404(ClueProposal, pk=proposal, clue_id=pk)

    def call(clue, data) -> str:
        if decision == "accept":
            services.proposal_accept(proposal=found, actor=request.user)
            return "已关联该工单。"
        services.proposal_dismiss(proposal=found, actor=request.user)
        return "已忽略该关联建议。"

    return _act(request, pk, f"proposal {proposal} {decision}", idempotency.KeyedForm, call)


@require_GET
def note_file(request: HttpRequest, pk: int, note: int) -> HttpResponse:
    """A note's file, to whoever may read the clue (the liaison officer, the group's deputies),
    as a download only (minyi.uploads.download_response)."""
    if not request.user.is_authenticated:
        raise Http404("没有这个附件。")
    clue = _visible_clue(request, pk)
    found = get_object_or_404(ClueNote, pk=note, clue=clue)
    if not found.file:
        raise Http404("没有这个附件。")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    return download_response(handle, name=found.file_name, content_type=found.file_type)


@role_required(Role.DEPUTY)
@require_GET
def my_clues(request: HttpRequest) -> HttpResponse:
    rows = selectors.clues_of_deputy(request.user)
    context = {"rows": rows, "switch": deputy_switch(request.user, "clues")}
    return render(request, "clues/mine.html", context)


@role_required(Role.LIAISON)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = ProfessionalGroup.objects.annotate(
        member_count=Count("deputies", distinct=True),
        clue_count=Count("clues", distinct=True),
    ).prefetch_related("deputies")
    return render(request, "clues/groups.html", {"groups": groups})
