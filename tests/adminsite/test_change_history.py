"""The admin's change history names rows masked, and the numbers it named before are masked by
migration (accounts 0005)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from minyi.deputies.models import Deputy

pytestmark = pytest.mark.django_db

migration = import_module("minyi.accounts.migrations.0005_mask_numbers_in_admin_history")


def test_a_phone_row_is_named_masked(zhang):
    assert str(zhang.phones.get()) == "138****8000"


def test_numbers_already_in_the_history_are_masked(ada, zhang):
    entry = LogEntry.objects.create(
        user=ada,
        content_type=ContentType.objects.get_for_model(Deputy),
        object_id=str(zhang.pk),
        object_repr="+8613800138000",
        action_flag=CHANGE,
        change_message='[{"changed": {"name": "代表电话", "object": "+8613800138000", '
        '"fields": ["号码"]}}, {"added": {"name": "代表电话", "object": "+8673185309270"}}]',
    )
    untouched = '[{"changed": {"fields": ["工单 12345-20260302-000123"]}}]'
    other = LogEntry.objects.create(
        user=ada,
        content_type=ContentType.objects.get_for_model(Deputy),
        object_id="1",
        object_repr="代表",
        action_flag=CHANGE,
        change_message=untouched,
    )

    migration.mask_numbers(apps, None)

    entry.refresh_from_db()
    other.refresh_from_db()
    assert "13800138000" not in entry.change_message and "138****8000" in entry.change_message
    assert "73185309270" not in entry.change_message and "731****9270" in entry.change_message
    assert entry.object_repr == "138****8000"
    assert other.change_message == untouched


def test_the_admin_history_of_a_deputy_shows_no_number(admin_client, zhang):
    phone = zhang.phones.get()
    admin_client.post(
        f"/admin/deputies/deputy/{zhang.pk}/change/",
        {
            "name": zhang.name,
            "is_active": "on",
            "phones-TOTAL_FORMS": "1",
            "phones-INITIAL_FORMS": "1",
            "phones-0-id": phone.pk,
            "phones-0-deputy": zhang.pk,
            "phones-0-new_number": "13900139000",
            "mandates-TOTAL_FORMS": "0",
            "mandates-INITIAL_FORMS": "0",
        },
    )

    history = admin_client.get(f"/admin/deputies/deputy/{zhang.pk}/history/").content.decode()

    assert "代表电话" in history
    assert "13900139000" not in history and "13800138000" not in history
