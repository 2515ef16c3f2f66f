"""After log-in each role lands on its own queue; the header shows the role's queues with their
counts ("99+" at most) and the bell with the unread notices, which list, open their order and
are marked read — each user's own only."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.notify.models import Notice
from tests.factories import UserFactory, make_order
from tests.logins import verified_login

pytestmark = pytest.mark.django_db


def notice(user, text="工单 12345 已派单", order=None) -> Notice:
    return Notice.objects.create(user=user, text=text, order=order, created_at=clock.now())


@pytest.mark.parametrize(
    ("role", "lands"),
    [
        (Role.DISPATCHER, "/work/dispatch/"),
        (Role.CALLBACK, "/work/callback/"),
        (Role.LIAISON, "/work/ledger/"),
        (Role.OPERATOR, "/console/"),
    ],
)
def test_each_role_lands_on_its_own_queue_after_log_in(client, role, lands):
    client.force_login(UserFactory(role=role))

    assert client.get("/")["Location"] == lands


def test_a_handler_lands_on_the_department_queue_and_a_deputy_on_their_orders(client, hana, deputy):
    from tests.workbench.detail_helpers import deputy_user

    client.force_login(hana)
    assert client.get("/")["Location"] == "/work/department/"
    client.force_login(deputy_user(deputy))
    assert client.get("/")["Location"] == "/work/mine/"


def test_an_administrator_lands_on_the_admin_and_a_visitor_sees_no_developer_links(client, ada):
    assert "/api/docs/" not in client.get("/").content.decode()
    verified_login(client, ada)

    assert client.get("/")["Location"] == "/admin/"


def test_the_dispatchers_header_counts_what_waits_to_be_dispatched(client, dan):
    for _ in range(3):
        make_order("accepted")
    client.force_login(dan)

    html = client.get("/work/dispatch/").content.decode()

    assert 'href="/work/dispatch/?tab=accepted">待派单 <span class="count">3</span>' in html


def test_an_empty_queue_shows_no_zero(client, hana):
    client.force_login(hana)

    html = client.get("/work/department/").content.decode()

    assert 'href="/work/department/?tab=pending">待签收</a>' in html


def test_a_count_past_ninety_nine_says_99_plus(client, dan):
    for _ in range(101):
        notice(dan)
    client.force_login(dan)

    html = client.get("/work/dispatch/").content.decode()

    assert '<span class="count">99+</span>' in html and "100" not in html.split("<main>")[0]


def test_the_bell_lists_the_users_own_notices_and_opening_one_marks_it_read(client, dan, carl):
    order = make_order("accepted")
    mine = notice(dan, "工单已退件，请审核", order)
    notice(carl, "别人的通知")
    client.force_login(dan)

    page = client.get("/work/notices/").content.decode()
    assert "工单已退件，请审核" in page and "别人的通知" not in page
    assert 'aria-label="站内通知，1 条未读"' in page

    opened = client.post("/work/notices/read/", {"id": mine.pk, "open": "1"})

    assert opened["Location"] == f"/work/orders/{order.number}/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'aria-label="站内通知"' in client.get("/work/notices/").content.decode()


def test_mark_all_read_touches_only_the_users_own_and_a_repeat_is_harmless(client, dan, carl):
    for _ in range(2):
        notice(dan)
    theirs = notice(carl)
    client.force_login(dan)

    for _ in range(2):  # a double-click
        assert client.post("/work/notices/read/")["Location"] == "/work/notices/"

    assert not Notice.objects.filter(user=dan, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notice_cannot_be_marked_or_opened(client, dan, carl):
    theirs = notice(carl, order=make_order("accepted"))
    client.force_login(dan)

    response = client.post("/work/notices/read/", {"id": theirs.pk, "open": "1"})

    assert response["Location"] == "/work/notices/"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_notices_page_needs_a_log_in_and_marking_needs_a_post(client, dan):
    assert client.get("/work/notices/")["Location"].startswith("/login/")
    client.force_login(dan)
    assert client.get("/work/notices/read/").status_code == 405
