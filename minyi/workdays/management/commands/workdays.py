"""`workdays due --from 2025-09-30T10:00 --days 5` and `workdays show 2027`."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from minyi.core import timefmt
from minyi.workdays.calendar import SHANGHAI, get_calendar


def _parse_start(value: str) -> datetime:
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--from {value!r} 不是 ISO 8601 时间，例如 2025-09-30T10:00") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=SHANGHAI)
    return start


class Command(BaseCommand):
    help = "工作日计算：due 计算时限，show 列出某年的节假日与调休。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="从某时刻起算 N 个工作日（或工作小时、自然日）的时限")
        due.add_argument(
            "--from", dest="start", required=True, help="起算时间，ISO 8601；无时区时按北京时间"
        )
        amount = due.add_mutually_exclusive_group(required=True)
        amount.add_argument("--days", type=int, help="工作日数")
        amount.add_argument("--hours", type=int, help="工作小时数（非工作日停表）")
        amount.add_argument("--natural-days", type=int, help="自然日数")
        show = sub.add_parser("show", help="列出某年的节假日、调休上班日，以及该年是正式还是暂定")
        show.add_argument("year", type=int)
        publish = sub.add_parser(
            "publish", help="录入某年的国务院节假日安排（替换该年全部特殊日期），重算受影响的时限"
        )
        publish.add_argument("year", type=int)
        publish.add_argument(
            "file",
            help="文本文件，每行：2027-02-05..2027-02-11 放假 春节 / 2027-02-20 上班 春节调休",
        )
        publish.add_argument("--source", default="", help="来源，如 国办发明电〔2026〕X号")
        publish.add_argument(
            "--provisional", action="store_true", help="仍标记为暂定（默认标记为正式）"
        )

    def handle(self, *args, **options):
        if options["action"] == "due":
            self._due(options)
        elif options["action"] == "publish":
            self._publish(options)
        else:
            self._show(options["year"])

    def _publish(self, options) -> None:
        from minyi.core.errors import DomainError
        from minyi.workdays.notice import parse_notice
        from minyi.workdays.services import calendar_year_publish

        try:
            with open(options["file"], encoding="utf-8") as handle:
                days = parse_notice(handle.read())
            change = calendar_year_publish(
                year=options["year"],
                days=days,
                source=options["source"],
                official=not options["provisional"],
            )
        except OSError as exc:
            raise CommandError(f"无法读取 {options['file']}：{exc.strerror}") from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{change.summary}；重算了 {change.orders_recomputed} 件工单的时限。")

    def _due(self, options) -> None:
        start = _parse_start(options["start"])
        cal = get_calendar()
        for unit in ("days", "hours", "natural_days"):
            amount = options[unit]
            if amount is not None:
                break
        if amount < 0:
            raise CommandError("时限不能为负数。")
        unit_name = {
            "days": "working_days",
            "hours": "working_hours",
            "natural_days": "natural_days",
        }[unit]
        due = cal.due(start, amount, unit_name)
        self.stdout.write(timefmt.iso(due.at) + (" provisional" if due.provisional else ""))

    def _show(self, year: int) -> None:
        if not 1901 <= year <= 2099:
            raise CommandError("年份须在 1901–2099 之间。")
        from minyi.workdays.models import SpecialDay

        cal = get_calendar()
        status = "official" if cal.is_official_year(year) else "provisional"
        label = (
            "正式（国务院通知）"
            if status == "official"
            else "暂定（按法定节日及补休推算，未含调休）"
        )
        self.stdout.write(f"{year} {status} {label}")
        names = dict(SpecialDay.objects.filter(date__year=year).values_list("date", "name"))
        if not names:
            from minyi.workdays.statutory import provisional_holidays

            names = provisional_holidays(year)
        weekdays = "一二三四五六日"
        for day, is_workday, _stored in cal.special_days(year):
            kind = "workday 调休上班" if is_workday else "holiday 放假"
            self.stdout.write(
                f"{timefmt.day_text(day)} 周{weekdays[day.weekday()]} {kind} {names.get(day, '')}".rstrip()
            )
