"""The candidate duplicates of a call being typed: each with its reason, only those the user may
see (masked; never a report to a department, never another department's order)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.intake.selectors import Typed, candidates_for
from minyi.intake.services import intake_catch_up
from minyi.orders.models import Assignment
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
OTHER = "+8613900139000"
LAMP = "韶山村三组的路灯坏了一个多月，晚上出行很不方便，请尽快维修路灯"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def reasons(user, typed: Typed) -> dict[str, str]:
    return {c.order.number: c.reason for c in candidates_for(user, typed)}


def test_a_call_from_the_same_phone_within_thirty_days_is_a_candidate(olivia):
    earlier = make_order("accepted", at=MONDAY - timedelta(days=10), requester_phone=PHONE)
    intake_catch_up()

    found = candidates_for(olivia, Typed(text="我家门口的下水道又堵了", phone=PHONE))

    assert [c.order.number for c in found] == [earlier.number]
    assert found[0].reason == "same_phone" and found[0].reason_label == "同一来电号码"


def test_a_call_from_the_same_phone_older_than_the_setting_is_not(olivia, settings):
    settings.MINYI = {**settings.MINYI, "INTAKE_DUPLICATE_PHONE_DAYS": 5}
    make_order("accepted", at=MONDAY - timedelta(days=10), requester_phone=PHONE)
    intake_catch_up()

    assert candidates_for(olivia, Typed(text="我家门口的下水道又堵了", phone=PHONE)) == []


def test_an_order_at_the_same_place_is_a_candidate_from_another_phone(olivia):
    there = make_order(
        "accepted",
        requester_phone=OTHER,
        address="清溪镇韶山村3组",
        title="路灯不亮",
        content="村里路灯不亮了，晚上很黑",
    )
    intake_catch_up()
    typed = Typed(text="路灯不亮 晚上黑", phone=PHONE, address="韶山村三组附近")

    assert reasons(olivia, typed) == {there.number: "same_place"}


def test_another_matter_at_the_same_place_is_not_a_candidate(olivia):
    make_order(
        "accepted",
        requester_phone=OTHER,
        address="清溪镇韶山村3组",
        title="养猪场臭味",
        content="养猪场的臭味很大，污水直排",
    )
    intake_catch_up()

    assert reasons(olivia, Typed(text="路灯不亮 晚上黑", address="韶山村三组")) == {}


def test_a_similar_text_is_a_candidate_before_and_after_the_index_catches_up(olivia):
    lamp = make_order("accepted", requester_phone=OTHER, title="路灯坏了", content=LAMP)
    make_order("accepted", requester_phone=OTHER, title="噪音扰民", content="楼下烧烤店深夜噪音")
    typed = Typed(text="路灯坏了一个多月 韶山村三组晚上出行不方便，希望尽快维修", phone=PHONE)

    before = reasons(olivia, typed)  # read directly: newer than the index's cursor
    intake_catch_up()
    after = reasons(olivia, typed)  # read through the term index

    assert before == after == {lamp.number: "similar_text"}


def test_drafts_and_merged_orders_are_never_candidates(olivia):
    make_order("draft", requester_phone=PHONE)
    merged = make_order("merged", requester_phone=PHONE)
    intake_catch_up()

    found = reasons(olivia, Typed(text="路灯", phone=PHONE))

    assert merged.number not in found and merged.master.number in found
    assert len(found) == 1


def test_a_report_is_never_a_candidate_of_an_ordinary_call(olivia):
    make_order("accepted", request_type_code="report", requester_phone=PHONE)
    intake_catch_up()

    assert candidates_for(olivia, Typed(text="路灯", phone=PHONE, protect_identity=False)) == []


def test_a_department_never_sees_a_report_nor_another_departments_order(hana, henry, dan):
    a = hana.department
    ours = make_order("dispatched", lead=a, dispatcher=dan, requester_phone=PHONE)
    theirs = make_order("dispatched", lead=henry.department, dispatcher=dan, requester_phone=PHONE)
    report = make_order(
        "dispatched", lead=a, dispatcher=dan, request_type_code="report", requester_phone=PHONE
    )
    intake_catch_up()
    assert Assignment.objects.filter(order=report, department=a).exists()

    typed = Typed(text="小区门口占道经营，摊贩每天傍晚占用人行道", phone=PHONE)
    found = reasons(hana, typed)

    # found by the text (a department is never matched by phone), and only its own order
    assert found == {ours.number: "similar_text"}
    assert theirs.number in reasons(henry, typed)


def test_the_title_is_masked_as_the_privacy_rule_lets_the_user_read_it(olivia):
    make_order("accepted", requester_phone=PHONE, title="13912345678反映路灯不亮", operator=olivia)
    intake_catch_up()

    [found] = candidates_for(olivia, Typed(text="路灯", phone=PHONE))

    assert "13912345678" not in found.title and "139****5678" in found.title


def test_an_anonymous_or_unknown_user_gets_nothing(client, olivia):
    from django.contrib.auth.models import AnonymousUser

    make_order("accepted", requester_phone=PHONE)
    intake_catch_up()

    assert candidates_for(AnonymousUser(), Typed(text="路灯", phone=PHONE)) == []


def test_the_scheduler_catches_the_index_up_every_minute(monkeypatch):
    from tests.scheduler_jobs import scheduler_jobs

    assert scheduler_jobs(monkeypatch)["intake_catch_up"] == 60


def test_the_catch_up_indexes_each_order_once_and_moves_its_cursor(olivia):
    from django.core.management import call_command

    from minyi.intake.models import IntakeCursor, IntakeKey

    orders = [make_order("accepted", requester_phone=PHONE) for _ in range(3)]
    call_command("intake_index", "--batch", "2", stdout=__import__("io").StringIO())

    assert intake_catch_up() == 0
    assert IntakeKey.objects.count() == 3
    assert IntakeCursor.objects.get().last_order_id == orders[-1].pk
