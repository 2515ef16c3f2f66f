"""insert_row: the webhook's one-statement INSERT writes what the ORM would have written."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import NotSupportedError

from minyi.calls.models import CallEvent, CallLog
from minyi.core.sql import insert_row

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=datetime.UTC)


def test_a_row_written_by_insert_row_reads_back_as_the_orm_would_have_saved_it(zhang):
    call = CallLog(call_id="c-1", started_at=AT, rang_at=AT, caller="+8613800138000", deputy=zhang)
    assert insert_row(call) is True
    event = CallEvent(
        call=call, event="ring", at=AT, received_at=AT, payload={"来电": "张三", "n": None}
    )
    assert insert_row(event) is True

    saved = CallLog.objects.get(pk=call.pk)
    assert (saved.call_id, saved.caller, saved.deputy_id) == ("c-1", "+8613800138000", zhang.pk)
    assert saved.started_at == AT and saved.status == "ringing" and saved.callback_note == ""
    read = CallEvent.objects.get(pk=event.pk)
    assert read.payload == {"来电": "张三", "n": None}
    assert (read.at, read.duplicate, read.token_id) == (AT, False, None)
    # The instance is now a saved row: the ORM updates it rather than inserting again.
    call.caller_raw = "13800138000"
    call.save(update_fields=["caller_raw"])
    assert CallLog.objects.get(pk=call.pk).caller_raw == "13800138000"


def test_with_unless_exists_on_an_existing_row_is_left_alone_and_nothing_is_written():
    assert insert_row(CallLog(call_id="c-2", started_at=AT), unless_exists_on="call_id")
    again = CallLog(call_id="c-2", started_at=AT, caller="+8613900139000")
    assert insert_row(again, unless_exists_on="call_id") is False
    assert again.pk is None
    assert list(CallLog.objects.filter(call_id="c-2").values_list("caller", flat=True)) == [""]


def test_a_model_without_an_auto_id_is_refused_rather_than_written_wrong():
    with pytest.raises(NotSupportedError):
        insert_row(Session(session_key="k", session_data="", expire_date=AT))


def test_an_unsaved_related_row_is_refused_as_the_orm_refuses_it():
    with pytest.raises(ValueError):
        insert_row(
            CallEvent(
                call=CallLog(call_id="c-3", started_at=AT), event="ring", at=AT, received_at=AT
            )
        )
