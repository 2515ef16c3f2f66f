"""Caller identification: the deputy card behind a caller ID."""

from __future__ import annotations

import datetime

import pytest

from minyi.calls.lookup import deputy_for_caller
from minyi.deputies.models import DeputyPhone, Level, Mandate
from tests.factories import DeputyFactory, seat

pytestmark = pytest.mark.django_db


def test_a_deputy_in_four_congresses_gets_the_seed_banner(zhang):
    card = deputy_for_caller("13800138000")
    assert card.id == zhang.pk
    assert card.name == "张三"
    assert card.banner == "张三 湖南省(湘潭市、韶山市、银田镇)人大代表"
    assert card.levels == ["provincial", "city", "township"]
    assert card.greeting == (
        "欢迎您，张三代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？"
    )


def test_a_deputy_in_one_congress_gets_no_brackets(li):
    card = deputy_for_caller("0731-85309270")
    assert card.banner == "李四 韶山市人大代表"
    assert card.levels == ["city"]


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "+86 138-0013-8000", "008613800138000", "013800138000", "+8613800138000"],
)
def test_every_mobile_format_identifies_the_deputy(zhang, raw):
    assert deputy_for_caller(raw).id == zhang.pk


@pytest.mark.parametrize("raw", ["0731-85309270", "073185309270", "85309270"])
def test_a_landline_identifies_with_or_without_the_local_area_code(li, raw):
    assert deputy_for_caller(raw).id == li.pk


@pytest.mark.parametrize("raw", ["13900000000", "", "anonymous", "unknown", "10086", None])
def test_unknown_hidden_and_short_numbers_identify_nobody(zhang, raw):
    assert deputy_for_caller(raw) is None


def test_an_ended_mandate_no_longer_identifies(li):
    Mandate.objects.filter(deputy=li).update(ended_on=datetime.date(2026, 1, 1))
    assert deputy_for_caller("0731-85309270") is None


def test_a_person_with_one_ended_mandate_shows_only_the_active_one(li):
    seat(li, "湘潭市人大", Level.CITY, ended_on=datetime.date(2025, 12, 31))
    assert deputy_for_caller("0731-85309270").banner == "李四 韶山市人大代表"


def test_an_inactive_deputy_is_not_identified(zhang):
    zhang.is_active = False
    zhang.save()
    assert deputy_for_caller("13800138000") is None


def test_two_congresses_at_one_level_are_ordered_by_name_and_two_terms_show_once(db):
    wang = DeputyFactory(name="王五", phone=None, mandate=None)
    DeputyPhone.objects.create(deputy=wang, number="+8613700137000")
    seat(wang, "湘潭市人大", Level.CITY)
    seat(wang, "韶山市人大", Level.CITY, term="第十六届")
    seat(wang, "韶山市人大", Level.CITY, term="第十七届")
    card = deputy_for_caller("13700137000")
    expected = sorted(["湘潭市", "韶山市"], key=lambda label: label + "人大")
    assert card.banner == f"王五 {expected[0]}({expected[1]})人大代表"
    assert card.levels == ["city"]


def test_a_second_number_identifies_the_same_person(zhang):
    DeputyPhone.objects.create(deputy=zhang, number="+8613900139000")
    assert deputy_for_caller("13900139000").id == zhang.pk


def test_the_lookup_is_one_query(zhang, django_assert_num_queries):
    with django_assert_num_queries(1):
        deputy_for_caller("13800138000")


@pytest.mark.postgres
def test_the_lookup_query_goes_through_the_unique_index_on_the_number(zhang):
    from django.db import connection

    from minyi.calls.lookup import _active_seats_sql

    sql, params = _active_seats_sql("number"), ["+8613800138000", True]
    with connection.cursor() as cursor:
        # The test tables are tiny; forbid sequential scans so the plan shows what a large table
        # would use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "deputies_deputyphone_number" in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_lookup_is_prepared_once_per_session_and_survives_a_rollback(zhang):
    from django.db import connection, transaction

    from minyi.deputies.models import DeputyPhone

    assert connection.pool is not None, "the PostgreSQL default is the connection pool"

    class Abort(Exception):
        pass

    assert deputy_for_caller("13800138000").id == zhang.pk  # outside a transaction: prepared
    with pytest.raises(Abort), transaction.atomic():
        assert deputy_for_caller("13800138000").id == zhang.pk  # inside: plain SQL
        raise Abort
    assert deputy_for_caller("13800138000").id == zhang.pk
    DeputyPhone.objects.filter(number="+8613800138000").delete()
    assert deputy_for_caller("13800138000") is None  # the plan is cached, not the answer
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
            ["minyi_active_seats_by_number"],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_migration_changing_a_looked_up_column_does_not_stop_deputies_being_identified(
    zhang, caplog
):
    """PostgreSQL refuses a prepared plan whose result type changed; the lookup prepares again."""
    from django.db import connection

    from minyi.calls.services import call_event_receive
    from minyi.deputies.models import Deputy

    assert deputy_for_caller("13800138000").id == zhang.pk  # prepared on this session
    name = Deputy._meta.get_field("name")
    table, column = Deputy._meta.db_table, name.column
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar(200)")
    try:
        call = call_event_receive(event="ring", call_id="c-after-migration", caller="13800138000")
        assert call.deputy_id == zhang.pk
        assert call.deputy_card.banner.startswith("张三 ")
        assert deputy_for_caller("13800138000").id == zhang.pk
        assert "prepared caller lookup failed" in caplog.text  # the cached plan was refused
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({name.max_length})"
            )
