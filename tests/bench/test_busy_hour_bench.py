"""The busy hour's own arithmetic and clean-up (bench/busy_hour.py, bench/busy_hour_setup.py,
bench/load.py's ``remove_service_orders``); the load itself runs only in ``make bench``."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import busy_hour
from bench.load import remove_service_orders
from minyi.accounts.models import Role
from minyi.orders.models import WorkOrder
from tests.factories import DepartmentFactory, UserFactory, make_order


def test_the_roles_paces_bring_the_whole_load_to_the_rate_asked_for():
    for rate in (60.0, 200.0):
        paces = busy_hour.paces(rate)
        offered = sum(
            users * per / paces[role] for role, (users, per, _) in busy_hour.ROLES.items()
        )

        assert offered == pytest.approx(rate * sum(s for _, _, s in busy_hour.ROLES.values()))
    assert sum(s for _, _, s in busy_hour.ROLES.values()) == pytest.approx(1.0)


def test_the_orders_chain_keeps_up_with_the_operators():
    """Dispatchers, handlers (sign and reply) and callback agents take the hour's orders at least
    as fast as the operators record them, so none piles up unhandled."""
    rate = busy_hour.paces(200.0)
    rounds = {role: busy_hour.ROLES[role][0] / rate[role] for role in busy_hour.ROLES}

    assert rounds["dispatchers"] >= rounds["operators"]
    assert rounds["handlers"] >= 2 * rounds["operators"]
    assert rounds["callbacks"] >= rounds["operators"]


def figures(**overrides) -> dict:
    rows = [
        {"name": busy_hour.WEBHOOK, "count": 300, "errors": 0, "p99": 20.0, "p95": 10.0},
        {"name": "Aggregated", "count": 1000, "errors": 0, "p95": 150.0, "p99": 300.0},
    ]
    base = {
        "rows": rows,
        "achieved": 199.0,
        "rate": 200.0,
        "consoles": [100, 100],
        "rings": 100,
        "wall": 10.0,
        "nproc": 2,
        "cpu": {"app": 15.0, "postgres": 4.0, "redis": 0.1, "locust": 0.5, "machine": 19.8},
    }
    return {**base, **overrides}


def test_a_run_within_every_goal_passes_and_names_the_app_as_its_limit():
    f = figures()

    assert all(busy_hour.verdicts(f).values())
    assert busy_hour.limit_text(f).startswith("the machine's CPU is saturated (1.98 of 2")
    assert "the app's processes using the most" in busy_hour.limit_text(f)


def test_a_console_that_missed_a_ring_fails_the_run():
    assert busy_hour.verdicts(figures(consoles=[100, 99]))["consoles"] is False


def test_an_idle_machine_is_not_called_the_limit():
    f = figures(cpu={"app": 4.0, "postgres": 6.0, "redis": 0, "locust": 0.5, "machine": 11.0})

    assert busy_hour.limit_text(f).startswith("not the CPU (1.10 of 2 CPUs busy)")
    assert "PostgreSQL used the most" in busy_hour.limit_text(f)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_busy_hours_orders_go_with_every_row_pointing_at_them_and_nothing_else_does():
    lead = DepartmentFactory()
    ours = make_order(
        "callback",
        lead=lead,
        operator=UserFactory(username="busy-operator-00", role=Role.OPERATOR),
    )
    another_benchs = make_order(
        "replied", lead=lead, operator=UserFactory(username="bench-op", role=Role.OPERATOR)
    )
    loaded = make_order("signed", lead=lead)
    WorkOrder.objects.filter(pk=loaded.pk).update(number="BENCH-0000001")

    removed = remove_service_orders(created_by_prefix="busy-")

    assert removed == 1
    assert set(WorkOrder.objects.values_list("pk", flat=True)) == {another_benchs.pk, loaded.pk}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.contype = 'f' AND c.confrelid = 'orders_workorder'::regclass"
        )
        pointing = cur.fetchall()
        left = {}
        for table, column in pointing:
            cur.execute(f"SELECT count(*) FROM {table} WHERE {column} = %s", [ours.pk])
            left[table] = cur.fetchone()[0]
            cur.execute(f"SELECT count(*) FROM {table} WHERE {column} = %s", [another_benchs.pk])
            left[f"{table} (another bench's)"] = cur.fetchone()[0]
    assert not any(n for name, n in left.items() if "another" not in name)
    assert left["orders_orderevent (another bench's)"] > 0
    assert left["orders_assignment (another bench's)"] > 0
