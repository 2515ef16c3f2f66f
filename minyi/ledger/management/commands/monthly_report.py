"""``python manage.py monthly_report --month 2026-11``: generate and store that month's report
(regenerate it when it exists) and print where its files are."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from minyi.core.errors import DomainError
from minyi.ledger import stats
from minyi.ledger.reports.services import report_generate


def parse_month(text: str) -> date:
    first = stats.parse_month(text)
    if first is None:
        raise CommandError(f"月份格式应为 YYYY-MM，例如 2026-11（收到：{text!r}）。")
    return first


def _where(field) -> str:
    try:
        return field.path
    except NotImplementedError:  # a storage without local paths
        return field.name


class Command(BaseCommand):
    help = (
        "生成并保存指定月份的人大代表履职工作月度报告（Excel 与 PDF），已有则重新生成；"
        "打印两个文件的保存位置。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="报告月份，格式 YYYY-MM，例如 2026-11")

    def handle(self, *args, month: str, **options):
        first = parse_month(month)
        try:
            report = report_generate(month=first)
        except DomainError as error:
            raise CommandError(error.message) from error
        summary = report.summary
        self.stdout.write(
            f"{summary['title']}已生成：登记 {summary['totals']['orders']} 件，"
            f"办结 {summary['totals']['closed']} 件。"
        )
        self.stdout.write(f"xlsx: {_where(report.xlsx)}")
        self.stdout.write(f"pdf: {_where(report.pdf)}")
