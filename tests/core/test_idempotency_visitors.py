"""A visitor who is not signed in (a citizen on 码上找代表) gets double submits made harmless
too: the key row has no user, and the key alone is unique."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minyi.core import idempotency
from minyi.core.models import IdempotencyKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitors_key_acts_once_and_answers_the_same_again():
    key = idempotency.parse_key(idempotency.new_key())
    calls = []

    def perform():
        calls.append(1)
        return {"tracking_code": "ABCDEFGHJK"}

    first = idempotency.perform_once(key=key, actor=None, scope="s", perform=perform)
    again = idempotency.perform_once(key=key, actor=AnonymousUser(), scope="s", perform=perform)

    assert calls == [1]
    assert first.result == again.result and again.repeated and not first.repeated
    assert IdempotencyKey.objects.get().user is None


def test_a_visitors_key_with_other_content_is_refused():
    key = idempotency.parse_key(idempotency.new_key())
    idempotency.perform_once(key=key, actor=None, scope="s", fingerprint="a", perform=dict)

    with pytest.raises(idempotency.KeyReused):
        idempotency.perform_once(key=key, actor=None, scope="s", fingerprint="b", perform=dict)


def test_a_signed_in_users_key_stays_their_own():
    key = idempotency.parse_key(idempotency.new_key())
    idempotency.perform_once(key=key, actor=None, scope="s", perform=lambda: {"who": "visitor"})

    mine = idempotency.perform_once(
        key=key, actor=UserFactory(), scope="s", perform=lambda: {"who": "user"}
    )

    assert mine.result == {"who": "user"} and not mine.repeated
