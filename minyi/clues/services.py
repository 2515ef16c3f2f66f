"""The one door to every change of a clue (线索库). Each service checks who acts and the clue's
state, locks the clue row (two liaison officers, or a deputy and an officer, act at once), and
writes one ``ClueEvent``; a refusal raises a ``DomainError`` with the page's Chinese words."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from minyi.accounts.models import Role, role_of
from minyi.clues import errors
from minyi.clues.models import (
    NOTE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Clue,
    ClueEvent,
    ClueEventKind,
    ClueNote,
    ClueOrder,
    ClueProposal,
    ClueStatus,
    ProposalStatus,
)
from minyi.core import clock
from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.uploads import check_upload

MAX_ORDERS = 200


def _liaison(actor) -> None:
    if role_of(actor) != Role.LIAISON:
        raise DomainError(errors.LIAISON_ONLY, code="forbidden")


def is_group_deputy(user, clue: Clue) -> bool:
    """A deputy account whose deputy is a member of the clue's group (the one membership rule)."""
    if role_of(user) != Role.DEPUTY or not getattr(user, "deputy_id", None):
        return False
    # a deputy whose mandates have all ended (is_active off) is no longer in any group
    return (
        bool(clue.group_id)
        and clue.group.deputies.filter(pk=user.deputy_id, is_active=True).exists()
    )


def _group_deputy(actor, clue: Clue) -> None:
    if role_of(actor) != Role.DEPUTY or not getattr(actor, "deputy_id", None):
        raise DomainError(errors.DEPUTY_ONLY, code="forbidden")
    if not clue.group_id:
        raise InvalidTransition(errors.NO_GROUP)
    if not is_group_deputy(actor, clue):
        raise DomainError(errors.NOT_IN_GROUP, code="forbidden")


def _open(clue: Clue) -> None:
    if not clue.is_open:
        raise InvalidTransition(errors.NOT_OPEN)


def _locked(clue: Clue) -> Clue:
    # the state is read under the row lock: a close and a note at once see one order of events
    return Clue.objects.select_for_update(of=("self",)).select_related("group").get(pk=clue.pk)


def _event(clue: Clue, kind: str, actor, *, before: str, note: str = "", **data) -> ClueEvent:
    return ClueEvent.objects.create(
        clue=clue,
        kind=kind,
        actor=actor,
        at=clock.now(),
        from_status=before,
        to_status=clue.status,
        note=note,
        data=data,
    )


def _text(value: str, *, empty: str | None, limit: int, too_long: str) -> str:
    value = (value or "").strip()
    if empty and not value:
        raise ValidationFailed(empty)
    if len(value) > limit:
        raise ValidationFailed(too_long)
    return value


@transaction.atomic
def clue_create(*, title: str, summary: str = "", orders: Iterable = (), group=None, actor) -> Clue:
    """A liaison officer promotes a topic or hand-picked orders into a clue (新建), linking the
    orders and, when given, giving it to a professional group."""
    _liaison(actor)
    title = _text(title, empty=errors.EMPTY_TITLE, limit=TITLE_MAX, too_long=errors.TITLE_TOO_LONG)
    summary = _text(summary, empty=None, limit=SUMMARY_MAX, too_long=errors.SUMMARY_TOO_LONG)
    orders = list(dict.fromkeys(orders))
    if len(orders) > MAX_ORDERS:
        raise ValidationFailed(errors.TOO_MANY_ORDERS)
    now = clock.now()
    clue = Clue.objects.create(
        title=title, summary=summary, group=group, created_by=actor, created_at=now
    )
    ClueOrder.objects.bulk_create(
        [ClueOrder(clue=clue, order=o, linked_by=actor, linked_at=now) for o in orders]
    )
    _event(
        clue,
        ClueEventKind.CREATED,
        actor,
        before=ClueStatus.NEW,
        orders=[o.number for o in orders],
        group=group.name if group else "",
    )
    return clue


@transaction.atomic
def clue_assign(*, clue: Clue, group, actor) -> Clue:
    """交专业小组 (or to another group): its deputies see the clue on their pages."""
    _liaison(actor)
    clue = _locked(clue)
    _open(clue)
    if clue.group_id == group.pk:
        raise ValidationFailed(errors.SAME_GROUP)
    before_group = clue.group.name if clue.group_id else ""
    clue.group = group
    clue.save(update_fields=["group"])
    _event(
        clue,
        ClueEventKind.ASSIGNED,
        actor,
        before=clue.status,
        note=group.name,
        previous=before_group,
    )
    return clue


@transaction.atomic
def clue_link(*, clue: Clue, orders: Iterable, actor) -> int:
    """关联工单 by hand (typed numbers): the orders not yet linked join the clue, one event."""
    _liaison(actor)
    clue = _locked(clue)
    _open(clue)
    orders = list(dict.fromkeys(orders))
    if not orders:
        raise ValidationFailed(errors.NO_ORDERS)
    if len(orders) > MAX_ORDERS:
        raise ValidationFailed(errors.TOO_MANY_ORDERS)
    linked = set(ClueOrder.objects.filter(clue=clue).values_list("order_id", flat=True))
    new = [o for o in orders if o.pk not in linked]
    if not new:
        raise ValidationFailed(errors.ALREADY_LINKED)
    now = clock.now()
    ClueOrder.objects.bulk_create(
        [ClueOrder(clue=clue, order=o, linked_by=actor, linked_at=now) for o in new]
    )
    # a pending proposal of an order now linked is settled by the link
    ClueProposal.objects.filter(clue=clue, order__in=new, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.ACCEPTED, decided_by=actor, decided_at=now
    )
    _event(
        clue, ClueEventKind.ORDER_LINKED, actor, before=clue.status, orders=[o.number for o in new]
    )
    return len(new)


@transaction.atomic
def proposal_accept(*, proposal: ClueProposal, actor) -> ClueProposal:
    """关联: the proposed order joins the clue."""
    return _decide(proposal, ProposalStatus.ACCEPTED, actor)


@transaction.atomic
def proposal_dismiss(*, proposal: ClueProposal, actor) -> ClueProposal:
    """忽略: the order stays out (and is not proposed for this clue again)."""
    return _decide(proposal, ProposalStatus.DISMISSED, actor)


def _decide(proposal: ClueProposal, status: str, actor) -> ClueProposal:
    _liaison(actor)
    clue = _locked(proposal.clue)
    _open(clue)
    proposal = ClueProposal.objects.select_for_update().select_related("order").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise InvalidTransition(errors.PROPOSAL_DONE)
    now = clock.now()
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, now
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    number = proposal.order.number
    if status == ProposalStatus.ACCEPTED:
        ClueOrder.objects.get_or_create(
            clue=clue, order=proposal.order, defaults={"linked_by": actor, "linked_at": now}
        )
        _event(clue, ClueEventKind.ORDER_LINKED, actor, before=clue.status, order=number)
    else:
        _event(clue, ClueEventKind.PROPOSAL_DISMISSED, actor, before=clue.status, order=number)
    return proposal


@transaction.atomic
def clue_note_add(*, clue: Clue, text: str, actor, file=None) -> ClueNote:
    """调研: a group deputy records research (with an optional file, checked as every upload);
    the first note moves 新建 → 调研中."""
    clue = _locked(clue)
    _group_deputy(actor, clue)
    _open(clue)
    text = _text(text, empty=errors.EMPTY_NOTE, limit=NOTE_MAX, too_long=errors.NOTE_TOO_LONG)
    note = ClueNote(clue=clue, author=actor, text=text, created_at=clock.now())
    if file is not None:
        checked = check_upload(file)
        note.file_name = checked.name or f"附件{checked.extension}"
        note.file_type = checked.content_type
        note.file.save(f"upload{checked.extension}", checked.content, save=False)
    note.save()
    if clue.status == ClueStatus.NEW:
        clue.status = ClueStatus.RESEARCHING
        clue.save(update_fields=["status"])
        _event(clue, ClueEventKind.RESEARCH_STARTED, actor, before=ClueStatus.NEW)
    _event(clue, ClueEventKind.NOTE_ADDED, actor, before=clue.status, note=text, note_id=note.pk)
    return note


@transaction.atomic
def clue_suggest(*, clue: Clue, title: str, content: str, actor, cosigners=()) -> Clue:
    """转为代表建议: a group deputy, as lead deputy, turns the clue into an intersession
    suggestion (``minyi.suggestions``, source "clue"); the clue is then 已转代表建议. Only a clue
    under research (调研中: a note written) — the 常德 order: research first, then the suggestion."""
    clue = _locked(clue)
    _group_deputy(actor, clue)
    _open(clue)
    if clue.status != ClueStatus.RESEARCHING:
        raise InvalidTransition(errors.NOT_RESEARCHED)
    title = (title or "").strip()
    content = (content or "").strip()
    if not title or not content:
        raise ValidationFailed(errors.EMPTY_SUGGESTION)
    members = set(clue.group.deputies.values_list("pk", flat=True))
    if any(d.pk not in members for d in cosigners):
        raise ValidationFailed(errors.COSIGNER_NOT_IN_GROUP)
    from minyi.suggestions.services import suggestion_create

    suggestion = suggestion_create(
        title=title,
        content=content,
        lead_deputy=actor.deputy,
        cosigners=cosigners,
        actor=actor,
        source="clue",
        clue_id=clue.pk,
    )
    before = clue.status
    clue.status, clue.suggestion_ref = ClueStatus.SUGGESTED, suggestion.pk
    clue.save(update_fields=["status", "suggestion_ref"])
    _event(
        clue, ClueEventKind.SUGGESTED, actor, before=before, note=title, suggestion=suggestion.pk
    )
    return clue


@transaction.atomic
def clue_close(*, clue: Clue, note: str, actor) -> Clue:
    """关闭 (nothing more to research, or taken up elsewhere), with the reason."""
    _liaison(actor)
    clue = _locked(clue)
    _open(clue)
    note = _text(note, empty=errors.EMPTY_CLOSE_NOTE, limit=NOTE_MAX, too_long=errors.NOTE_TOO_LONG)
    before = clue.status
    clue.status = ClueStatus.CLOSED
    clue.save(update_fields=["status"])
    ClueProposal.objects.filter(clue=clue, status=ProposalStatus.PENDING).delete()
    _event(clue, ClueEventKind.CLOSED, actor, before=before, note=note)
    return clue
