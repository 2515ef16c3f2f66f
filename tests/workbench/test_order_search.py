"""查询工单: by number, by title words, by phone (hotline roles only, logged) — never finding
what the user's lists would not show them, and never by a person the rule withholds."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.orders.models import Channel
from minyi.privacy.models import PersonalDataAccess
from tests.factories import UserFactory, make_order
from tests.logins import verified_login
from tests.workbench.detail_helpers import deputy_user

pytestmark = pytest.mark.django_db
SEARCH = "/work/search/"


def found(client, user, **query) -> list[str]:
    client.force_login(user)
    response = client.get(SEARCH, query)
    assert response.status_code == 200, response.content.decode()[:300]
    return [order.number for order in response.context["rows"]]


def test_a_full_number_opens_the_order_and_the_prefix_may_be_left_off(client, dan):
    order = make_order("accepted")
    client.force_login(dan)

    assert client.get(SEARCH, {"q": order.number})["Location"] == f"/work/orders/{order.number}/"
    short = order.number.split("-", 1)[1]
    assert client.get(SEARCH, {"q": f" {short} "})["Location"].endswith(f"{order.number}/")


def test_a_number_the_user_may_not_see_opens_nothing(client, henry, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    client.force_login(henry)

    response = client.get(SEARCH, {"q": order.number})

    assert response.status_code == 200 and response.context["rows"] == []
    assert "没有找到您可以查看的工单" in response.content.decode()


def test_words_find_titles_with_every_word_newest_first(client, dan):
    old = make_order("accepted", title="银田镇路灯不亮")
    new = make_order("accepted", title="银田镇主干道路灯坏了")
    make_order("accepted", title="清溪镇路灯不亮")

    assert found(client, dan, q="银田镇 路灯") == [new.number, old.number]
    assert found(client, dan, q="银田镇 不亮") == [old.number]


def test_a_department_finds_only_its_own_orders(client, hana, henry, dan):
    mine = make_order("signed", title="占道经营", handler=hana, dispatcher=dan)
    make_order("signed", title="占道经营", handler=henry, dispatcher=dan)

    assert found(client, hana, q="占道") == [mine.number]


def test_a_department_cannot_find_a_report_by_the_whistle_blowers_name(client, hana, dan):
    report = make_order(
        "signed",
        request_type_code="report",
        title="王某举报：隔壁工地夜间施工",
        requester_name="王某",
        handler=hana,
        dispatcher=dan,
    )

    assert found(client, hana, q="王某") == []
    assert found(client, hana, q="工地") == [report.number]  # the rest of the title still works
    assert found(client, dan, q="王某") == [report.number]  # the hotline sees who reported


def test_the_hotline_finds_orders_by_phone_and_the_search_is_logged(client, dan):
    order = make_order("accepted", requester_phone="+8613812345678")
    make_order("accepted", requester_phone="+8613900000000")
    client.force_login(dan)

    response = client.post(SEARCH, {"phone": "138 1234 5678"})

    assert [o.number for o in response.context["rows"]] == [order.number]
    html = response.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    log = PersonalDataAccess.objects.get()
    assert log.user == dan and log.fields == "联系电话" and "138****5678" in log.subject


def test_a_phone_search_never_finds_a_requester_the_rule_withholds(client, olivia):
    # the operator sees the orders they recorded; an anonymous caller's stays findable by the
    # hotline (it may see anonymous requesters), a whistle-blower's too — masked
    order = make_order("accepted", operator=olivia, requester_phone="+8613812345678")

    client.force_login(olivia)
    response = client.post(SEARCH, {"phone": "13812345678"})

    assert [o.number for o in response.context["rows"]] == [order.number]


@pytest.mark.parametrize("role", [Role.HANDLER, Role.DEPUTY, Role.LIAISON])
def test_roles_outside_the_hotline_cannot_search_by_phone(client, dept_a, deputy, role):
    extra = {Role.HANDLER: {"department": dept_a}, Role.DEPUTY: {"deputy": deputy}}
    client.force_login(UserFactory(role=role, **extra.get(role, {})))

    assert "按电话查询" not in client.get(SEARCH).content.decode()
    assert client.post(SEARCH, {"phone": "13812345678"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_bad_phone_or_an_empty_query_is_a_chinese_message_and_nothing_is_logged(client, dan):
    client.force_login(dan)

    bad = client.post(SEARCH, {"phone": "12345"})
    empty = client.get(SEARCH, {"q": "  "})

    assert bad.status_code == 400 and "不是有效的手机号码" in bad.content.decode()
    assert empty.status_code == 400 and "该字段是必填项" in empty.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_administrators_have_no_workbench_search(client, ada):
    verified_login(client, ada)

    assert client.get(SEARCH).status_code == 403


def test_a_deputy_finds_only_the_orders_they_raised(client, deputy, dan):
    user = deputy_user(deputy)
    mine = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=deputy, title="路灯")
    make_order("accepted", title="路灯")

    assert found(client, user, q="路灯") == [mine.number]
