"""Fold the ledger rows again from the event log (minyi/ledger/facts.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from minyi.ledger.facts import rows_missing, rows_rebuild


class Command(BaseCommand):
    help = (
        "从工单事件（台账）重新计算台账行。默认只补算缺少台账行的工单（如批量导入的历史工单）；"
        "--all 重算全部工单。可重复执行，结果相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="重算全部工单的台账行")
        parser.add_argument("--batch", type=int, default=500, help="每个事务的工单数，默认 500")

    def handle(self, *args, all: bool, batch: int, **options):
        started = time.monotonic()
        written = rows_rebuild(None if all else rows_missing(), batch=batch)
        seconds = time.monotonic() - started
        self.stdout.write(f"已重算 {written} 条台账行，用时 {seconds:.1f} 秒。")
