"""Server-sent events reach every app process through Redis pub/sub on the deployment's own
channel (minyi/core/fanout.py); the two-process test (tests/console/
test_console_across_processes.py) shows it end to end."""

from __future__ import annotations

import json
import uuid

import pytest
import redis
from django_eventstream.views import get_listener_manager

from minyi.core import fanout
from tests.redis_url import redis_url


@pytest.fixture
def delivered(monkeypatch):
    """What reaches this process's event streams: (channel, event type, data)."""
    seen = []
    monkeypatch.setattr(
        get_listener_manager(),
        "add_to_queues",
        lambda channel, event: seen.append((channel, event.type, json.loads(event.data))),
    )
    return seen


def test_an_event_is_published_on_the_deployments_own_channel(settings):
    url, prefix = redis_url(), f"minyi-test-{uuid.uuid4().hex[:12]}"
    settings.MINYI_EVENTSTREAM = {"REDIS_URL": url, "PREFIX": prefix}
    with redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True) as pubsub:
        pubsub.subscribe(f"{prefix}:events")
        pubsub.get_message(timeout=2)  # the confirmation

        fanout.send_event("operators", "ring", {"call_id": "c-1"})

        message = pubsub.get_message(timeout=5)
    assert message is not None, "nothing published on the deployment's channel"
    assert json.loads(message["data"]) == {
        "channel": "operators",
        "event_type": "ring",
        "data": '{"call_id": "c-1"}',
    }


def test_without_redis_an_event_goes_straight_to_this_processs_streams(settings, delivered):
    settings.MINYI_EVENTSTREAM = {"REDIS_URL": "", "PREFIX": "minyi"}

    fanout.listen()  # nothing to subscribe to
    fanout.send_event("operator-7", "ring", {"call_id": "c-2"})

    assert delivered == [("operator-7", "ring", {"call_id": "c-2"})]


def test_the_subscriber_hands_on_events_and_ignores_anything_else(delivered, caplog):
    subscriber = fanout.Subscriber("redis://unused", "minyi:events")

    subscriber.deliver(b"not json")
    subscriber.deliver(b'{"channel": "operators"}')
    subscriber.deliver(
        json.dumps({"channel": "operators", "event_type": "ring", "data": '{"call_id": "c-3"}'})
    )

    assert delivered == [("operators", "ring", {"call_id": "c-3"})]
    assert caplog.text.count("is not an event; ignored") == 2
