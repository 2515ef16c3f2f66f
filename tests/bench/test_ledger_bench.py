"""The ledger bench's own helpers (bench/ledger.py, bench/ledger_data.py): its percentiles, the
export's date range, and the generated dataset: the ledger rows it writes are exactly the rows
``facts.rows_rebuild`` folds from the orders, parts and events it writes beside them."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from bench.ledger import chunk_sizes, export_range, last_full_month, summary
from bench.ledger_data import NOW, START, LedgerGenerator, part_status, reference_make


def test_percentiles_are_nearest_rank_of_the_sorted_timings():
    st = summary([float(x) for x in range(100, 0, -1)])  # 1..100, unsorted
    assert (st["n"], st["p50"], st["p95"], st["max"]) == (100, 50.0, 95.0, 100.0)
    assert summary([7.0])["p95"] == 7.0
    twenty = summary([float(x) for x in range(1, 21)])
    assert twenty["p95"] == 19.0  # ceil(0.95 * 20) = 19th value
    assert math.isnan(summary([])["p95"])


def test_the_export_range_goes_back_whole_days_until_it_holds_the_rows_asked_for():
    counts = {date(2026, 11, d): 1_000 for d in range(1, 31)}
    assert export_range(counts, date(2026, 11, 30), 2_500) == (
        date(2026, 11, 28),
        date(2026, 11, 30),
        3_000,
    )
    # fewer rows than asked: every day there is
    assert export_range(counts, date(2026, 11, 30), 100_000) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        30_000,
    )


def test_the_month_measured_is_the_last_full_one_and_chunks_cover_the_orders():
    assert last_full_month(date(2026, 12, 29)) == "2026-11"
    assert last_full_month(date(2027, 1, 3)) == "2026-12"
    assert chunk_sizes(120_000, 50_000) == {0: 50_000, 1: 50_000, 2: 20_000}


def test_a_part_is_where_its_story_stands_at_the_moment_asked():
    from datetime import datetime, timedelta

    t = datetime(2026, 11, 2, 9, 0)
    part = {"signed_at": t, "replied_at": t + timedelta(days=2)}
    assert part_status(part, t - timedelta(hours=1)) == "pending"
    assert part_status(part, t + timedelta(days=1)) == "signed"
    assert part_status(part, t + timedelta(days=3)) == "replied"
    returned = {
        "signed_at": t,
        "requested_at": t + timedelta(hours=1),
        "returned_at": t + timedelta(hours=3),
    }
    assert part_status(returned, t + timedelta(hours=2)) == "return_requested"
    assert part_status(returned, t + timedelta(hours=4)) == "returned"


@pytest.mark.django_db
def test_the_generated_ledger_rows_are_what_the_services_fold_from_the_generated_events():
    from django.db.models import JSONField

    from minyi.ledger.facts import rows_rebuild
    from minyi.ledger.models import LedgerRow
    from minyi.orders.models import Assignment, OrderEvent, WorkOrder

    ref = reference_make(30)
    gen = LedgerGenerator(ref)
    orders, parts, events, ledger = gen.chunk(0, 400, with_events=True)

    def objects(table, rows):
        # COPY takes JSON as text; the ORM wants the value
        def value(field, raw):
            return json.loads(raw) if isinstance(field, JSONField) and isinstance(raw, str) else raw

        return [
            table.model(**{f.attname: value(f, v) for f, v in zip(table.fields, row, strict=True)})
            for row in rows
        ]

    WorkOrder.objects.bulk_create(objects(gen.orders, orders))
    Assignment.objects.bulk_create(objects(gen.assignments, parts))
    OrderEvent.objects.bulk_create(objects(gen.events, events))
    generated = {row.order_id: row for row in objects(gen.ledger, ledger)}

    assert rows_rebuild(list(generated)) == 400
    fields = [f.attname for f in LedgerRow._meta.concrete_fields]
    for row in LedgerRow.objects.all():
        expected = generated[row.order_id]
        got = {name: getattr(row, name) for name in fields}
        want = {name: getattr(expected, name) for name in fields}
        assert got == want, row.order_id

    # a realistic mix: every channel and the main states, the newest orders still open
    mix = {o.channel for o in WorkOrder.objects.all()}
    assert mix == {"deputy_call", "qr_message", "citizen_call", "web"}
    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert {"archived", "rejected"} <= statuses
    assert all(START <= o.created_at < NOW for o in WorkOrder.objects.all())
    deputy_orders = WorkOrder.objects.filter(channel__in=("deputy_call", "qr_message"))
    assert deputy_orders.exists() and not deputy_orders.filter(deputy__isnull=True).exists()


def test_a_section_of_the_results_is_replaced_in_place_and_the_others_are_kept(
    tmp_path, monkeypatch
):
    from bench import report

    monkeypatch.setattr(report, "RESULTS", tmp_path / "RESULTS.md")
    report.write_section(
        "bench:ledger:50000", "<!-- bench:ledger:50000 -->\nquick 1\n<!-- /bench:ledger:50000 -->\n"
    )
    report.write_section(
        "bench:ledger:1000000",
        "<!-- bench:ledger:1000000 -->\nfull\n<!-- /bench:ledger:1000000 -->\n",
    )
    report.write_section(
        "bench:ledger:50000", "<!-- bench:ledger:50000 -->\nquick 2\n<!-- /bench:ledger:50000 -->\n"
    )
    text = report.RESULTS.read_text()
    assert "quick 2" in text and "full" in text and "quick 1" not in text
    assert text.index("quick 2") < text.index("full")


def test_a_view_includes_the_fragments_the_page_loads_at_once_and_not_the_others():
    from bench.ledger import load_fragments

    html = (
        '<div id="ledger-counts" hx-get="/work/ledger/counts/?month=2026-11&amp;channel=all" '
        'hx-trigger="load" hx-swap="innerHTML"></div>'
        '<a rel="next" href="?cursor=x" hx-get="?cursor=x" hx-target="#list">下一页</a>'
        '<div hx-get="/work/exports/1/" hx-trigger="every 2s"></div>'
    )
    assert load_fragments(html) == ["/work/ledger/counts/?month=2026-11&channel=all"]
