"""The whole lifecycle: review, hand-over, replies, evaluation, the second round; every move an
event; every refusal a Chinese message that leaves nothing half-done."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.notify.models import OutboxMessage
from minyi.suggestions.models import (
    SuggestionAssignment,
    SuggestionPolicy,
    SuggestionReply,
    SuggestionStatus,
)
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_create,
    suggestion_escalate,
    suggestion_evaluate,
    suggestion_reject,
    suggestion_reply,
    suggestion_resubmit,
    suggestion_return,
)
from minyi.suggestions.services.common import add_months
from tests.factories import MONDAY, DeputyFactory, at, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def proposed(wang, zhao, lin):
    return suggestion_create(
        title="老旧小区加装电梯补贴",
        content="建议提高加装电梯补贴。",
        lead_deputy=wang.deputy,
        cosigners=[zhao.deputy],
        actor=wang,
        source="deputy",
    )


@pytest.fixture
def assigned(proposed, lin, dept_a, dept_b, hana, henry):
    suggestion_accept(suggestion=proposed, actor=lin)
    return suggestion_assign(
        suggestion=proposed, actor=lin, lead_department=dept_a, assisting=[dept_b]
    )


def kinds(suggestion) -> list[str]:
    return list(suggestion.events.order_by("id").values_list("kind", flat=True))


def sms_to_deputy(code: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(template_code=code, channel="sms").values_list(
            "body", flat=True
        )
    )


def test_calendar_months_end_on_the_same_day_or_the_months_last():
    assert add_months(date(2026, 3, 2), 3) == date(2026, 6, 2)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_the_committee_accepts_and_assigns_a_lead_and_an_assisting_department(
    assigned, dept_a, dept_b, wang
):
    assert assigned.status == SuggestionStatus.ASSIGNED
    assert assigned.due_on == date(2026, 6, 2)  # 3 calendar months from Monday 2 March
    parts = {(p.department, p.role) for p in SuggestionAssignment.objects.all()}
    assert parts == {(dept_a, "lead"), (dept_b, "assist")}
    assert kinds(assigned) == ["created", "accepted", "assigned"]
    number = assigned.shown_number
    assert sms_to_deputy("suggestion_accepted") == [
        f"您领衔的建议“老旧小区加装电梯补贴”（编号{number}）已由人大常委会联工委立案，将交有关单位办理。"
    ]
    assert sms_to_deputy("suggestion_assigned") == [
        f"您领衔的建议“老旧小区加装电梯补贴”（编号{number}）已交市城市管理和综合执法局主办，答复期限6月2日。"
    ]


def test_departments_are_told_in_app_of_their_part(assigned, hana, henry):
    bodies = dict(
        OutboxMessage.objects.filter(template_code="suggestion_assigned_handler").values_list(
            "recipient_user__username", "body"
        )
    )
    number = assigned.shown_number
    assert bodies == {
        "hana": f"代表建议{number}“老旧小区加装电梯补贴”已交你单位主办，请于6月2日前答复。",
        "henry": f"代表建议{number}“老旧小区加装电梯补贴”已交你单位协办，请于6月2日前答复。",
    }


def test_the_liaison_officers_are_told_a_deputy_submitted(proposed, lin):
    body = OutboxMessage.objects.get(template_code="suggestion_submitted_liaison").body
    assert (
        body == f"王代表代表领衔的建议{proposed.shown_number}“老旧小区加装电梯补贴”已提交，请审查。"
    )


def test_the_limit_follows_the_administrators_policy_and_never_exceeds_six_months(
    proposed, lin, dept_a
):
    suggestion_accept(suggestion=proposed, actor=lin)
    with pytest.raises(ValidationFailed, match="答复期限最长 6 个月。"):
        suggestion_assign(suggestion=proposed, actor=lin, lead_department=dept_a, months=7)
    assert not SuggestionAssignment.objects.exists()
    SuggestionPolicy.objects.update(reply_months=5)

    suggestion_assign(suggestion=proposed, actor=lin, lead_department=dept_a)

    assert proposed.due_on == date(2026, 8, 2)


def test_a_policy_above_six_months_does_not_validate():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SuggestionPolicy(reply_months=7, second_reply_months=1, warn_days=7).full_clean()


def test_assisting_replies_first_then_the_lead_reply_answers_the_deputy(assigned, hana, henry):
    suggestion_reply(suggestion=assigned, actor=henry, content="住建局协办意见")
    assert assigned.status == SuggestionStatus.ASSIGNED

    reply = suggestion_reply(suggestion=assigned, actor=hana, content="已纳入年度计划")

    assigned.refresh_from_db()
    assert assigned.status == SuggestionStatus.REPLIED and reply.on_time
    assert sms_to_deputy("suggestion_replied") == [
        f"您领衔的建议“老旧小区加装电梯补贴”（编号{assigned.shown_number}）已由市城市管理和综合执法局答复，请登录查看并评价办理结果。"
    ]


def test_a_satisfied_deputy_closes_it(assigned, hana, wang):
    suggestion_reply(suggestion=assigned, actor=hana, content="已纳入年度计划")

    suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="satisfied")

    assert (assigned.status, assigned.evaluation) == ("closed", "satisfied")
    assert assigned.closed_at == MONDAY
    assert kinds(assigned)[-3:] == ["replied", "evaluated", "closed"]


def test_a_dissatisfied_deputy_starts_a_second_round_by_the_lead_department(
    assigned, hana, henry, wang
):
    suggestion_reply(suggestion=assigned, actor=hana, content="已纳入年度计划")
    suggestion_evaluate(
        suggestion=assigned, actor=wang, evaluation="dissatisfied", note="未说明资金来源"
    )

    assert (assigned.status, assigned.round) == ("second_round", 2)
    assert assigned.due_on == date(2026, 4, 2)
    notice = OutboxMessage.objects.get(template_code="suggestion_second_round_handler")
    assert notice.recipient_user == hana
    assert notice.body == (
        f"代表对建议{assigned.shown_number}“老旧小区加装电梯补贴”的答复不满意，请于4月2日前再次答复。"
    )
    with pytest.raises(ValidationFailed, match="再次办理由主办单位答复。"):
        suggestion_reply(suggestion=assigned, actor=henry, content="协办")

    with clock.frozen(at(2026, 3, 20, 9)):
        suggestion_reply(suggestion=assigned, actor=hana, content="已落实专项资金")
        suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="basically")

    assert (assigned.status, assigned.evaluation, assigned.final_evaluation) == (
        "closed",
        "dissatisfied",
        "basically",
    )
    assert SuggestionReply.objects.filter(round=2).count() == 1


def test_a_second_dissatisfied_evaluation_closes_it_too(assigned, hana, wang):
    suggestion_reply(suggestion=assigned, actor=hana, content="答复")
    suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="dissatisfied", note="不具体")
    suggestion_reply(suggestion=assigned, actor=hana, content="再次答复")

    suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="dissatisfied", note="仍不满意")

    assert (assigned.status, assigned.final_evaluation) == ("closed", "dissatisfied")


def test_a_returned_suggestion_is_amended_and_submitted_again(proposed, lin, wang):
    suggestion_return(suggestion=proposed, actor=lin, reason="请补充具体小区名单")
    assert sms_to_deputy("suggestion_returned") == [
        f"您领衔的建议“老旧小区加装电梯补贴”（编号{proposed.shown_number}）已退回，理由：请补充具体小区名单。请修改后重新提交。"
    ]

    suggestion_resubmit(suggestion=proposed, actor=wang, title="加装电梯补贴", content="附名单")

    assert (proposed.status, proposed.title) == ("pending", "加装电梯补贴")
    assert kinds(proposed) == ["created", "returned", "resubmitted"]


def test_not_adopted_is_final_and_the_deputy_is_told_why(proposed, lin):
    suggestion_reject(suggestion=proposed, actor=lin, reason="属于人代会期间建议范围")

    assert proposed.status == "not_adopted"
    assert sms_to_deputy("suggestion_not_adopted") == [
        f"您领衔的建议“老旧小区加装电梯补贴”（编号{proposed.shown_number}）不予立案，理由：属于人代会期间建议范围。"
    ]
    with pytest.raises(InvalidTransition, match="该建议当前为“不予立案”，不能立案。"):
        suggestion_accept(suggestion=proposed, actor=lin)


def test_an_escalated_citizens_order_needs_a_lead_deputy_named_at_acceptance(lin, dan):
    order = make_order("accepted")
    suggestion = suggestion_escalate(order=order, note="跨区规划", actor=dan)
    assert suggestion.lead_deputy is None

    with pytest.raises(ValidationFailed, match="请先指定领衔代表，再立案。"):
        suggestion_accept(suggestion=suggestion, actor=lin)
    with pytest.raises(ValidationFailed, match="该建议没有领衔代表，不能退回代表。"):
        suggestion_return(suggestion=suggestion, actor=lin, reason="补充")
    named = DeputyFactory(name="孙代表")
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=named)

    assert (suggestion.status, suggestion.lead_deputy) == ("accepted", named)


# -- refusals -------------------------------------------------------------------------------------


def test_only_the_liaison_committee_reviews_and_assigns(proposed, dan, hana, wang, dept_a):
    for actor in (dan, hana, wang):
        with pytest.raises(ValidationFailed, match="只有联工委工作人员可以审查代表建议。"):
            suggestion_accept(suggestion=proposed, actor=actor)
    with pytest.raises(ValidationFailed, match="只有联工委工作人员可以交办代表建议。"):
        suggestion_assign(suggestion=proposed, actor=dan, lead_department=dept_a)
    proposed.refresh_from_db()
    assert proposed.status == "pending"


def test_the_wrong_state_is_refused_with_the_state_named(proposed, lin, dept_a, hana, wang):
    with pytest.raises(InvalidTransition, match="该建议当前为“待处理”，不能交办。"):
        suggestion_assign(suggestion=proposed, actor=lin, lead_department=dept_a)
    with pytest.raises(InvalidTransition, match="该建议当前为“待处理”，不能答复。"):
        suggestion_reply(suggestion=proposed, actor=hana, content="答复")
    with pytest.raises(ValidationFailed, match="只有领衔代表可以修改并重新提交建议。"):
        suggestion_resubmit(suggestion=proposed, actor=lin, title="a", content="b")
    with pytest.raises(InvalidTransition, match="该建议当前为“待处理”，不能评价。"):
        suggestion_evaluate(suggestion=proposed, actor=wang, evaluation="satisfied")


def test_a_department_not_assigned_cannot_reply(proposed, lin, dept_a, henry, dan):
    suggestion_accept(suggestion=proposed, actor=lin)
    suggestion_assign(suggestion=proposed, actor=lin, lead_department=dept_a)

    with pytest.raises(ValidationFailed, match="该建议未交本单位办理，不能答复。"):
        suggestion_reply(suggestion=proposed, actor=henry, content="越权答复")
    with pytest.raises(ValidationFailed, match="只有承办单位可以答复代表建议。"):
        suggestion_reply(suggestion=proposed, actor=dan, content="越权答复")
    assert not SuggestionReply.objects.exists()


def test_a_department_replies_once_per_round(assigned, henry):
    suggestion_reply(suggestion=assigned, actor=henry, content="协办意见")

    with pytest.raises(ValidationFailed, match="本单位已答复过本轮，不能重复答复。"):
        suggestion_reply(suggestion=assigned, actor=henry, content="再说一次")


def test_only_the_lead_deputy_evaluates_and_dissatisfaction_needs_a_reason(
    assigned, hana, zhao, wang, lin
):
    suggestion_reply(suggestion=assigned, actor=hana, content="答复")

    for actor in (zhao, lin):
        with pytest.raises(ValidationFailed, match="只有领衔代表可以评价办理结果。"):
            suggestion_evaluate(suggestion=assigned, actor=actor, evaluation="satisfied")
    with pytest.raises(ValidationFailed, match="请说明不满意的理由。"):
        suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="dissatisfied")
    with pytest.raises(ValidationFailed, match="请选择满意、基本满意或不满意。"):
        suggestion_evaluate(suggestion=assigned, actor=wang, evaluation="great")
    assigned.refresh_from_db()
    assert assigned.status == "replied"


def test_returning_or_refusing_needs_a_reason(proposed, lin):
    with pytest.raises(ValidationFailed, match="请填写退回的理由。"):
        suggestion_return(suggestion=proposed, actor=lin, reason=" ")
    with pytest.raises(ValidationFailed, match="请填写不予立案的理由。"):
        suggestion_reject(suggestion=proposed, actor=lin, reason="")
