"""The deputy's pages (issue 9, "Phone views for the deputy"): their orders as cards, the result
and the rating form on the order page; the rating reaches the callback agent's queue."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import Callback, CallbackRater, Satisfaction, Solved, Status
from minyi.orders.services.rating import order_deputy_rate
from tests.factories import MONDAY, keyed, make_order
from tests.workbench.detail_helpers import deputy_user, detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def zora(zhang):
    return deputy_user(zhang)


@pytest.fixture
def replied(zhang, hana, olivia):
    return make_order("replied", channel="deputy_call", deputy=zhang, operator=olivia, handler=hana)


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_deputy_list_is_cards_not_a_table(client, zora, replied):
    html = get(client, zora, "/work/mine/")

    assert '<ul class="cards"' in html
    assert "<table" not in html
    assert replied.number in html and "待您评价" in html


def test_the_deputy_sees_the_result_and_a_rating_form_with_nothing_chosen(client, zora, replied):
    html = get(client, zora, detail_url(replied))

    assert "已清理占道摊点，并安排城管队员每日巡查。" in html
    assert 'id="action-rate"' in html
    assert "评价办理结果" in html
    for label in ("满意", "基本满意", "不满意", "已解决", "部分解决", "暂未解决"):
        assert f"{label}</label>" in html
    assert "未接通" not in html
    assert "checked" not in html.split('id="action-rate"', 1)[1].split("</form>", 1)[0]


def test_the_deputy_rates_on_the_order_page(client, zora, replied):
    client.force_login(zora)

    response = client.post(
        detail_url(replied, "rate"), keyed(satisfaction="satisfied", solved="solved")
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(replied)
    callback = Callback.objects.get(order=replied)
    assert (callback.rater, callback.satisfaction, callback.solved) == (
        CallbackRater.DEPUTY,
        Satisfaction.SATISFIED,
        True,
    )
    html = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in html
    assert "您的评价" in html and 'id="action-rate"' not in html


def test_a_double_submitted_rating_makes_one_callback(client, zora, replied):
    client.force_login(zora)
    data = keyed(satisfaction="dissatisfied", solved="not_yet", note="仍有摊贩")

    first = client.post(detail_url(replied, "rate"), data)
    second = client.post(detail_url(replied, "rate"), data)

    # the same form twice: the second answers like the first, nothing is recorded twice
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == detail_url(replied)
    assert Callback.objects.filter(order=replied).count() == 1
    assert "感谢您的评价" in client.get(second["Location"]).content.decode()


def test_a_rating_without_whether_solved_is_refused_in_chinese(client, zora, replied):
    client.force_login(zora)

    response = client.post(detail_url(replied, "rate"), keyed(satisfaction="satisfied"))

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("该字段是必填项") == 1 and "未完成" not in html  # once, in the form
    assert not Callback.objects.filter(order=replied).exists()


def test_only_the_deputy_may_rate(client, carl, dan, replied):
    for user in (carl, dan):
        client.force_login(user)
        response = client.post(
            detail_url(replied, "rate"), keyed(satisfaction="satisfied", solved="solved")
        )
        assert response.status_code == 403
    assert not Callback.objects.filter(order=replied).exists()


def test_the_deputy_rates_through_the_api(client, zora, replied):
    client.force_login(zora)

    offered = client.get(f"/api/orders/{replied.number}/actions/").json()["actions"]
    response = client.post(
        f"/api/orders/{replied.number}/actions/rate/",
        data={"satisfaction": "basically", "solved": "partly"},
        content_type="application/json",
    )

    assert "rate" in offered
    assert response.status_code == 200
    assert response.json()["order"]["status"] == Status.CALLBACK


def test_the_callback_queue_shows_the_deputy_rating(client, zora, carl, replied):
    order_deputy_rate(
        order=replied, satisfaction=Satisfaction.DISSATISFIED, solved=Solved.NOT_YET, actor=zora
    )

    html = get(client, carl, "/work/callback/?tab=callback")

    assert replied.number in html
    assert "代表已评价：不满意" in html


def test_the_callback_agent_sees_who_gave_the_rating_on_the_order(client, zora, carl, replied):
    order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )

    html = get(client, carl, detail_url(replied))

    assert "代表评价" in html
    assert 'id="do-archive"' in html


def test_the_reply_form_does_not_preselect_solved(client, hana, zhang):
    order = make_order("signed", channel="deputy_call", deputy=zhang, handler=hana)

    html = get(client, hana, detail_url(order) + "?do=reply")

    form = html.split('id="action-reply"', 1)[1].split("</form>", 1)[0]
    assert 'value="solved" selected' not in form
