"""The print sheet of an order (打印工单): A4, the timeline and the deadlines, the requester as
the privacy rule shows them to whoever prints, and nothing a printed page cannot do."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import Channel
from minyi.privacy.models import PersonalDataAccess
from tests.factories import at, make_order

pytestmark = pytest.mark.django_db


def sheet(client, user, order) -> str:
    client.force_login(user)
    response = client.get(f"/work/orders/{order.number}/print/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def signed(dan, hana, olivia):
    return make_order(
        "signed",
        handler=hana,
        operator=olivia,
        dispatcher=dan,
        requester_name="张小三",
        requester_phone="+8613812345678",
    )


def test_the_sheet_has_the_order_its_deadlines_and_its_whole_timeline(client, dan, signed):
    html = sheet(client, dan, signed)

    assert signed.number in html and signed.title in html and signed.content in html
    assert "办结时限" in html and "签收时限" in html
    for label in ("登记", "受理", "派单", "签收"):
        assert f"<strong>{label}</strong>" in html
    assert "市城市管理和综合执法局" in html
    assert "size: A4" in open_css(client)


def open_css(client) -> str:
    from django.contrib.staticfiles import finders

    return open(finders.find("workbench/print.css"), encoding="utf-8").read()


def test_the_requester_is_printed_masked_and_printing_logs_no_full_view(client, dan, signed):
    html = sheet(client, dan, signed)

    assert "138****5678" in html and "13812345678" not in html
    assert "查看完整信息" not in html and "<form" not in html
    assert not PersonalDataAccess.objects.exists()


def test_a_department_prints_no_whistle_blower_and_no_deputy(client, hana, dan, deputy):
    order = make_order(
        "signed",
        request_type_code="report",
        channel=Channel.DEPUTY_CALL,
        deputy=deputy,
        handler=hana,
        dispatcher=dan,
    )

    html = sheet(client, hana, order)

    assert "举报人信息保密" in html
    assert deputy.name not in html and "反映代表" not in html


def test_an_order_the_user_may_not_see_has_no_sheet_either(client, henry, signed):
    client.force_login(henry)

    assert client.get(f"/work/orders/{signed.number}/print/").status_code == 404


def test_the_sheet_says_who_printed_it_and_when_in_beijing_time(client, dan, signed):
    with clock.frozen(at(2026, 12, 2, 23, 30)):  # 15:30 UTC
        html = sheet(client, dan, signed)

    assert "2026-12-02 23:30（北京时间）" in html and "邓安" in html


def test_the_detail_page_links_to_its_sheet(client, dan, signed):
    client.force_login(dan)

    html = client.get(f"/work/orders/{signed.number}/").content.decode()

    assert f'href="/work/orders/{signed.number}/print/"' in html
