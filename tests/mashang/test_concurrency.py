"""Citizens opening a station's page at the same moment still give each deputy one code
(PostgreSQL, threads): ``code_for`` locks the owner before it issues."""

from __future__ import annotations

import pytest

from minyi.mashang.models import MashangCode
from minyi.mashang.services import code_for, code_regenerate
from tests.factories import DeputyFactory
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_first_visits_at_once_issue_one_code():
    deputy = DeputyFactory(name="王代表")

    results = run_together(*[lambda: code_for(deputy) for _ in range(4)])

    assert [kind for kind, _ in results] == ["ok"] * 4, results
    assert len({code.code for _, code in results}) == 1
    assert MashangCode.objects.filter(deputy=deputy).count() == 1


def test_two_regenerations_at_once_leave_one_active_code():
    deputy = DeputyFactory(name="王代表")
    code_for(deputy)

    results = run_together(*[lambda: code_regenerate(deputy) for _ in range(2)])

    assert [kind for kind, _ in results] == ["ok"] * 2, results
    assert MashangCode.objects.filter(deputy=deputy, is_active=True).count() == 1
    assert MashangCode.objects.filter(deputy=deputy).count() == 3


def test_four_identical_message_posts_at_once_make_one_message_and_one_sms():
    """A citizen's double tap reaching four app threads at once (the same form key): one
    message, one SMS with the tracking code, the same page for each."""
    from django.core.cache import cache
    from django.test import Client

    from minyi.mashang.models import Message
    from minyi.notify.models import OutboxMessage
    from tests.factories import keyed
    from tests.mashang.helpers import CITIZEN, code_sent

    cache.clear()
    deputy = DeputyFactory(name="王代表")
    body = keyed(
        content="小区门口积水，请帮忙反映。",
        phone=CITIZEN,
        sms_code=code_sent(),
        consent="on",
        submit="1",
    )
    url = f"{code_for(deputy).path}/message"

    results = run_together(*[lambda: Client().post(url, body) for _ in range(4)])

    assert [kind for kind, _ in results] == ["ok"] * 4, results
    message = Message.objects.get()
    assert all(message.tracking_code in r.content.decode() for _, r in results)
    assert OutboxMessage.objects.filter(template_code="mashang_message_received").count() == 1
