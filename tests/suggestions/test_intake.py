"""A suggestion comes in: from a deputy, from a clue, from an escalated order; each lands in the
committee's queue (待处理) with its first event; the refusals say why, in Chinese."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.suggestions.models import (
    Suggestion,
    SuggestionEvent,
    SuggestionSource,
    SuggestionStatus,
)
from minyi.suggestions.services import suggestion_create, suggestion_escalate
from tests.factories import MONDAY, DeputyFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def test_a_deputy_proposes_a_suggestion_with_co_signers_and_it_waits_for_review(wang, zhao):
    suggestion = suggestion_create(
        title="老旧小区加装电梯补贴",
        content="建议将加装电梯补贴提高到每台二十万元。",
        lead_deputy=wang.deputy,
        cosigners=[zhao.deputy],
        actor=wang,
        source=SuggestionSource.DEPUTY,
    )

    assert suggestion.status == SuggestionStatus.PENDING
    assert list(suggestion.cosigners.all()) == [zhao.deputy]
    event = SuggestionEvent.objects.get(suggestion=suggestion)
    assert (event.kind, event.actor, event.at, event.to_status) == (
        "created",
        wang,
        MONDAY,
        "pending",
    )
    assert event.data["cosigners"] == [zhao.deputy.pk]


def test_a_clue_becomes_a_suggestion_that_remembers_its_clue(lin, deputy):
    suggestion = suggestion_create(
        title="农贸市场周边交通拥堵",
        content="专业小组调研后建议增设临时停车位。",
        lead_deputy=deputy,
        actor=lin,
        source=SuggestionSource.CLUE,
        clue_id=42,
    )

    assert (suggestion.source, suggestion.clue_id) == ("clue", 42)


def test_an_escalated_order_becomes_a_suggestion_led_by_its_deputy(lin, deputy):
    order = make_order("rejected", deputy=deputy)

    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=lin)

    assert (suggestion.title, suggestion.content) == (order.title, order.content)
    assert (suggestion.source, suggestion.lead_deputy) == ("order", deputy)
    assert suggestion.events.get().kind == "escalated"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "请填写建议标题。"),
        ({"content": ""}, "请填写建议内容。"),
        ({"title": "长" * 201}, "建议标题不能超过 200 字。"),
        ({"lead_deputy": None}, "代表提出的建议须有领衔代表。"),
        ({"source": "phone"}, "建议来源不正确。"),
        ({"source": "clue"}, "由线索形成的建议须注明线索。"),
        ({"source": "order"}, "由工单转来的建议须注明工单。"),
    ],
)
def test_a_suggestion_without_what_it_needs_is_refused(lin, deputy, fields, message):
    arguments = {
        "title": "建议",
        "content": "内容",
        "lead_deputy": deputy,
        "actor": lin,
        "source": "deputy",
    } | fields

    with pytest.raises(ValidationFailed, match=message):
        suggestion_create(**arguments)

    assert not Suggestion.objects.exists()


def test_a_deputy_cannot_lead_in_another_deputys_name(zhao, deputy):
    with pytest.raises(ValidationFailed, match="代表只能以本人为领衔代表提出建议。"):
        suggestion_create(
            title="建议", content="内容", lead_deputy=deputy, actor=zhao, source="deputy"
        )


def test_the_lead_deputy_is_not_a_co_signer_and_a_retired_deputy_signs_nothing(lin, deputy):
    with pytest.raises(ValidationFailed, match="领衔代表不必再作为附议代表。"):
        suggestion_create(
            title="建议",
            content="内容",
            lead_deputy=deputy,
            cosigners=[deputy],
            actor=lin,
            source="deputy",
        )
    retired = DeputyFactory(name="钱代表", is_active=False)
    with pytest.raises(ValidationFailed, match="附议代表钱代表已不在任。"):
        suggestion_create(
            title="建议",
            content="内容",
            lead_deputy=deputy,
            cosigners=[retired],
            actor=lin,
            source="deputy",
        )


def test_suggestions_escalated_before_the_lifecycle_take_their_orders_title_and_an_event(
    lin, deputy
):
    from importlib import import_module

    from django.apps import apps

    order = make_order("rejected", deputy=deputy)
    old = Suggestion.objects.create(
        order=order, from_status="rejected", escalated_by=lin, escalated_at=MONDAY, note="旧的"
    )

    import_module("minyi.suggestions.migrations.0003_lifecycle").seed_policy_and_backfill(
        apps, None
    )

    old.refresh_from_db()
    assert (old.title, old.content, old.lead_deputy) == (order.title, order.content, deputy)
    event = old.events.get()
    assert (event.kind, event.actor, event.at, event.note) == ("escalated", lin, MONDAY, "旧的")
