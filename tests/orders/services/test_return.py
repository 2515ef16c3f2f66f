"""Returns (退件): Hana asks to return a part that is not her department's duty, with reason,
suggested department, basis and the signed leader's opinion; Dan accepts or refuses."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    AssignmentStatus,
    AttachmentKind,
    EventKind,
    ReturnRequest,
    Status,
)
from minyi.orders.services.dispatch import (
    assignment_return_request,
    assignment_return_with_opinion,
    assignment_sign,
    attachment_add,
    return_accept,
    return_refuse,
)
from tests.factories import (
    MONDAY,
    DepartmentFactory,
    assisting_of,
    at,
    events,
    last_event,
    lead_of,
    leader_opinion,
    make_order,
    refused,
)
from tests.uploads import samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


@pytest.fixture
def dispatched(dan, hana, henry):
    return make_order(
        "dispatched", dispatcher=dan, lead=hana.department, assisting=[henry.department]
    )


def ask_return(order, assignment, *, actor, **given):
    """A complete return request; ``given`` replaces parts of it (None leaves a part out)."""
    kwargs = {"reason": "占道经营属市场监管职责", "basis": "《市场监管三定方案》第三条", **given}
    if "suggested_department" not in kwargs:
        kwargs["suggested_department"] = DepartmentFactory(name="市市场监督管理局")
    if "leader_opinion" not in kwargs:
        kwargs["leader_opinion"] = leader_opinion(order, actor=actor)
    return assignment_return_request(assignment=assignment, actor=actor, **kwargs)


# -- asking -------------------------------------------------------------------------------------


def test_hana_returns_the_lead_part_with_everything_the_rules_ask_for(dispatched, hana):
    lead = lead_of(dispatched)

    request = ask_return(dispatched, lead, actor=hana)

    assert request.ruling == ReturnRequest.Ruling.PENDING
    assert request.suggested_department.name == "市市场监督管理局"
    assert request.leader_opinion.kind == AttachmentKind.LEADER_OPINION
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURN_REQUESTED
    assert lead.status_before_return == AssignmentStatus.PENDING
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED
    event = last_event(dispatched)
    assert event.kind == EventKind.RETURN_REQUESTED
    assert (event.from_status, event.to_status) == (Status.DISPATCHED, Status.RETURNED)
    assert event.actor == hana and event.assignment == lead
    assert event.note == "占道经营属市场监管职责"
    assert event.data["suggested_department"] == "市市场监督管理局"


def test_uploading_the_leader_opinion_is_in_the_ledger(dispatched, hana):
    attachment = leader_opinion(dispatched, actor=hana, name="意见.pdf")

    assert attachment.order == dispatched and attachment.name == "意见.pdf"
    assert attachment.file.read() == b"%PDF-1.4 signed"
    event = last_event(dispatched)
    assert event.kind == EventKind.ATTACHMENT_ADDED and event.actor == hana
    assert event.from_status == event.to_status == Status.DISPATCHED
    assert event.data["attachment_kind"] == AttachmentKind.LEADER_OPINION


def test_an_attachment_of_an_unknown_kind_is_refused(dispatched, hana):
    with refused(ValidationFailed, dispatched):
        attachment_add(order=dispatched, file=ContentFile(b"x", name="x.txt"), kind="selfie")


@pytest.mark.parametrize(
    "missing, label",
    [
        ({"reason": " "}, "退件理由"),
        ({"basis": ""}, "法定或职责依据"),
        ({"suggested_department": None}, "建议承办单位"),
        ({"leader_opinion": None}, "领导签署意见附件"),
    ],
)
def test_a_return_missing_a_required_part_is_refused(dispatched, hana, missing, label):
    lead = lead_of(dispatched)
    complete = {
        "leader_opinion": leader_opinion(dispatched, actor=hana),
        "suggested_department": DepartmentFactory(),
    }

    with refused(ValidationFailed, dispatched, match=label):
        ask_return(dispatched, lead, actor=hana, **{**complete, **missing})

    assert not ReturnRequest.objects.exists()


def test_the_leader_opinion_must_belong_to_this_order(dispatched, hana):
    other = make_order("dispatched")
    foreign = leader_opinion(other, actor=hana)
    elsewhere = DepartmentFactory()

    with refused(ValidationFailed, dispatched, match="本工单"):
        ask_return(
            dispatched,
            lead_of(dispatched),
            actor=hana,
            leader_opinion=foreign,
            suggested_department=elsewhere,
        )


def test_the_leader_opinion_must_be_uploaded_as_a_leader_opinion(dispatched, hana):
    plain = attachment_add(
        order=dispatched,
        file=ContentFile(samples.jpeg_with_metadata(), name="现场.jpg"),
        actor=hana,
    )
    elsewhere = DepartmentFactory()

    with refused(ValidationFailed, dispatched, match="领导签署意见"):
        ask_return(
            dispatched,
            lead_of(dispatched),
            actor=hana,
            leader_opinion=plain,
            suggested_department=elsewhere,
        )


def test_a_department_cannot_suggest_itself(dispatched, hana):
    opinion = leader_opinion(dispatched, actor=hana)

    with refused(ValidationFailed, dispatched, match="本单位"):
        ask_return(
            dispatched,
            lead_of(dispatched),
            actor=hana,
            suggested_department=hana.department,
            leader_opinion=opinion,
        )


def test_a_return_after_the_return_limit_is_refused(dispatched, hana):
    ready = {"leader_opinion": leader_opinion(dispatched, actor=hana)}
    ready["suggested_department"] = DepartmentFactory()
    assert lead_of(dispatched).return_due == at(2026, 3, 3, 23, 59, 59)

    with (
        clock.frozen(at(2026, 3, 4, 0, 0, 1)),
        refused(InvalidTransition, dispatched, match="退件时限"),
    ):
        ask_return(dispatched, lead_of(dispatched), actor=hana, **ready)


def test_a_return_on_the_last_second_is_accepted(dispatched, hana):
    opinion = leader_opinion(dispatched, actor=hana)

    with clock.frozen(at(2026, 3, 3, 23, 59, 59)):
        ask_return(dispatched, lead_of(dispatched), actor=hana, leader_opinion=opinion)

    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED


def test_a_part_already_being_returned_cannot_be_returned_again(dispatched, hana):
    ask_return(dispatched, lead_of(dispatched), actor=hana)
    ready = {"leader_opinion": leader_opinion(dispatched, actor=hana)}
    ready["suggested_department"] = DepartmentFactory()

    with refused(InvalidTransition, dispatched):
        ask_return(dispatched, lead_of(dispatched), actor=hana, **ready)


def test_a_signed_part_can_still_be_returned_within_the_limit(dispatched, hana):
    assignment_sign(assignment=lead_of(dispatched), actor=hana)

    ask_return(dispatched, lead_of(dispatched), actor=hana)

    lead = lead_of(dispatched)
    assert lead.status_before_return == AssignmentStatus.SIGNED
    assert last_event(dispatched).from_status == Status.SIGNED


def test_an_assisting_return_does_not_move_the_order(dispatched, henry):
    [assisting] = assisting_of(dispatched)

    ask_return(dispatched, assisting, actor=henry)

    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    event = last_event(dispatched)
    assert event.kind == EventKind.RETURN_REQUESTED
    assert event.from_status == event.to_status == Status.DISPATCHED


@pytest.mark.parametrize("state", ["replied", "callback", "archived"])
def test_an_order_not_with_a_department_cannot_be_returned(state, hana):
    order = make_order(state, handler=hana)
    lead = lead_of(order)
    ready = {"leader_opinion": leader_opinion(order, actor=hana)}
    ready["suggested_department"] = DepartmentFactory()

    with refused(InvalidTransition, order):
        ask_return(order, lead, actor=hana, **ready)


# -- accepting --------------------------------------------------------------------------------


def test_dan_accepts_the_return_and_the_order_waits_for_dispatch_again(dispatched, hana, dan):
    request = ask_return(dispatched, lead_of(dispatched), actor=hana)

    order = return_accept(request=request, note="同意，改派市场监管局", actor=dan)

    assert order.status == Status.ACCEPTED
    request.refresh_from_db()
    assert request.ruling == ReturnRequest.Ruling.ACCEPTED
    assert (request.ruled_by, request.ruled_at) == (dan, MONDAY)
    assert lead_of(order).status == AssignmentStatus.RETURNED
    # The assisting part starts over with the new lead.
    assert [a.status for a in assisting_of(order)] == [AssignmentStatus.CANCELLED]
    assert (order.sign_due, order.reply_due) == (None, None)
    # back in the dispatch queue, on a new dispatch clock of 2 working hours
    assert order.next_due == order.dispatch_due == at(2026, 3, 2, 12)
    event = last_event(order)
    assert event.kind == EventKind.RETURN_ACCEPTED
    assert (event.from_status, event.to_status) == (Status.RETURNED, Status.ACCEPTED)
    assert event.actor == dan


def test_accepting_with_a_redispatch_sends_it_to_the_new_lead(dispatched, hana, henry, dan):
    request = ask_return(dispatched, lead_of(dispatched), actor=hana)
    later = at(2026, 3, 3, 9)

    with clock.frozen(later):
        order = return_accept(
            request=request, note="改派", redispatch_to=henry.department, actor=dan
        )

    assert order.status == Status.DISPATCHED
    new_lead = lead_of(order)
    assert new_lead.department == henry.department
    assert new_lead.status == AssignmentStatus.PENDING
    assert new_lead.sign_due == at(2026, 3, 4, 9)  # a fresh sign clock from the re-dispatch
    assert [e.kind for e in events(order)][-2:] == [
        EventKind.RETURN_ACCEPTED,
        EventKind.DISPATCHED,
    ]


def test_a_redispatch_to_an_inactive_department_leaves_the_return_pending(dispatched, hana, dan):
    request = ask_return(dispatched, lead_of(dispatched), actor=hana)
    closed = DepartmentFactory(is_active=False)

    with refused(ValidationFailed, dispatched):
        return_accept(request=request, redispatch_to=closed, actor=dan)

    request.refresh_from_db()
    assert request.ruling == ReturnRequest.Ruling.PENDING
    assert lead_of(dispatched).status == AssignmentStatus.RETURN_REQUESTED


def test_accepting_an_assisting_return_keeps_the_lead_working(dispatched, hana, henry, dan):
    assignment_sign(assignment=lead_of(dispatched), actor=hana)
    [assisting] = assisting_of(dispatched)
    request = ask_return(dispatched, assisting, actor=henry)

    order = return_accept(request=request, actor=dan)

    assert order.status == Status.SIGNED
    assert lead_of(order).status == AssignmentStatus.SIGNED
    assisting.refresh_from_db()
    assert assisting.status == AssignmentStatus.RETURNED


# -- refusing -----------------------------------------------------------------------------------


def test_dan_refuses_the_return_and_the_part_is_pending_again(dispatched, hana, dan):
    before = lead_of(dispatched)
    request = ask_return(dispatched, before, actor=hana)

    with clock.frozen(at(2026, 3, 3, 16)):
        order = return_refuse(request=request, note="属于城管职责，请继续办理", actor=dan)

    assert order.status == Status.DISPATCHED
    after = lead_of(order)
    assert after.status == AssignmentStatus.PENDING and after.status_before_return == ""
    # The original deadlines stand (驳回重办工单，办理时限应在原办理时限内完成).
    assert (after.sign_due, after.return_due) == (before.sign_due, before.return_due)
    assert order.sign_due == before.sign_due
    request.refresh_from_db()
    assert request.ruling == ReturnRequest.Ruling.REFUSED
    assert request.ruling_note == "属于城管职责，请继续办理"
    event = last_event(order)
    assert event.kind == EventKind.RETURN_REFUSED
    assert (event.from_status, event.to_status) == (Status.RETURNED, Status.DISPATCHED)
    assert event.actor == dan


def test_a_refused_return_of_a_signed_part_keeps_the_original_reply_deadline(dispatched, hana, dan):
    signed = assignment_sign(assignment=lead_of(dispatched), actor=hana)
    request = ask_return(dispatched, signed, actor=hana)

    with clock.frozen(at(2026, 3, 5, 10)):  # ruled three days later
        order = return_refuse(request=request, note="请继续办理", actor=dan)

    assert order.status == Status.SIGNED
    lead = lead_of(order)
    assert lead.status == AssignmentStatus.SIGNED
    assert lead.reply_due == signed.reply_due == at(2026, 3, 9, 23, 59, 59)
    assert order.reply_due == signed.reply_due
    assert last_event(order).data["reply_due"] == "2026-03-09T23:59:59+08:00"


def test_refusing_a_return_needs_a_reason(dispatched, hana, dan):
    request = ask_return(dispatched, lead_of(dispatched), actor=hana)

    with refused(ValidationFailed, dispatched, match="理由"):
        return_refuse(request=request, note=" ", actor=dan)


def test_a_ruled_return_cannot_be_ruled_again(dispatched, hana, dan):
    request = ask_return(dispatched, lead_of(dispatched), actor=hana)
    return_refuse(request=request, note="请继续办理", actor=dan)

    with refused(InvalidTransition, dispatched, match="已审核"):
        return_accept(request=request, actor=dan)
    with refused(InvalidTransition, dispatched, match="已审核"):
        return_refuse(request=request, note="再次驳回", actor=dan)


# -- the handler's one step: the opinion file and the return together ----------------------------


def test_the_opinion_file_and_the_return_are_one_step(dispatched, hana):
    request = assignment_return_with_opinion(
        assignment=lead_of(dispatched),
        reason="占道经营属市场监管职责",
        suggested_department=DepartmentFactory(name="市市场监督管理局"),
        basis="《市场监管三定方案》第三条",
        opinion=ContentFile(samples.PDF, name="领导签署意见.pdf"),
        actor=hana,
    )

    opinion = request.leader_opinion
    assert opinion.kind == AttachmentKind.LEADER_OPINION and opinion.order_id == dispatched.pk
    assert opinion.file.storage.exists(opinion.file.name)
    assert lead_of(dispatched).status == AssignmentStatus.RETURN_REQUESTED


def test_a_refused_return_leaves_neither_the_attachment_nor_its_file(dispatched, hana):
    files_before = set(_stored_files())

    with refused(ValidationFailed, dispatched, match="建议承办单位不能是本单位"):
        assignment_return_with_opinion(
            assignment=lead_of(dispatched),
            reason="不属本单位",
            suggested_department=hana.department,
            basis="三定方案",
            opinion=ContentFile(samples.PDF, name="领导签署意见.pdf"),
            actor=hana,
        )

    assert not dispatched.attachments.exists()
    assert set(_stored_files()) == files_before
    assert lead_of(dispatched).status == AssignmentStatus.PENDING


def _stored_files() -> list[str]:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []
