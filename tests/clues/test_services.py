"""The clue lifecycle (new → researching → suggested / closed), each move an event, and every
refusal in the words the pages show."""

from __future__ import annotations

import pytest

from minyi.clues import errors
from minyi.clues.models import (
    NOTE_MAX,
    TITLE_MAX,
    ClueEvent,
    ClueProposal,
    ClueStatus,
    ProposalStatus,
)
from minyi.clues.services import (
    clue_assign,
    clue_close,
    clue_create,
    clue_note_add,
    clue_suggest,
    proposal_accept,
    proposal_dismiss,
)
from minyi.core import clock
from minyi.core.errors import DomainError
from tests.factories import MONDAY, HandlerFactory, ProfessionalGroupFactory, make_order

pytestmark = pytest.mark.django_db


def kinds(clue) -> list[tuple[str, str, str]]:
    return list(
        ClueEvent.objects.filter(clue=clue)
        .order_by("id")
        .values_list("kind", "from_status", "to_status")
    )


def refused_with(message: str, call, **kwargs):
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.message == message


def test_a_liaison_officer_promotes_orders_into_a_new_clue_for_a_group(clue, lin, stalls, group):
    assert clue.status == ClueStatus.NEW
    assert set(clue.links.values_list("order_id", flat=True)) == {o.pk for o in stalls}
    assert (clue.group, clue.created_by, clue.created_at) == (group, lin, MONDAY)
    event = ClueEvent.objects.get(clue=clue)
    assert (event.kind, event.actor, event.at) == ("created", lin, MONDAY)
    assert event.data["orders"] == [o.number for o in stalls]


def test_a_group_deputy_s_first_note_starts_the_research(clue, wang):
    clue_note_add(clue=clue, text="走访了两个小区，摊贩多为附近居民。", actor=wang)
    clue_note_add(clue=clue, text="与城管座谈。", actor=wang)

    clue.refresh_from_db()
    assert clue.status == ClueStatus.RESEARCHING
    assert kinds(clue) == [
        ("created", "new", "new"),
        ("research_started", "new", "researching"),
        ("note_added", "researching", "researching"),
        ("note_added", "researching", "researching"),
    ]
    assert list(clue.notes.values_list("text", flat=True))[1] == "与城管座谈。"


def test_a_group_deputy_turns_the_clue_into_a_suggestion_as_its_lead_deputy(clue, wang):
    from minyi.suggestions.models import Suggestion

    clue_note_add(clue=clue, text="走访两个小区。", actor=wang)
    clue = clue_suggest(
        clue=clue, title="关于规范占道经营的建议", content="设置疏导点。", actor=wang
    )

    suggestion = Suggestion.objects.get(clue_id=clue.pk)
    assert (suggestion.title, suggestion.source, suggestion.lead_deputy) == (
        "关于规范占道经营的建议",
        "clue",
        wang.deputy,
    )
    assert (clue.status, clue.suggestion_ref) == (ClueStatus.SUGGESTED, suggestion.pk)
    assert kinds(clue)[-1] == ("suggested", "researching", "suggested")


def test_a_clue_not_yet_researched_is_not_turned_into_a_suggestion(clue, wang):
    refused_with(
        errors.NOT_RESEARCHED, clue_suggest, clue=clue, title="建议", content="内容", actor=wang
    )
    clue.refresh_from_db()
    assert clue.status == ClueStatus.NEW and not clue.suggestion_ref


def test_the_liaison_officer_closes_a_clue_with_a_reason(clue, lin):
    proposal = ClueProposal.objects.create(
        clue=clue, order=make_order("accepted"), score=0.5, created_at=MONDAY
    )
    clue = clue_close(clue=clue, note="已由部门专项整治。", actor=lin)

    assert clue.status == ClueStatus.CLOSED
    assert kinds(clue)[-1] == ("closed", "new", "closed")
    assert not ClueProposal.objects.filter(pk=proposal.pk).exists()


def test_the_liaison_officer_gives_the_clue_to_another_group(clue, lin):
    other = ProfessionalGroupFactory(name="财政经济")
    clue_assign(clue=clue, group=other, actor=lin)

    clue.refresh_from_db()
    assert clue.group == other
    event = clue.events.latest("id")
    assert (event.kind, event.note, event.data) == (
        "assigned",
        "财政经济",
        {"previous": "城乡建设"},
    )


def test_accepting_a_proposal_links_the_order_and_dismissing_one_does_not(clue, lin):
    new, other = make_order("accepted"), make_order("accepted")
    take = ClueProposal.objects.create(clue=clue, order=new, score=0.6, created_at=MONDAY)
    drop = ClueProposal.objects.create(clue=clue, order=other, score=0.4, created_at=MONDAY)

    proposal_accept(proposal=take, actor=lin)
    proposal_dismiss(proposal=drop, actor=lin)

    assert clue.links.filter(order=new).exists() and not clue.links.filter(order=other).exists()
    take.refresh_from_db()
    drop.refresh_from_db()
    assert (take.status, drop.status) == (ProposalStatus.ACCEPTED, ProposalStatus.DISMISSED)
    assert [k for k, *_ in kinds(clue)][-2:] == ["order_linked", "proposal_dismissed"]
    refused_with(errors.PROPOSAL_DONE, proposal_accept, proposal=take, actor=lin)


# -- refusals ---------------------------------------------------------------------------------


def test_only_the_liaison_officer_creates_assigns_closes_and_decides(clue, wang, stalls):
    hana = HandlerFactory()
    refused_with(errors.LIAISON_ONLY, clue_create, title="x", actor=wang)
    refused_with(errors.LIAISON_ONLY, clue_create, title="x", actor=hana)
    refused_with(errors.LIAISON_ONLY, clue_assign, clue=clue, group=clue.group, actor=wang)
    refused_with(errors.LIAISON_ONLY, clue_close, clue=clue, note="x", actor=wang)
    proposal = ClueProposal.objects.create(
        clue=clue, order=make_order("accepted"), score=0.5, created_at=MONDAY
    )
    refused_with(errors.LIAISON_ONLY, proposal_accept, proposal=proposal, actor=wang)


def test_only_a_deputy_of_the_clue_s_group_researches_or_suggests(clue, lin, zhao):
    refused_with(errors.DEPUTY_ONLY, clue_note_add, clue=clue, text="调研", actor=lin)
    refused_with(errors.NOT_IN_GROUP, clue_note_add, clue=clue, text="调研", actor=zhao)
    refused_with(
        errors.NOT_IN_GROUP, clue_suggest, clue=clue, title="建议", content="内容", actor=zhao
    )
    assert clue.notes.count() == 0 and clue.events.count() == 1


def test_a_clue_not_yet_given_to_a_group_cannot_be_researched(lin, wang):
    bare = clue_create(title="无小组的线索", actor=lin)
    refused_with(errors.NO_GROUP, clue_note_add, clue=bare, text="调研", actor=wang)


def test_a_closed_or_suggested_clue_takes_no_more_notes_nor_moves(clue, lin, wang):
    clue_close(clue=clue, note="不再跟进。", actor=lin)
    refused_with(errors.NOT_OPEN, clue_note_add, clue=clue, text="调研", actor=wang)
    refused_with(errors.NOT_OPEN, clue_close, clue=clue, note="再关一次", actor=lin)
    refused_with(
        errors.NOT_OPEN, clue_assign, clue=clue, group=ProfessionalGroupFactory(), actor=lin
    )
    refused_with(errors.NOT_OPEN, clue_suggest, clue=clue, title="t", content="c", actor=wang)


def test_empty_or_too_long_texts_are_refused_and_nothing_is_saved(clue, lin, wang):
    refused_with(errors.EMPTY_NOTE, clue_note_add, clue=clue, text="   ", actor=wang)
    refused_with(
        errors.NOTE_TOO_LONG, clue_note_add, clue=clue, text="长" * (NOTE_MAX + 1), actor=wang
    )
    refused_with(errors.EMPTY_TITLE, clue_create, title=" ", actor=lin)
    refused_with(errors.TITLE_TOO_LONG, clue_create, title="长" * (TITLE_MAX + 1), actor=lin)
    refused_with(errors.EMPTY_CLOSE_NOTE, clue_close, clue=clue, note="", actor=lin)
    refused_with(errors.SAME_GROUP, clue_assign, clue=clue, group=clue.group, actor=lin)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.NEW and clue.notes.count() == 0
    assert clue.events.count() == 1


def test_events_record_beijing_independent_aware_times(clue, wang):
    later = clock.now()
    clue_note_add(clue=clue, text="调研", actor=wang)
    assert all(e.at == later for e in clue.events.all())


def test_an_empty_suggestion_from_a_clue_is_refused(clue, wang):
    clue_note_add(clue=clue, text="调研", actor=wang)
    refused_with(
        errors.EMPTY_SUGGESTION, clue_suggest, clue=clue, title="", content="c", actor=wang
    )
    clue.refresh_from_db()
    assert clue.status == ClueStatus.RESEARCHING


def test_a_co_signer_from_outside_the_group_is_refused(clue, wang, zhao):
    clue_note_add(clue=clue, text="调研", actor=wang)
    refused_with(
        errors.COSIGNER_NOT_IN_GROUP,
        clue_suggest,
        clue=clue,
        title="建议",
        content="内容",
        cosigners=[zhao.deputy],
        actor=wang,
    )
