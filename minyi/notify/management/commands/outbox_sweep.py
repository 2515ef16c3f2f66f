"""Send the outbox from the command line: once, or until nothing is left to send."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from minyi.notify.models import OutboxMessage, OutboxStatus
from minyi.notify.services import outbox_sweep, warning_notices_collect


class Command(BaseCommand):
    help = "发送消息发件箱中待发的消息（通常由 db_worker 执行，此命令用于排障）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--until-empty", action="store_true", help="反复发送，直到没有待发或发送中的消息"
        )
        parser.add_argument("--limit", type=int, default=200, help="每轮最多发送条数")

    def handle(self, *args, until_empty: bool, limit: int, **options):
        warning_notices_collect()
        while True:
            counts = outbox_sweep(limit=limit)
            self.stdout.write(str(counts))
            open_rows = OutboxMessage.objects.filter(
                status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
            )
            if not until_empty or not open_rows.exists():
                return
            if not any(counts.values()):
                time.sleep(0.5)  # waiting for a lease to expire or a retry to fall due
