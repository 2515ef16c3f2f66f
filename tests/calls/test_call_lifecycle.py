"""Ring → answer → hangup through the webhook: status, durations, retries, events out of order."""

from __future__ import annotations

import pytest

from minyi.calls.models import CallEvent, CallLog, CallStatus
from tests.factories import ZHANG_MOBILE, AgentMappingFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-02T10:00:00"  # naive: Asia/Shanghai


def ring(pbx, call_id="c-1", caller="13800138000", at=T0, **extra):
    return pbx(event="ring", call_id=call_id, to="12345", at=at, **{"from": caller}, **extra)


def row(call_id="c-1") -> dict:
    return CallLog.objects.filter(call_id=call_id).values().get()


def test_a_ring_from_a_deputy_returns_the_banner_and_greeting(pbx, zhang):
    response = ring(pbx, caller="+86 138-0013-8000")
    assert response.status_code == 200
    body = response.json()
    assert body["call_id"] == "c-1"
    assert body["status"] == "ringing"
    assert body["deputy"] == {
        "id": zhang.pk,
        "name": "张三",
        "banner": "张三 湖南省(湘潭市、韶山市、银田镇)人大代表",
        "greeting": "欢迎您，张三代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？",
        "levels": ["provincial", "city", "township"],
    }
    call = CallLog.objects.get()
    assert call.deputy == zhang
    assert call.caller == ZHANG_MOBILE
    assert call.caller_raw == "+86 138-0013-8000"
    assert call.called == "12345"


def test_a_ring_from_a_landline_deputy_returns_the_single_congress_banner(pbx, li):
    body = ring(pbx, caller="0731-85309270").json()
    assert body["deputy"]["banner"] == "李四 韶山市人大代表"


def test_a_ring_from_an_unknown_number_has_no_deputy(pbx, zhang):
    body = ring(pbx, caller="13900000000").json()
    assert body["deputy"] is None
    assert CallLog.objects.get().caller == "+8613900000000"


def test_a_hidden_number_has_no_deputy_and_keeps_the_raw_caller_id(pbx, zhang):
    body = ring(pbx, caller="anonymous").json()
    assert body["deputy"] is None
    call = CallLog.objects.get()
    assert (call.caller_raw, call.caller) == ("anonymous", "")


def test_a_hidden_number_sent_as_null_is_accepted(pbx):
    response = pbx(event="ring", call_id="c-1", **{"from": None})
    assert response.status_code == 200
    assert response.json()["deputy"] is None


def test_the_same_event_twice_changes_nothing(pbx, zhang):
    first = ring(pbx)
    before = row()
    second = ring(pbx)
    assert second.json() == first.json()
    assert row() == before
    assert list(CallEvent.objects.values_list("event", "duplicate")) == [
        ("ring", False),
        ("ring", True),
    ]


def test_a_retried_hangup_without_a_time_changes_nothing(pbx, zhang):
    ring(pbx)
    first = pbx(event="hangup", call_id="c-1")
    before = row()
    second = pbx(event="hangup", call_id="c-1")
    assert second.json() == first.json()
    assert row() == before


def test_ring_answer_hangup_gives_durations_and_ended(pbx, zhang):
    ring(pbx)
    answered = pbx(event="answer", call_id="c-1", at="2026-03-02T10:00:12")
    assert answered.json()["status"] == "answered"
    ended = pbx(event="hangup", call_id="c-1", at="2026-03-02T10:05:12").json()
    assert ended["status"] == "ended"
    assert ended["ring_seconds"] == 12
    assert ended["talk_seconds"] == 300
    assert ended["callback_todo"] is False
    assert ended["deputy"]["name"] == "张三"
    assert ended["rang_at"] == "2026-03-02T10:00:00+08:00"


def test_ring_then_hangup_is_a_missed_deputy_call_to_call_back(pbx, zhang):
    ring(pbx)
    body = pbx(event="hangup", call_id="c-1", at="2026-03-02T10:00:30").json()
    assert body["status"] == "missed"
    assert body["ring_seconds"] == 30
    assert body["talk_seconds"] is None
    assert body["callback_todo"] is True
    assert CallLog.objects.get().is_callback_todo


def test_a_missed_citizen_call_is_not_a_callback_todo(pbx, zhang):
    ring(pbx, caller="13900000000")
    body = pbx(event="hangup", call_id="c-1").json()
    assert body["status"] == "missed"
    assert body["callback_todo"] is False


def test_a_hangup_before_the_late_answer_ends_up_ended(pbx, zhang):
    ring(pbx)
    assert pbx(event="hangup", call_id="c-1", at="2026-03-02T10:03:00").json()["status"] == (
        "missed"
    )
    body = pbx(event="answer", call_id="c-1", at="2026-03-02T10:00:05").json()
    assert body["status"] == "ended"
    assert (body["ring_seconds"], body["talk_seconds"]) == (5, 175)


def test_an_answer_for_an_unknown_call_creates_the_log(pbx, zhang):
    body = pbx(event="answer", call_id="c-9", at=T0, **{"from": "13800138000"}).json()
    assert body["status"] == "answered"
    assert body["deputy"]["id"] == zhang.pk
    call = CallLog.objects.get(call_id="c-9")
    assert call.rang_at is None
    assert call.started_at == call.answered_at


def test_a_late_ring_after_the_answer_fills_the_ring_time_and_caller(pbx, zhang):
    pbx(event="answer", call_id="c-1", at="2026-03-02T10:00:08")
    body = ring(pbx).json()
    assert body["status"] == "answered"
    assert body["ring_seconds"] == 8
    assert body["deputy"]["id"] == zhang.pk
    assert CallLog.objects.get().started_at.isoformat() == "2026-03-02T02:00:00+00:00"


def test_the_agent_is_resolved_by_extension(pbx, olivia):
    AgentMappingFactory(extension="8001", user=olivia)
    body = ring(pbx, agent="8001").json()
    assert (body["agent"], body["agent_user"]) == ("8001", "olivia")
    assert CallLog.objects.get().agent == olivia


def test_the_agent_is_resolved_by_an_operator_username(pbx, olivia):
    ring(pbx, agent="olivia")
    assert CallLog.objects.get().agent == olivia


def test_a_username_that_is_not_an_operator_is_kept_raw(pbx, dan):
    ring(pbx, agent="dan")
    call = CallLog.objects.get()
    assert (call.agent_raw, call.agent) == ("dan", None)


def test_an_unknown_agent_is_kept_raw(pbx):
    ring(pbx, agent="9999")
    call = CallLog.objects.get()
    assert (call.agent_raw, call.agent) == ("9999", None)


def test_the_agent_who_answers_is_the_one_who_took_the_call(pbx, olivia):
    AgentMappingFactory(extension="8001", user=olivia)
    ring(pbx, agent="8002")
    pbx(event="answer", call_id="c-1", agent="8001")
    pbx(event="hangup", call_id="c-1", agent="8002")
    assert CallLog.objects.get().agent == olivia


def test_an_aware_time_is_kept_and_a_missing_one_is_now(pbx):
    ring(pbx, at="2026-03-02T02:00:00Z")
    assert CallLog.objects.get().rang_at.isoformat() == "2026-03-02T02:00:00+00:00"
    pbx(event="ring", call_id="c-2")
    assert CallLog.objects.get(call_id="c-2").rang_at is not None


def test_a_new_ring_is_published_after_commit_and_a_retry_is_not(
    pbx, zhang, olivia, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        "minyi.calls.notify.publish_ring", lambda call, card: published.append((call, card))
    )
    AgentMappingFactory(extension="8001", user=olivia)
    with django_capture_on_commit_callbacks(execute=True):
        ring(pbx, agent="8001")
        ring(pbx, agent="8001")
        pbx(event="answer", call_id="c-1")
    assert len(published) == 1
    call, card = published[0]
    assert call.agent == olivia
    assert card.name == "张三"


def test_publishing_never_breaks_the_webhook(pbx, zhang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ring(pbx)
    assert response.status_code == 200
    assert CallLog.objects.get().status == CallStatus.RINGING
