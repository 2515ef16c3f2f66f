"""``manage.py intake_index``: build the duplicate-check index for every order not yet in it
(a new installation, or after a bulk load), in batches; the scheduler keeps it current after."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from minyi.intake.services import intake_catch_up


class Command(BaseCommand):
    help = "为重复诉求查重建立索引（补齐尚未索引的工单）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="每批工单数，默认 5000")

    def handle(self, *args, batch: int, **options):
        began, total = time.perf_counter(), 0
        while done := intake_catch_up(limit=max(1, batch)):
            total += done
        seconds = time.perf_counter() - began
        self.stdout.write(f"已索引 {total} 件工单，用时 {seconds:.1f} 秒。")
