"""A double-click on 保存 (or a retried POST) makes one order and one SMS: the form's
idempotency key is checked by the service layer (minyi/core/idempotency.py)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core.models import IdempotencyKey
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, EventKind, Status, WorkOrder
from tests.factories import UserFactory, console_intake, keyed

pytestmark = pytest.mark.django_db

KEY = "6f1c1f7e-3d7a-4c55-9a38-0d1f5b6a2c11"


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def intake_form(**fields) -> dict:
    return console_intake(KEY, **fields)


def test_the_same_intake_posted_twice_makes_one_order_and_one_sms(as_olivia):
    first = as_olivia.post("/console/intake/", intake_form())
    second = as_olivia.post("/console/intake/", intake_form())

    order = WorkOrder.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/console/orders/{order.number}/"
    assert OutboxMessage.objects.filter(order=order).count() == 1
    assert order.events.filter(kind=EventKind.ACCEPTED).count() == 1


def test_the_repeat_says_what_the_first_said(as_olivia):
    as_olivia.post("/console/intake/", intake_form())
    as_olivia.get("/console/")  # the first message is read

    page = as_olivia.post("/console/intake/", intake_form(), follow=True).content.decode()

    order = WorkOrder.objects.get()
    assert f"已受理工单 {order.number}。请选择下一步：派单或直接答复。" in page


def test_an_htmx_double_click_answers_both_clicks_with_the_same_redirect(as_olivia):
    headers = {"HX-Request": "true"}
    first = as_olivia.post("/console/intake/", intake_form(), headers=headers)
    second = as_olivia.post("/console/intake/", intake_form(), headers=headers)

    order = WorkOrder.objects.get()
    assert first.status_code == second.status_code == 204
    assert first["HX-Redirect"] == second["HX-Redirect"] == f"/console/orders/{order.number}/"


def test_two_forms_with_their_own_keys_make_two_orders(as_olivia):
    as_olivia.post("/console/intake/", keyed(intake_form()))
    as_olivia.post("/console/intake/", keyed(intake_form()))

    assert WorkOrder.objects.count() == 2
    assert OutboxMessage.objects.count() == 2


def test_another_operators_post_with_the_same_key_is_their_own_order(client, as_olivia):
    as_olivia.post("/console/intake/", intake_form())
    oscar = UserFactory(username="oscar", role=Role.OPERATOR)
    client.force_login(oscar)

    response = client.post("/console/intake/", intake_form(title="楼道堆放杂物"))

    theirs = WorkOrder.objects.get(created_by=oscar)
    assert theirs.title == "楼道堆放杂物"
    assert response["Location"] == f"/console/orders/{theirs.number}/"
    assert WorkOrder.objects.count() == 2


def test_the_same_key_with_other_content_is_refused_and_saves_nothing(as_olivia):
    as_olivia.post("/console/intake/", intake_form())

    response = as_olivia.post("/console/intake/", intake_form(title="另一件事"))

    html = response.content.decode()
    assert "这张表单已经提交过，本次的操作或内容与前次不同，未执行" in html
    assert KEY not in html  # the form shown again is a new submission
    assert WorkOrder.objects.count() == 1


def test_a_refused_form_keeps_its_key_and_the_corrected_one_is_saved(as_olivia, zhang):
    refused = as_olivia.post(
        "/console/intake/", intake_form(channel=Channel.DEPUTY_CALL, deputy=zhang.pk, title="")
    )
    saved = as_olivia.post(
        "/console/intake/", intake_form(channel=Channel.DEPUTY_CALL, deputy=zhang.pk)
    )

    assert refused.status_code == 200 and KEY in refused.content.decode()
    assert saved.status_code == 302
    assert WorkOrder.objects.get().status == Status.ACCEPTED


@pytest.mark.parametrize(
    ("key", "words"),
    [("", "表单缺少提交标识"), ("not-a-key", "提交标识格式有误")],
    ids=["missing", "malformed"],
)
def test_a_form_without_a_usable_key_is_a_chinese_400_and_saves_nothing(as_olivia, key, words):
    response = as_olivia.post("/console/intake/", intake_form(idempotency_key=key))

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not WorkOrder.objects.exists() and not IdempotencyKey.objects.exists()


def test_every_blank_intake_form_carries_a_new_key(as_olivia):
    pages = [as_olivia.get("/console/intake/").content.decode() for _ in range(2)]

    keys = [page.split('name="idempotency_key" value="', 1)[1][:36] for page in pages]
    assert keys[0] != keys[1]


def test_the_next_step_posted_twice_answers_once(as_olivia):
    as_olivia.post("/console/intake/", intake_form())
    order = WorkOrder.objects.get()
    answer = keyed(content="已告知办理流程与所需材料。")

    first = as_olivia.post(f"/console/orders/{order.number}/answer/", answer)
    second = as_olivia.post(f"/console/orders/{order.number}/answer/", answer, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert f"工单 {order.number}：已直接答复，转入回访。" in second.content.decode()
    assert order.events.filter(kind=EventKind.DIRECT_ANSWER).count() == 1
