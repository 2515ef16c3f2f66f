"""The month's figures as one JSON object (issue 11, a stable contract).

    python manage.py stats --month 2026-11
    python manage.py stats --from 2026-11-01 --to 2026-11-15 --channel all

Prints ``stats.flat``: the counts (``orders``, ``accepted``, ``closed`` … every key of
``stats.COUNT_LABELS``), then the rates (``on_time_sign_rate``, ``return_rate``,
``on_time_reply_rate``, ``callback_rate``, ``satisfaction_rate``, ``resolution_rate``,
``redo_rate``) as fractions rounded to six places, or ``null`` below the minimum sample; and
``"period": {"from": "2026-11-01", "to": "2026-11-30"}`` (Beijing dates, both included) and
``"channel"``: ``"deputy"`` (代表来电 and 码上找代表, the default), ``"all"`` or the one
channel asked for; and ``"suggestions"``: 闭会期间代表建议 of the period (whatever the channel),
the counts of ``minyi.suggestions.figures`` (``received``, ``accepted``, ``not_adopted``,
``returned``, ``assigned``, ``replied``, ``replied_on_time``, ``closed``), ``evaluated``,
``evaluations`` (``satisfied``, ``basically``, ``dissatisfied``), ``on_time_reply_rate`` and
``satisfaction_rate`` (null below the minimum sample). Without a period: the previous month.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from minyi.core import clock, timefmt
from minyi.ledger import stats, suggestion_stats
from minyi.orders.models import Channel


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from error


def period_of(month: str | None, start: str | None, end: str | None) -> stats.Period:
    if month and (start or end):
        raise CommandError("--month 与 --from/--to 只能选一种。")
    if month:
        try:
            return stats.month_period(month)
        except ValueError as error:
            raise CommandError(f"月份格式应为 YYYY-MM：{month}") from error
    if start or end:
        if not (start and end):
            raise CommandError("--from 与 --to 须同时给出。")
        period = stats.Period(_day(start), _day(end))
        if period.end < period.start:
            raise CommandError("--to 不能早于 --from。")
        return period
    today = timefmt.local(clock.now()).date()
    return stats.Period.month(today.replace(day=1)).previous_month()


class Command(BaseCommand):
    help = "打印一段时间的统计数据（JSON）：各项计数与比率（样本不足为 null）。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月份，如 2026-11")
        parser.add_argument("--from", dest="start", help="开始日期，如 2026-11-01（含）")
        parser.add_argument("--to", dest="end", help="结束日期，如 2026-11-30（含）")
        parser.add_argument(
            "--channel",
            default="",
            choices=["", "deputy", stats.ALL_CHANNELS, *Channel.values],
            help="默认代表渠道（代表来电、码上找代表）；all 为全部渠道，或指定一个渠道",
        )

    def handle(self, *args, month, start, end, channel, **options):
        period = period_of(month, start, end)
        channel = "" if channel == "deputy" else channel
        rows = stats.rows_for(period, channels=stats.channels_of(channel))
        out = stats.flat(stats.figures(rows))
        out["period"] = {"from": timefmt.day_text(period.start), "to": timefmt.day_text(period.end)}
        out["channel"] = stats.channel_key(channel)
        out["suggestions"] = suggestion_stats.flat(period)
        self.stdout.write(json.dumps(out, ensure_ascii=False))
