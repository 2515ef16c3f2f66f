"""``manage.py ledger``: the ledger (工作台账) of a month or a date range to an .xlsx or a PDF
file, the same columns and summary as the page's exports (a stable contract, README "工作台账").

The command is run by an operator of the server, not by a user of the product, so it exports
as a liaison officer (联工委) would see the ledger: names and numbers masked, an anonymous
requester's order shown as 匿名 without the deputy, the channel shown. It never shows more than
the ledger page shows a liaison officer.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from minyi.accounts.models import Role, User
from minyi.core import clock
from minyi.ledger.exports.services import export_write
from minyi.ledger.filters import ALL_CHANNELS, LedgerFilterForm
from minyi.ledger.models import ExportFormat


def liaison_viewer() -> User:
    """The privacy rule's viewer for the command: a liaison officer (unsaved, no one's account)."""
    return User(username="manage.py ledger", role=Role.LIAISON, is_active=True)


class Command(BaseCommand):
    help = (
        "导出工作台账（Excel 或 PDF）：按月份（--month 2026-11）或登记日期范围（--from/--to），"
        "默认只含代表渠道（代表来电、码上找代表），--channel all 含全部渠道。"
        "个人信息按联工委的权限显示（姓名、号码打码，匿名工单不显示代表）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月份，格式 YYYY-MM，如 2026-11")
        parser.add_argument("--from", dest="date_from", help="登记日期自，格式 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="登记日期至（含当天），格式 YYYY-MM-DD")
        parser.add_argument(
            "--channel",
            default="",
            help="来源渠道：默认代表渠道；all 为全部渠道；或 deputy_call、qr_message、"
            "citizen_call、web 之一",
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=ExportFormat.values,
            default=ExportFormat.XLSX,
            help="文件格式：xlsx（默认）或 pdf",
        )
        parser.add_argument("--output", required=True, help="输出文件路径")

    def handle(self, *args, month, date_from, date_to, channel, file_format, output, **options):
        if not (month or date_from or date_to):
            raise CommandError("请指定 --month，或 --from/--to。")
        params = {
            "month": month or "",
            "date_from": date_from or "",
            "date_to": date_to or "",
            "channel": "" if channel in ("", "deputy") else channel,
        }
        form = LedgerFilterForm(params)
        if not form.is_valid():
            problems = []
            for name, errors in form.errors.items():
                label = {"__all__": "", "channel": "--channel", "month": "--month"}.get(
                    name, {"date_from": "--from", "date_to": "--to"}.get(name, name)
                )
                problems.append(f"{label} {'；'.join(errors)}".strip())
            raise CommandError("参数有误：" + "；".join(problems))
        started = time.monotonic()
        try:
            with open(output, "wb") as out:
                written = export_write(
                    out,
                    user=liaison_viewer(),
                    data=form.cleaned_data,
                    format=file_format,
                    now=clock.now(),
                )
        except OSError as error:
            raise CommandError(f"无法写入 {output}：{error.strerror or error}") from None
        seconds = time.monotonic() - started
        scope = "全部渠道" if channel == ALL_CHANNELS else (channel or "代表渠道")
        self.stdout.write(f"已导出 {written} 行（{scope}）到 {output}，用时 {seconds:.1f} 秒。")
