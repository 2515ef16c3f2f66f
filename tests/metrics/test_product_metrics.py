"""The product's own metrics at /metrics say what the data says: the outbox backlog and its
oldest message, the orders in yellow and red, the heartbeats, the SMS sent and failed, the SLA
scan, the CTI webhook and every request's time; and no personal data (README "Metrics")."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minyi.calls.models import CallLog
from minyi.core import clock
from minyi.core.models import ProcessHeartbeat, ProcessKind
from minyi.notify.models import OutboxMessage
from minyi.notify.services import outbox_send, outbox_sweep
from minyi.orders.models import WorkOrder
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, ZHANG_MOBILE, UserFactory, at, make_order

pytestmark = pytest.mark.django_db

SCAN_MARKS = "minyi_sla_scan_marks_total"
SCAN_COUNT = "minyi_sla_scan_duration_seconds_count"
WEBHOOK_COUNT = "minyi_cti_webhook_duration_seconds_count"


# a provider that is down (tests/notify/test_sending.py)
PROVIDER_DOWN = "tests.notify.test_sending.Flaky"


def waiting(n: int, *, ago: timedelta, status: str = "pending", channel: str = "sms"):
    created = timezone.now() - ago
    sms = channel == "sms"
    return OutboxMessage.objects.create(
        idempotency_key=f"metrics:{n}",
        channel=channel,
        recipient_phone=f"+86139{n:08d}" if sms else "",
        recipient_user=None if sms else UserFactory(),
        template_code="order_accepted",
        body="您的诉求已受理",
        status=status,
        created_at=created,
        next_attempt_at=created,
    )


def test_three_waiting_messages_one_two_hours_old_make_the_backlog_and_its_age(scrape):
    waiting(1, ago=timedelta(hours=2))
    waiting(2, ago=timedelta(minutes=1))
    waiting(3, ago=timedelta(seconds=5), status="sending")
    waiting(4, ago=timedelta(days=1), status="sent")

    metrics = scrape()

    assert metrics("minyi_outbox_pending_messages") == 3
    assert metrics("minyi_outbox_oldest_pending_age_seconds") == pytest.approx(7200, abs=5)


def test_an_empty_outbox_is_a_backlog_of_zero_waiting_zero_seconds(scrape):
    waiting(1, ago=timedelta(hours=3), status="sent")

    metrics = scrape()

    assert metrics("minyi_outbox_pending_messages") == 0
    assert metrics("minyi_outbox_oldest_pending_age_seconds") == 0


def test_a_red_and_a_yellow_order_are_counted_by_their_warning(scrape, hana):
    make_order("signed", at=MONDAY, handler=hana)  # due Monday 9 March, yellow from Friday 6th
    make_order("signed", at=at(2026, 1, 5, 10), handler=hana)  # due in January
    make_order("archived", at=at(2026, 1, 5, 10), handler=hana)  # closed: no deadline runs

    with clock.frozen(at(2026, 3, 7, 9)):  # Saturday
        metrics = scrape()

    assert metrics("minyi_open_orders_warning", level="yellow") == 1
    assert metrics("minyi_open_orders_warning", level="red") == 1


def test_the_warning_counts_are_those_the_sla_scan_marks(scrape, hana):
    make_order("signed", at=MONDAY, handler=hana)
    make_order("signed", at=at(2026, 1, 5, 10), handler=hana)

    for moment in (at(2026, 3, 6, 9), at(2026, 3, 7, 9), at(2026, 3, 10, 9)):
        with clock.frozen(moment):
            result = sla_scan()
            metrics = scrape()
        assert metrics("minyi_open_orders_warning", level="yellow") == _count("yellow")
        assert metrics("minyi_open_orders_warning", level="red") == _count("red")
    assert (result.yellow, result.red) == (0, 1)


def _count(level: str) -> int:
    return WorkOrder.objects.open().filter(warning=level).count()


def test_a_scan_run_is_timed_and_its_marks_counted(scrape, hana):
    make_order("signed", at=MONDAY, handler=hana)
    make_order("signed", at=at(2026, 1, 5, 10), handler=hana)
    before = scrape()

    with clock.frozen(at(2026, 3, 7, 9)):
        sla_scan()
    after = scrape()

    assert after(SCAN_COUNT) == before(SCAN_COUNT) + 1
    assert after(SCAN_MARKS, level="yellow") == before(SCAN_MARKS, level="yellow") + 1
    assert after(SCAN_MARKS, level="red") == before(SCAN_MARKS, level="red") + 1


def test_each_webhook_call_grows_its_latency_histogram(scrape, pbx, zhang):
    before = scrape()(WEBHOOK_COUNT)

    assert pbx(event="ring", call_id="metrics-1", **{"from": ZHANG_MOBILE}).status_code == 200
    assert pbx(event="ring", call_id="metrics-2", token="wrong").status_code == 401

    assert scrape()(WEBHOOK_COUNT) == before + 2


def test_sms_sent_and_failed_are_counted_where_the_outbox_records_them(scrape, settings, tmp_path):
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "file",
        "FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MAX_ATTEMPTS": 2,
    }
    sent, retried, given_up = (waiting(n, ago=timedelta(minutes=1)) for n in (1, 2, 3))
    notice = waiting(4, ago=timedelta(minutes=1), channel="in_app")
    before = scrape()

    assert outbox_send(sent.pk) == "sent"
    assert outbox_send(notice.pk) == "sent"  # a notice is no SMS
    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": PROVIDER_DOWN}
    assert outbox_send(retried.pk) == "pending"
    OutboxMessage.objects.filter(pk=given_up.pk).update(attempts=1)
    assert outbox_send(given_up.pk) == "failed"
    after = scrape()

    assert after("minyi_sms_sent_total") == before("minyi_sms_sent_total") + 1
    assert after("minyi_sms_send_errors_total") == before("minyi_sms_send_errors_total") + 2
    assert after("minyi_sms_failed_total") == before("minyi_sms_failed_total") + 1


def test_an_sms_whose_every_attempt_died_with_its_worker_is_counted_failed(scrape, settings):
    late = timezone.now() - timedelta(minutes=5)
    sms = waiting(1, ago=timedelta(hours=1), status="sending")
    notice = waiting(2, ago=timedelta(hours=1), status="sending", channel="in_app")
    OutboxMessage.objects.filter(pk__in=[sms.pk, notice.pk]).update(
        attempts=settings.MINYI_SMS["MAX_ATTEMPTS"], lease_until=late
    )
    before = scrape()("minyi_sms_failed_total")

    assert outbox_sweep()["failed"] == 2

    assert scrape()("minyi_sms_failed_total") == before + 1


def test_heartbeat_ages_per_kind_and_infinity_for_a_process_never_seen(scrape):
    now = timezone.now()
    ProcessHeartbeat.objects.create(
        kind=ProcessKind.WORKER,
        name="w1",
        host="app1",
        pid=1,
        started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=30),
    )

    metrics = scrape()

    assert metrics("minyi_heartbeat_age_seconds", kind="worker") == pytest.approx(30, abs=3)
    assert metrics("minyi_heartbeat_age_seconds", kind="scheduler") == math.inf


def test_every_request_is_timed_by_its_url_name_and_status_class(scrape, client):
    count = "minyi_http_request_duration_seconds_count"
    healthz = (count, (("status", "2xx"), ("view", "healthz")))
    unmatched = (count, (("status", "4xx"), ("view", "<unmatched>")))
    before = scrape().samples

    client.get("/healthz")
    client.get("/no-such-page/12345")
    after = scrape()

    for key in (healthz, unmatched):
        assert after.samples[key] == before.get(key, 0) + 1
    assert "no-such-page" not in after.text  # the path is never a label


def test_one_scrape_reads_the_database_four_times(scrape, hana):
    make_order("signed", at=MONDAY, handler=hana)
    waiting(1, ago=timedelta(hours=2))

    with CaptureQueriesContext(connection) as queries:
        scrape()

    # (on PostgreSQL also the order counts' time limit: SET LOCAL statement_timeout)
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 4


def test_order_counts_over_their_time_limit_are_left_out_and_the_rest_still_answers(scrape):
    from psycopg.errors import QueryCanceled

    slow = OperationalError("canceling statement due to statement timeout")
    slow.__cause__ = QueryCanceled()
    with mock.patch("minyi.orders.models.WorkOrderQuerySet.count", side_effect=slow):
        metrics = scrape()

    assert metrics("minyi_database_up") == 1
    assert "minyi_open_orders_warning" not in metrics.text
    assert metrics("minyi_outbox_pending_messages") == 0


@pytest.mark.postgres
def test_the_scrape_queries_read_indexes_never_a_whole_table(hana):
    from minyi.core.metrics_state import StateCollector

    make_order("signed", at=MONDAY, handler=hana)
    with CaptureQueriesContext(connection) as queries:
        list(StateCollector().collect())
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 4

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be read whole
        plans = {}
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plans[sql] = "\n".join(row[0] for row in cursor.fetchall())
    for plan in plans.values():
        assert "Seq Scan" not in plan, plan
    orders = [plan for sql, plan in plans.items() if "orders_workorder" in sql]
    # (index-only scans on a big table whose pages are all-visible: metrics_state's docstring)
    assert any("on order_next_due_id" in plan for plan in orders), orders
    assert any("on order_warn_at" in plan for plan in orders), orders
    [outbox] = [plan for sql, plan in plans.items() if "notify_outboxmessage" in sql]
    assert "outbox_due" in outbox or "outbox_lease" in outbox, outbox


def test_the_metrics_page_holds_no_personal_data(scrape, pbx, zhang, hana):
    make_order("signed", at=MONDAY, handler=hana, requester_name="李群众")
    waiting(1, ago=timedelta(hours=2))
    pbx(event="ring", call_id="metrics-pii", **{"from": ZHANG_MOBILE})

    metrics = scrape()

    numbers = {
        *OutboxMessage.objects.values_list("recipient_phone", flat=True),
        *WorkOrder.objects.values_list("requester_phone", flat=True),
        *CallLog.objects.values_list("caller", flat=True),
        ZHANG_MOBILE,
    } - {""}
    assert len(numbers) >= 2
    for number in numbers:
        assert number.removeprefix("+86") not in metrics.text
    for name in ("张三", "李群众"):
        assert name not in metrics.text
    # a label value is a name from a fixed set: never a number, a path or a person
    labels = {value for _, pairs in metrics.samples for key, value in pairs if key != "le"}
    assert not [value for value in labels if re.search(r"\d{4}|/", value)]


def test_while_the_database_is_away_the_scrape_still_answers_and_says_so(scrape):
    with mock.patch("minyi.core.metrics_state.newest_beats", side_effect=OperationalError("gone")):
        metrics = scrape()

    assert metrics("minyi_database_up") == 0
    assert "minyi_outbox_pending_messages" not in metrics.text
    assert "minyi_sms_sent_total" in metrics.text  # the counters are in memory
