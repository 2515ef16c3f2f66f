"""Server-sent events for every app process: django-eventstream's delivery to the streams this
process serves, fanned out through Redis pub/sub on a channel of this deployment's own.

django-eventstream 5.3.4 has a Redis fan-out of its own (``EVENTSTREAM_REDIS``), but on one
fixed pub/sub channel, ``events_channel``, whatever the deployment: pub/sub ignores Redis's
database number, so two deployments sharing a Redis (two cities on one server, or the SQLite
and PostgreSQL runs of the test suite) popped up each other's rings. It also subscribes from a
task started by the first console stream, after that stream has opened, and never again once
Redis has dropped the connection. So ``EVENTSTREAM_REDIS`` is not set, and this module does it:

1. ``send_event`` publishes on ``<MINYI_REDIS_PREFIX>:events`` (settings
   ``MINYI_EVENTSTREAM``), or, without ``REDIS_URL`` (one process), hands the event straight
   to this process's streams (django-eventstream's ``send_event``);
2. ``listen`` (the console's event view calls it) starts one subscriber thread per process and
   waits, at most a couple of seconds, until Redis has confirmed the subscription, so the first
   console's stream opens only once its process hears every ring;
3. the subscriber gives each event to django-eventstream's listener manager (thread-safe: it
   wakes each stream on its own loop) and reconnects by itself, 1 s, 2 s … 30 s apart, when
   Redis goes away. A ring published while Redis is away is lost (logged by the publisher);
   the console's polled lists still show the call.
"""

from __future__ import annotations

import json
import logging
import threading
import time

import redis
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

log = logging.getLogger(__name__)

SUBSCRIBE_WAIT_SECONDS = 2.0
RETRY_MAX_SECONDS = 30


def pubsub_channel(prefix: str) -> str:
    """The Redis pub/sub channel of a deployment's events."""
    return f"{prefix}:events"


def _config() -> tuple[str, str]:
    config = settings.MINYI_EVENTSTREAM
    return config["REDIS_URL"], pubsub_channel(config["PREFIX"])


_publishers: dict[str, redis.Redis] = {}  # by URL: one connection pool per process


def send_event(channel: str, event_type: str, data: dict) -> None:
    """``data`` as event ``event_type`` to the streams listening on ``channel``, in every app
    process of this deployment."""
    url, pubsub = _config()
    if not url:
        from django_eventstream import send_event as send_here

        send_here(channel, event_type, data)
        return
    publisher = _publishers.get(url)
    if publisher is None:  # the webhook waits at most 2 s for an unreachable Redis
        publisher = _publishers[url] = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2
        )
    body = json.dumps(data, cls=DjangoJSONEncoder)
    publisher.publish(
        pubsub, json.dumps({"channel": channel, "event_type": event_type, "data": body})
    )


class Subscriber(threading.Thread):
    def __init__(self, url: str, pubsub: str):
        super().__init__(name="minyi-fanout", daemon=True)
        self.url, self.pubsub = url, pubsub
        self.subscribed = threading.Event()

    def run(self) -> None:
        delay = 1
        while True:
            try:
                client = redis.Redis.from_url(self.url, health_check_interval=30)
                with client.pubsub() as pubsub:
                    pubsub.subscribe(self.pubsub)
                    for message in pubsub.listen():
                        if message["type"] == "subscribe":
                            self.subscribed.set()
                            delay = 1
                        elif message["type"] == "message":
                            self.deliver(message["data"])
            except redis.RedisError as error:
                self.subscribed.clear()
                log.warning("event fan-out: Redis unreachable (%s); retrying in %d s", error, delay)
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)

    def deliver(self, raw: bytes) -> None:
        from django_eventstream.event import Event
        from django_eventstream.views import get_listener_manager

        try:
            message = json.loads(raw)
            channel, event_type, data = message["channel"], message["event_type"], message["data"]
        except (ValueError, KeyError, TypeError):
            log.warning("event fan-out: a message on %s is not an event; ignored", self.pubsub)
            return
        get_listener_manager().add_to_queues(channel, Event(channel, event_type, data))


_subscriber: Subscriber | None = None
_lock = threading.Lock()


def listen() -> None:
    """Make sure this process hears its deployment's events (with ``REDIS_URL``)."""
    global _subscriber
    url, pubsub = _config()
    if not url:
        return
    with _lock:
        if _subscriber is None or not _subscriber.is_alive():
            _subscriber = Subscriber(url, pubsub)
            _subscriber.start()
    _subscriber.subscribed.wait(SUBSCRIBE_WAIT_SECONDS)
