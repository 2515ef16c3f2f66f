"""An order action submitted twice (a double-click, a retry, Back and resubmit) acts once and
answers the repeat like the first — not with "您现在不能对该工单执行此操作" — on the page and in
the API (``Idempotency-Key``). minyi/core/idempotency.py."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, EventKind, Status
from minyi.suggestions.models import Suggestion
from tests.factories import MONDAY, UserFactory, keyed, make_order
from tests.workbench.detail_helpers import detail_url

pytestmark = pytest.mark.django_db

KEY = "0b3c7f0e-8a4d-4b1e-9c55-3e2f1a7d9b20"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def deputy_order(deputy):
    return make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=deputy)


def escalated_texts(order) -> list[str]:
    """The phones told of the escalation (the deputy, and the requester on their own phone)."""
    return sorted(
        OutboxMessage.objects.filter(order=order, template_code="order_escalated").values_list(
            "recipient_phone", flat=True
        )
    )


def test_an_escalation_posted_twice_makes_one_suggestion_and_one_sms(client, dan, deputy_order):
    client.force_login(dan)
    form = {"note": "涉及面广、办理难度大", "idempotency_key": KEY}

    first = client.post(detail_url(deputy_order, "escalate"), form)
    told = escalated_texts(deputy_order)
    second = client.post(detail_url(deputy_order, "escalate"), form)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == detail_url(deputy_order)
    assert Suggestion.objects.filter(order=deputy_order).count() == 1
    assert deputy_order.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert len(told) == len(set(told)) >= 1
    assert escalated_texts(deputy_order) == told
    page = client.get(second["Location"]).content.decode()
    assert "已转为闭会期间代表建议" in page and "您现在不能" not in page


def test_a_new_form_after_the_order_moved_on_is_still_refused(client, dan, deputy_order):
    client.force_login(dan)
    client.post(detail_url(deputy_order, "escalate"), keyed(note="转联工委"))
    told = escalated_texts(deputy_order)

    again = client.post(detail_url(deputy_order, "escalate"), keyed(note="转联工委"))

    assert again.status_code == 403
    assert escalated_texts(deputy_order) == told


def test_another_dispatcher_using_the_same_key_acts_on_their_own(client, dan, dept_a):
    mine, theirs = make_order("accepted"), make_order("accepted")
    dora = UserFactory(username="dora", role=Role.DISPATCHER)
    client.force_login(dan)
    client.post(detail_url(mine, "dispatch"), {"lead": dept_a.pk, "idempotency_key": KEY})
    client.force_login(dora)

    response = client.post(
        detail_url(theirs, "dispatch"), {"lead": dept_a.pk, "idempotency_key": KEY}
    )

    assert response["Location"] == detail_url(theirs)
    theirs.refresh_from_db()
    assert theirs.status == Status.DISPATCHED
    assert theirs.events.get(kind=EventKind.DISPATCHED).actor == dora


def test_an_archive_posted_twice_sends_the_agent_to_the_archived_order_both_times(
    client, carl, hana, dan
):
    order = make_order("callback", handler=hana, dispatcher=dan, agent=carl)
    client.force_login(carl)
    form = keyed(note="代表满意，归档")

    first = client.post(detail_url(order, "archive"), form)
    second = client.post(detail_url(order, "archive"), form)

    # what the agent archived stays in their sight (我已处理): both answers open its page
    assert first["Location"] == second["Location"] == detail_url(order)
    assert order.events.filter(kind=EventKind.ARCHIVED).count() == 1


def test_the_same_key_on_another_action_is_refused_with_a_message(client, dan, deputy_order):
    client.force_login(dan)
    client.post(detail_url(deputy_order, "escalate"), {"note": "转联工委", "idempotency_key": KEY})

    response = client.post(
        detail_url(deputy_order, "merge"), {"master": "x", "idempotency_key": KEY}, follow=True
    )

    assert "这张表单已经提交过，本次的操作或内容与前次不同，未执行" in response.content.decode()
    assert deputy_order.events.filter(kind=EventKind.MERGED).count() == 0


def test_an_action_without_its_key_is_a_chinese_400(client, dan, dept_a):
    order = make_order("accepted")
    client.force_login(dan)

    response = client.post(detail_url(order, "dispatch"), {"lead": dept_a.pk})

    assert response.status_code == 400
    assert "表单缺少提交标识" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_every_action_form_on_the_page_carries_its_own_key(client, dan, deputy_order):
    client.force_login(dan)

    def key_of(action: str) -> list[str]:
        page = client.get(detail_url(deputy_order), {"do": action}).content.decode()
        return [part[:36] for part in page.split('name="idempotency_key" value="')[1:]]

    keys = [*key_of("escalate"), *key_of("merge"), *key_of("escalate")]
    # one form open at a time, each with a key of its own, a new one each time it is shown
    assert len(keys) == 3 and len(set(keys)) == 3


# -- the JSON API ------------------------------------------------------------------------------


def api_post(client, order, action: str, body: dict, key: str | None = KEY):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/orders/{order.number}/actions/{action}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_an_api_retry_with_the_same_key_answers_the_first_answer(client, dan, deputy_order):
    client.force_login(dan)

    first = api_post(client, deputy_order, "escalate", {"note": "转联工委"})
    told = escalated_texts(deputy_order)
    retry = api_post(client, deputy_order, "escalate", {"note": "转联工委"})

    assert first.status_code == retry.status_code == 200
    assert retry.json()["message"] == first.json()["message"]
    assert retry.json()["order"]["status"] == Status.ESCALATED
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert told and escalated_texts(deputy_order) == told


def test_an_api_key_reused_with_another_body_is_422(client, dan, deputy_order):
    client.force_login(dan)
    api_post(client, deputy_order, "escalate", {"note": "转联工委"})

    response = api_post(client, deputy_order, "escalate", {"note": "另一说明"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_an_api_key_that_is_not_a_uuid_is_a_structured_400(client, dan, deputy_order):
    client.force_login(dan)

    response = api_post(client, deputy_order, "escalate", {"note": "转联工委"}, key="abc")

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_malformed"
    assert escalated_texts(deputy_order) == []


def test_an_api_call_without_the_header_acts_every_time(client, dan, deputy_order):
    client.force_login(dan)

    first = api_post(client, deputy_order, "escalate", {"note": "转联工委"}, key=None)
    again = api_post(client, deputy_order, "escalate", {"note": "转联工委"}, key=None)

    assert first.status_code == 200 and again.status_code == 403
