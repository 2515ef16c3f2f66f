"""Pending requests end with their assignment: an extension or a return request still waiting
for the dispatcher when the department's part ends (it replies, is cancelled or returned, or the
order is archived, merged or escalated) lapses (已失效), each with its own event, and can no
longer be ruled on; the dispatcher's queues and buttons no longer offer it."""

from __future__ import annotations

import pytest

from minyi.core.errors import InvalidTransition
from minyi.orders.models import (
    EventKind,
    ExtensionRequest,
    ReplyMethod,
    ReturnRequest,
    Satisfaction,
    Solved,
    Status,
)
from minyi.orders.services.closing import (
    order_archive,
    order_callback,
    order_escalate,
    order_merge,
)
from minyi.orders.services.dispatch import (
    assignment_return_request,
    assignment_sign,
    return_accept,
    return_refuse,
)
from minyi.orders.services.handling import (
    assignment_reply,
    extension_approve,
    extension_deny,
    extension_request,
)
from minyi.workbench.list_selectors import dispatch_queue
from minyi.workbench.permissions import allowed_actions, order_context
from tests.factories import (
    MONDAY,
    DepartmentFactory,
    assisting_of,
    at,
    events,
    lead_of,
    leader_opinion,
    make_order,
    refused,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


def ask_extension(assignment, actor):
    return extension_request(
        assignment=assignment,
        requested_due=at(2026, 3, 20, 18),
        reason="需等待第三方检测报告",
        actor=actor,
    )


def ask_return(order, assignment, actor):
    return assignment_return_request(
        assignment=assignment,
        reason="不属本单位职责",
        suggested_department=DepartmentFactory(),
        basis="三定方案",
        leader_opinion=leader_opinion(order, actor=actor),
        actor=actor,
    )


def reply(assignment, actor):
    return assignment_reply(
        assignment=assignment,
        content="已清理占道摊点",
        method=ReplyMethod.PHONE,
        solved=Solved.SOLVED,
        actor=actor,
    )


def lapsed(order):
    return [(e.data["request_kind"], e.data["cause"]) for e in events(order, "request_lapsed")]


def offered_to(user, order):
    order.refresh_from_db()
    return allowed_actions(user, order_context(user, order))


def test_an_extension_request_ends_with_the_reply(hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    request = ask_extension(lead_of(order), hana)

    reply(lead_of(order), hana)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.LAPSED
    assert request.ruled_at == MONDAY and request.ruled_by is None
    assert lapsed(order) == [("extension", EventKind.REPLIED)]
    event = events(order, "request_lapsed")[0]
    assert (event.assignment, event.actor, event.data["request"]) == (
        lead_of(order),
        hana,
        request.pk,
    )
    assert event.from_status == event.to_status == Status.REPLIED
    assert "extension-deny" not in offered_to(dan, order)
    assert order not in dispatch_queue(dan, "extensions")
    for rule in (
        lambda: extension_deny(request=request, note="不同意", actor=dan),
        lambda: extension_approve(request=request, actor=dan),
    ):
        with refused(InvalidTransition, order, match="已随任务结束失效"):
            rule()


def test_an_assisting_extension_request_ends_when_the_order_is_archived(hana, henry, dan, carl):
    order = make_order("signed", handler=hana, dispatcher=dan, assisting=[henry.department])
    [assisting] = assisting_of(order)
    assignment_sign(assignment=assisting, actor=henry)
    request = ask_extension(assisting, henry)
    reply(lead_of(order), hana)
    order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)

    order_archive(order=order, actor=carl)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.LAPSED
    assert lapsed(order) == [("extension", EventKind.ARCHIVED)]
    assert order not in dispatch_queue(dan, "extensions")


@pytest.mark.parametrize("ending", ["merged", "escalated"])
def test_a_return_request_ends_when_the_order_leaves(ending, hana, dan):
    order = make_order("dispatched", handler=hana, dispatcher=dan)
    request = ask_return(order, lead_of(order), hana)

    if ending == "merged":
        order_merge(order=order, master=make_order("accepted"), note="同一事项", actor=dan)
    else:
        order_escalate(order=order, note="涉及多部门", actor=dan)

    request.refresh_from_db()
    assert request.ruling == ReturnRequest.Ruling.LAPSED
    assert lapsed(order) == [("return", ending)]
    assert order not in dispatch_queue(dan, "returns")
    with refused(InvalidTransition, order, match="已随任务结束失效"):
        return_refuse(request=request, note="请继续办理", actor=dan)


def test_requests_of_parts_cancelled_by_an_accepted_lead_return_end_too(hana, henry, dan):
    order = make_order("signed", handler=hana, dispatcher=dan, assisting=[henry.department])
    [assisting] = assisting_of(order)
    assignment_sign(assignment=assisting, actor=henry)
    extension = ask_extension(assisting, henry)
    own = ask_extension(lead_of(order), hana)
    lead = lead_of(order)
    back = ask_return(order, lead, hana)

    return_accept(request=back, actor=dan)

    extension.refresh_from_db()
    own.refresh_from_db()
    assert (extension.ruling, own.ruling) == (ExtensionRequest.Ruling.LAPSED,) * 2
    assert sorted(lapsed(order)) == [("extension", EventKind.RETURN_ACCEPTED)] * 2


def test_a_refused_return_keeps_the_extension_request_alive(hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    request = ask_extension(lead_of(order), hana)
    back = ask_return(order, lead_of(order), hana)

    return_refuse(request=back, note="属本单位职责", actor=dan)
    extension_approve(request=request, actor=dan)

    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.APPROVED
    assert lapsed(order) == []


def test_an_extension_request_is_not_ruled_while_its_part_is_being_returned(hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    request = ask_extension(lead_of(order), hana)
    ask_return(order, lead_of(order), hana)

    with refused(InvalidTransition, order, match="无需审批"):
        extension_deny(request=request, note="不同意", actor=dan)
