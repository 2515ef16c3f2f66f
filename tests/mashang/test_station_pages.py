"""The station and liaison pages: which deputies have messages waiting, responsiveness (样本不足
under the minimum), blocked numbers with 解除, and 标记 / 屏蔽 — each refused to the wrong role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.mashang.models import BlockedPhone, Holder, MessageStatus, Rating
from minyi.mashang.services.abuse import phone_block
from tests.factories import DeputyFactory, MessageFactory, UserFactory, at, keyed, make_order
from tests.logins import sign_in
from tests.mashang.helpers import (
    deputy_account,
    handed_to_station,
    liaison_officer,
    station,
    station_staff,
)

pytestmark = pytest.mark.django_db

NOW = at(2026, 4, 13, 9)  # a Monday


@pytest.fixture
def yintian():
    return station()


@pytest.fixture
def sally(yintian):
    return station_staff(yintian)


@pytest.fixture
def frozen():
    from minyi.core import clock

    with clock.frozen(NOW):
        yield


def test_station_staff_see_their_deputies_with_messages_waiting_and_no_citizen(
    client, yintian, sally, zhang, frozen
):
    MessageFactory(deputy=zhang, station=yintian, created_at=at(2026, 4, 2, 10), name="王小明")
    MessageFactory(deputy=zhang, station=yintian, created_at=at(2026, 4, 10, 10))
    elsewhere = DeputyFactory(name="外站代表")
    MessageFactory(deputy=elsewhere, station=station("韶山市联络站"))
    sign_in(client, sally)

    page = client.get("/work/messages/deputies/").content.decode()

    assert "张三" in page and "2 条" in page
    assert "5 个工作日" in page  # 4/3, 4/7, 4/8, 4/9, 4/10 (清明 and the weekend do not count)
    assert "外站代表" not in page
    assert "王小明" not in page and "+8613" not in page and "小区门口" not in page


def test_a_deputy_whose_code_brought_the_message_counts_for_their_station(
    client, yintian, sally, zhang, frozen
):
    from minyi.deputies.models import Level

    zhang.mandates.filter(level=Level.TOWNSHIP).update(station=yintian)
    MessageFactory(deputy=zhang, station=None, created_at=at(2026, 4, 10, 10))
    sign_in(client, sally)

    assert "张三" in client.get("/work/messages/deputies/").content.decode()


def test_a_liaison_officer_sees_every_station_and_may_pick_one(client, yintian, zhang, frozen):
    other = DeputyFactory(name="外站代表")
    MessageFactory(deputy=zhang, station=yintian)
    MessageFactory(deputy=other, station=station("韶山市联络站"))
    sign_in(client, liaison_officer())

    everyone = client.get("/work/messages/deputies/").content.decode()
    picked = client.get(f"/work/messages/deputies/?station={yintian.pk}").content.decode()

    assert "张三" in everyone and "外站代表" in everyone
    assert "张三" in picked and "外站代表" not in picked


def test_station_staff_cannot_pick_another_station(client, sally, yintian, zhang):
    other = station("韶山市联络站")
    MessageFactory(deputy=DeputyFactory(name="外站代表"), station=other)
    sign_in(client, sally)

    page = client.get(f"/work/messages/deputies/?station={other.pk}").content.decode()

    assert "外站代表" not in page


@pytest.mark.parametrize("path", ["/work/messages/deputies/", "/work/messages/stats/"])
def test_deputies_operators_and_administrators_may_not_open_the_station_pages(client, zhang, path):
    for user in (deputy_account(zhang), UserFactory(username="olga")):
        sign_in(client, user)
        assert client.get(path).status_code == 403


def _messages(deputy, yintian, count, **fields):
    created = at(2026, 3, 2, 10)
    for _ in range(count):
        MessageFactory(deputy=deputy, station=yintian, created_at=created, **fields)


def test_a_deputy_under_ten_messages_shows_sample_too_small_and_no_rates(
    client, yintian, sally, zhang
):
    _messages(zhang, yintian, 9, status=MessageStatus.ANSWERED, answered_at=at(2026, 3, 3, 10))
    sign_in(client, sally)

    page = client.get("/work/messages/stats/").content.decode()

    assert 'class="muted">样本不足' in page
    assert "100.0%" not in page and "24.0 小时" not in page


def test_from_ten_messages_the_figures_show_with_the_median_time_to_answer(yintian, zhang):
    from minyi.mashang.station_scope import Scope
    from minyi.mashang.stats import responsiveness

    created = at(2026, 3, 2, 10)
    for hours, rating in [(2, Rating.SATISFIED), (10, Rating.BASICALLY), (30, Rating.UNSATISFIED)]:
        MessageFactory(
            deputy=zhang,
            station=yintian,
            created_at=created,
            status=MessageStatus.ANSWERED,
            answered_at=created + timedelta(hours=hours),
            rating=rating,
        )
    for _ in range(6):
        MessageFactory(deputy=zhang, station=yintian, created_at=created)
    MessageFactory(
        deputy=zhang,
        station=yintian,
        created_at=created,
        status=MessageStatus.FORWARDED,
        order=make_order("accepted"),
    )
    # a flagged message counts nowhere
    MessageFactory(deputy=zhang, station=yintian, flagged=True, status=MessageStatus.CLOSED)

    (row,) = responsiveness(Scope(station=yintian, choosable=False)).deputies

    assert (row.label, row.received, row.answered, row.forwarded) == ("张三", 10, 3, 1)
    assert row.enough and row.median_hours == 10 and row.median_text == "10.0 小时"
    assert (row.satisfied, row.basically, row.unsatisfied) == (1, 1, 1)
    assert row.satisfaction_text == "66.7%" and row.answered_text == "30.0%"


def test_the_stats_page_shows_the_rows_that_have_enough_messages(client, yintian, sally, zhang):
    _messages(
        zhang,
        yintian,
        10,
        status=MessageStatus.ANSWERED,
        answered_at=at(2026, 3, 5, 10),
        rating=Rating.SATISFIED,
    )
    sign_in(client, sally)

    page = client.get("/work/messages/stats/").content.decode()

    assert "3.0 天" in page and "100.0%" in page
    assert 'class="muted">样本不足' not in page


def test_the_minimum_sample_is_a_setting(settings, yintian, zhang):
    from minyi.mashang.station_scope import Scope
    from minyi.mashang.stats import responsiveness

    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "STATS_MIN_SAMPLE": 2}
    _messages(zhang, yintian, 2)

    assert responsiveness(Scope(station=yintian, choosable=False)).stations[0].enough


# -- 标记 and 屏蔽 -----------------------------------------------------------------------------


def test_the_deputy_flags_a_message_from_its_page_once_for_a_double_click(client, zhang):
    message = MessageFactory(deputy=zhang)
    sign_in(client, deputy_account(zhang))
    path = f"/work/messages/{message.pk}/flag/"

    assert "标记为恶意留言" in client.get(f"/work/messages/{message.pk}/?do=flag").content.decode()
    body = keyed(reason="辱骂代表")
    first = client.post(path, body)
    second = client.post(path, body)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/work/messages/{message.pk}/"
    message.refresh_from_db()
    assert message.flagged and message.status == MessageStatus.CLOSED
    assert message.events.filter(kind="flagged").count() == 1


def test_a_flag_without_a_reason_says_so_and_changes_nothing(client, zhang):
    message = MessageFactory(deputy=zhang)
    sign_in(client, deputy_account(zhang))

    response = client.post(f"/work/messages/{message.pk}/flag/", keyed(reason=""))

    assert response.status_code == 400
    assert "理由" in response.content.decode()
    message.refresh_from_db()
    assert not message.flagged


def test_a_message_the_user_cannot_see_is_not_found(client, zhang, sally):
    message = MessageFactory(deputy=zhang)  # with the deputy, not shown to the station
    sign_in(client, sally)

    assert client.get(f"/work/messages/{message.pk}/?do=flag").status_code == 404
    assert client.post(f"/work/messages/{message.pk}/block/", keyed(reason="x")).status_code == 404


def test_a_deputy_may_not_block_a_number(client, zhang, yintian):
    message = MessageFactory(deputy=zhang, station=yintian)
    sign_in(client, deputy_account(zhang))

    page = client.get(f"/work/messages/{message.pk}/?do=block").content.decode()
    assert "屏蔽" not in page
    assert client.post(f"/work/messages/{message.pk}/block/", keyed(reason="x")).status_code == 403
    assert not BlockedPhone.objects.exists()
    assert client.get("/work/messages/blocked/").status_code == 403


def test_station_staff_block_a_number_and_see_it_masked_on_the_blocked_page(client, yintian, sally):
    message = handed_to_station(station=yintian, phone="+8613712345678")
    sign_in(client, sally)

    response = client.post(f"/work/messages/{message.pk}/block/", keyed(reason="反复发送广告"))

    assert response.status_code == 302 and response["Location"] == f"/work/messages/{message.pk}/"
    page = client.get("/work/messages/blocked/").content.decode()
    assert "137****5678" in page and "反复发送广告" in page and "解除" in page
    assert "13712345678" not in page


def test_lifting_a_block_from_the_page_moves_it_to_lifted(client, yintian, sally):
    block = phone_block(message=handed_to_station(station=yintian), actor=sally, reason="广告")
    sign_in(client, sally)

    response = client.post(f"/work/messages/blocked/{block.pk}/lift/", keyed())

    assert response.status_code == 302
    block.refresh_from_db()
    assert block.lifted_by == sally
    assert "已解除" in client.get("/work/messages/blocked/").content.decode()


def test_another_stations_staff_neither_see_nor_lift_a_block(client, yintian, sally):
    block = phone_block(message=handed_to_station(station=yintian), actor=sally, reason="广告")
    oscar = station_staff(station("韶山市联络站"), "oscar")
    sign_in(client, oscar)

    assert block.phone_masked not in client.get("/work/messages/blocked/").content.decode()
    assert client.post(f"/work/messages/blocked/{block.pk}/lift/", keyed()).status_code == 404
    assert BlockedPhone.objects.get().lifted_at is None


def test_the_held_by_station_message_is_visible_to_its_staff_only(yintian, sally, zhang):
    from minyi.mashang.selectors import messages_visible_to

    handed = handed_to_station(deputy=zhang, station=yintian)
    oscar = station_staff(station("韶山市联络站"), "oscar")

    assert list(messages_visible_to(sally)) == [handed]
    assert not messages_visible_to(oscar).exists()
    assert handed.holder == Holder.STATION


def test_station_staff_see_the_figures_of_their_station_only(client, yintian, sally, zhang):
    MessageFactory(deputy=zhang, station=yintian)
    MessageFactory(deputy=DeputyFactory(name="外站代表"), station=station("韶山市联络站"))
    sign_in(client, sally)

    page = client.get("/work/messages/stats/").content.decode()

    assert "张三" in page and "银田镇人大代表联络站" in page
    assert "外站代表" not in page and "韶山市联络站" not in page


def test_a_liaison_officer_reads_every_stations_figures_or_one(client, yintian, zhang):
    MessageFactory(deputy=zhang, station=yintian)
    MessageFactory(deputy=DeputyFactory(name="外站代表"), station=station("韶山市联络站"))
    sign_in(client, liaison_officer())

    everyone = client.get("/work/messages/stats/").content.decode()
    picked = client.get(f"/work/messages/stats/?station={yintian.pk}").content.decode()

    assert "外站代表" in everyone and "张三" in everyone
    assert "外站代表" not in picked and "张三" in picked


def test_the_figures_can_be_read_for_one_year_in_beijing_time(client, yintian, sally, zhang):
    from minyi.mashang.station_scope import Scope
    from minyi.mashang.stats import responsiveness

    MessageFactory(deputy=zhang, station=yintian, created_at=at(2026, 1, 1, 0, 30))
    MessageFactory(deputy=zhang, station=yintian, created_at=at(2025, 12, 31, 23, 30))
    scope = Scope(station=yintian, choosable=False)

    assert responsiveness(scope, 2026).deputies[0].received == 1
    assert responsiveness(scope).deputies[0].received == 2
    sign_in(client, sally)
    assert client.get("/work/messages/stats/?year=2026").status_code == 200
    assert client.get("/work/messages/stats/?year=99999999999").status_code == 200
