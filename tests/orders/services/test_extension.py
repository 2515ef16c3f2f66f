"""Extensions (延期): asked by the department before the handling deadline, ruled by Dan."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import EventKind, ExtensionRequest, Status, Warning
from minyi.orders.services.handling import (
    assignment_reply,
    extension_approve,
    extension_deny,
    extension_request,
)
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, at, last_event, lead_of, make_order, refused

pytestmark = pytest.mark.django_db

DUE = at(2026, 3, 9, 23, 59, 59)  # 5 working days after Monday's sign-for
WEDNESDAY = at(2026, 3, 4, 10)


@pytest.fixture
def signed(dan, hana):
    order = make_order("signed", at=MONDAY, dispatcher=dan, handler=hana)
    assert order.reply_due == DUE
    return order


def ask(order, *, actor, due=None, reason="需等待第三方检测报告", when=WEDNESDAY):
    with clock.frozen(when):
        return extension_request(
            assignment=lead_of(order),
            requested_due=due or at(2026, 3, 20, 18),
            reason=reason,
            actor=actor,
        )


# -- asking -------------------------------------------------------------------------------------


def test_hana_asks_for_more_time_before_the_deadline(signed, hana):
    request = ask(signed, actor=hana)

    assert request.ruling == ExtensionRequest.Ruling.PENDING
    assert request.requested_due == at(2026, 3, 20, 18)
    assert (request.requested_by, request.requested_at) == (hana, WEDNESDAY)
    signed.refresh_from_db()
    assert signed.status == Status.SIGNED
    assert signed.reply_due == DUE  # nothing changes until Dan approves
    event = last_event(signed)
    assert event.kind == EventKind.EXTENSION_REQUESTED
    assert event.from_status == event.to_status == Status.SIGNED
    assert event.actor == hana
    assert event.data["requested_due"] == "2026-03-20T18:00:00+08:00"
    assert event.data["current_due"] == "2026-03-09T23:59:59+08:00"


def test_an_extension_after_the_deadline_is_refused(signed, hana):
    with refused(InvalidTransition, signed, match="已过"):
        ask(signed, actor=hana, when=at(2026, 3, 10, 0, 0, 0))


def test_the_new_date_must_be_later_than_the_current_deadline(signed, hana):
    with refused(ValidationFailed, signed, match="晚于"):
        ask(signed, actor=hana, due=DUE)


def test_an_extension_needs_a_reason(signed, hana):
    with refused(ValidationFailed, signed, match="理由"):
        ask(signed, actor=hana, reason=" ")


def test_only_one_extension_can_wait_for_a_ruling(signed, hana):
    ask(signed, actor=hana)

    with refused(InvalidTransition, signed, match="待审批"):
        ask(signed, actor=hana, due=at(2026, 3, 27, 18))

    assert ExtensionRequest.objects.count() == 1


def test_an_unsigned_part_cannot_ask_for_an_extension(dan, hana):
    order = make_order("dispatched", at=MONDAY, dispatcher=dan, handler=hana)

    with refused(InvalidTransition, order, match="签收"):
        ask(order, actor=hana)


@pytest.mark.parametrize("state", ["replied", "callback", "archived"])
def test_an_order_out_of_the_department_cannot_be_extended(state, hana):
    order = make_order(state, at=MONDAY, handler=hana)

    with refused(InvalidTransition, order):
        ask(order, actor=hana)


# -- approving ----------------------------------------------------------------------------------


def test_dan_approves_and_the_new_date_is_a_fixed_deadline(signed, hana, dan):
    request = ask(signed, actor=hana)

    with clock.frozen(at(2026, 3, 5, 9)):
        extension_approve(request=request, note="同意", actor=dan)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.APPROVED
    assert request.approved_due == at(2026, 3, 20, 18)
    assert request.ruled_by == dan
    lead = lead_of(signed)
    assert lead.reply_due == at(2026, 3, 20, 18)
    assert lead.reply_due_fixed is True and lead.reply_due_provisional is False
    signed.refresh_from_db()
    assert signed.reply_due == signed.next_due == at(2026, 3, 20, 18)
    event = last_event(signed)
    assert event.kind == EventKind.EXTENSION_APPROVED
    assert event.actor == dan
    assert event.data["old_due"] == "2026-03-09T23:59:59+08:00"
    assert event.data["new_due"] == "2026-03-20T18:00:00+08:00"


def test_dan_can_approve_a_different_date_than_asked(signed, hana, dan):
    request = ask(signed, actor=hana)

    with clock.frozen(at(2026, 3, 5, 9)):
        extension_approve(request=request, approved_due=at(2026, 3, 13, 18), actor=dan)

    signed.refresh_from_db()
    assert signed.reply_due == at(2026, 3, 13, 18)


def test_an_approval_clears_a_red_warning(signed, hana, dan):
    request = ask(signed, actor=hana)
    late = at(2026, 3, 10, 9)  # the old deadline passed while the request waited
    sla_scan(now=late)
    signed.refresh_from_db()
    assert signed.warning == Warning.RED

    with clock.frozen(late):
        extension_approve(request=request, actor=dan)

    signed.refresh_from_db()
    assert signed.warning == Warning.NONE
    warning = last_event(signed, warnings=True)
    assert warning.kind == EventKind.WARNING
    assert warning.data == {
        "from": Warning.RED,
        "to": Warning.NONE,
        "cause": EventKind.EXTENSION_APPROVED,
    }


def test_an_approved_date_in_the_past_is_refused(signed, hana, dan):
    request = ask(signed, actor=hana)

    with clock.frozen(at(2026, 3, 21, 9)), refused(ValidationFailed, signed, match="晚于当前"):
        extension_approve(request=request, actor=dan)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.PENDING


# -- denying ------------------------------------------------------------------------------------


def test_dan_denies_with_a_note_and_the_deadline_stays(signed, hana, dan):
    request = ask(signed, actor=hana)

    with clock.frozen(at(2026, 3, 5, 9)):
        extension_deny(request=request, note="检测报告可加急", actor=dan)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.DENIED
    assert request.ruling_note == "检测报告可加急"
    signed.refresh_from_db()
    assert signed.reply_due == DUE
    event = last_event(signed)
    assert event.kind == EventKind.EXTENSION_DENIED
    assert event.actor == dan and event.note == "检测报告可加急"


def test_a_denial_needs_a_note(signed, hana, dan):
    request = ask(signed, actor=hana)

    with refused(ValidationFailed, signed, match="理由"):
        extension_deny(request=request, note="", actor=dan)


def test_after_a_denial_a_new_request_can_be_made(signed, hana, dan):
    extension_deny(request=ask(signed, actor=hana), note="不同意", actor=dan)

    again = ask(signed, actor=hana, due=at(2026, 3, 12, 18))

    assert again.ruling == ExtensionRequest.Ruling.PENDING


def test_a_ruled_request_cannot_be_ruled_again(signed, hana, dan):
    request = ask(signed, actor=hana)
    with clock.frozen(at(2026, 3, 5, 9)):
        extension_approve(request=request, actor=dan)

        with refused(InvalidTransition, signed, match="已审批"):
            extension_deny(request=request, note="改主意了", actor=dan)
        with refused(InvalidTransition, signed, match="已审批"):
            extension_approve(request=request, actor=dan)


def test_a_request_pending_at_the_reply_lapses_and_can_no_longer_be_approved(signed, hana, dan):
    request = ask(signed, actor=hana)
    assignment_reply(
        assignment=lead_of(signed),
        content="已清理占道摊点",
        method="phone",
        solved="solved",
        actor=hana,
    )

    with refused(InvalidTransition, signed, match="已随任务结束失效"):
        extension_approve(request=request, actor=dan)
