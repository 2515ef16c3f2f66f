"""One action at a time (issue 9): the detail page shows what the user may do now as buttons,
the usual next step first; each button opens that action's form alone, with no script."""

from __future__ import annotations

import re

import pytest

from minyi.core import clock
from minyi.workbench.action_views import ACTIONS, NEXT_STEPS, in_usual_order
from tests.factories import MONDAY, keyed, make_order
from tests.workbench.detail_helpers import detail_url, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def page(client, user, order, **query) -> str:
    client.force_login(user)
    response = client.get(detail_url(order), query)
    assert response.status_code == 200
    return response.content.decode()


def buttons(html: str) -> list[str]:
    return re.findall(r'id="do-([a-z-]+)"', html)


def forms(html: str) -> list[str]:
    return re.findall(r'<form class="stack action[^"]*" id="action-([a-z-]+)"', html)


def button_classes(html: str, action: str) -> str:
    return re.search(rf'<a class="([^"]*)" id="do-{action}"', html).group(1)


def test_the_dispatcher_sees_dispatch_first_and_no_form_until_she_chooses(client, dan):
    order = make_order("accepted")

    html = page(client, dan, order)

    assert buttons(html) == ["dispatch", "merge", "escalate", "reject"]
    assert button_classes(html, "dispatch") == "button"  # the primary (red) button
    assert "secondary" in button_classes(html, "reject")
    assert forms(html) == []


def test_a_button_is_a_plain_link_that_opens_its_own_form_alone(client, dan):
    order = make_order("accepted")

    html = page(client, dan, order)
    link = re.search(r'id="do-merge" href="([^"]+)"', html).group(1)
    opened = page(client, dan, order, do="merge")

    assert link == f"{detail_url(order)}?do=merge#actions"
    assert forms(opened) == ["merge"]
    assert 'id="id_merge_master"' in opened and 'id="id_dispatch_lead"' not in opened
    assert 'aria-current="true">合并至主工单</a>' in opened


def test_the_handler_signs_first_then_replies_before_asking_for_more_time_or_returning(
    client, dan, hana
):
    dispatched = make_order("dispatched", lead=hana.department, dispatcher=dan)
    signed = make_order("signed", handler=hana, dispatcher=dan)

    assert buttons(page(client, hana, dispatched)) == ["sign", "return"]
    assert buttons(page(client, hana, signed)) == ["reply", "extend", "return"]
    assert "secondary" in button_classes(page(client, hana, signed), "return")


def test_the_callback_agent_records_the_callback_then_archives(client, carl, dan, hana):
    order = make_order("replied", handler=hana, dispatcher=dan)

    before = buttons(page(client, carl, order))
    client.post(
        detail_url(order, "callback"), keyed({"satisfaction": "satisfied", "solved": "yes"})
    )
    after = buttons(page(client, carl, order))

    assert before[0] == "callback" and before.index("callback") < before.index("redo")
    assert after[0] == "archive" and after.index("archive") < after.index("callback")


def test_an_invalid_post_reopens_that_form_with_its_errors_and_no_other(client, dan):
    order = make_order("accepted")
    before = snapshot(order)
    client.force_login(dan)

    response = client.post(detail_url(order, "merge"), keyed({"master": "12345-00000000-999999"}))
    html = response.content.decode()

    assert response.status_code == 400
    assert forms(html) == ["merge"]
    assert "未找到工单 12345-00000000-999999。" in html
    assert 'value="12345-00000000-999999"' in html  # as typed
    assert buttons(html)[0] == "dispatch"
    assert snapshot(order) == before


def test_asking_for_an_action_not_allowed_now_opens_nothing_and_is_no_error(client, dan):
    order = make_order("accepted")

    for name in ("sign", "no-such-thing", "x" * 500, ""):
        html = page(client, dan, order, do=name)
        assert forms(html) == []


def test_the_api_lists_the_actions_in_the_same_order_as_the_buttons(client, dan):
    order = make_order("accepted")
    client.force_login(dan)

    listed = client.get(f"/api/orders/{order.number}/actions/").json()["actions"]

    assert listed == buttons(page(client, dan, order))


def test_every_action_has_a_place_in_the_usual_order_and_a_new_one_comes_last():
    assert set(NEXT_STEPS) <= set(ACTIONS)
    assert in_usual_order(["reject", "made-up", "dispatch"]) == ["dispatch", "reject", "made-up"]


def test_the_operator_dispatches_or_answers_her_own_new_order_from_its_page(client, olivia):
    order = make_order("accepted", operator=olivia)

    html = page(client, olivia, order)
    response = client.post(detail_url(order, "answer"), keyed({"content": "已告知办理流程。"}))

    assert buttons(html) == ["dispatch", "answer"]
    assert response.status_code == 302
    assert type(order).objects.get(pk=order.pk).status == "callback"


def test_the_console_opens_the_usual_next_step_and_offers_the_other_as_a_button(client, olivia):
    order = make_order("accepted", operator=olivia)
    client.force_login(olivia)

    html = client.get(f"/console/orders/{order.number}/").content.decode()
    answer = client.get(f"/console/orders/{order.number}/", {"do": "answer"}).content.decode()

    assert buttons(html) == ["dispatch", "answer"] and forms(html) == ["dispatch"]
    assert f'action="/console/orders/{order.number}/dispatch/"' in html
    assert forms(answer) == ["answer"]
    assert f'href="/console/orders/{order.number}/?do=answer#actions"' in html


def test_the_page_shows_no_template_comment_as_text(client, dan):
    html = page(client, dan, make_order("accepted"), do="dispatch")

    assert "{#" not in html and "#}" not in html and "NEXT_STEPS" not in html


def tag_of(html: str, element_id: str) -> str:
    return re.search(rf'<[^>]*id="{element_id}"[^>]*>', html).group(0)


def test_the_cursor_goes_to_the_opened_form_and_after_a_refusal_to_the_field_in_error(
    client, dan, hana
):
    order = make_order("signed", handler=hana, dispatcher=dan)

    opened = page(client, hana, order, do="reply")
    refused = client.post(
        detail_url(order, "reply"), keyed({"content": "已修复。", "method": "phone"})
    )
    plain = page(client, hana, order)

    assert "autofocus" in tag_of(opened, "id_reply_content")
    assert "autofocus" in tag_of(refused.content.decode(), "id_reply_solved")
    assert "autofocus" not in tag_of(refused.content.decode(), "id_reply_content")
    assert "autofocus" not in plain


def test_on_a_phone_the_head_links_down_to_the_actions(client, dan):
    html = page(client, dan, make_order("accepted"))

    assert '<a class="jump-actions" href="#actions">可执行的操作（4）</a>' in html
