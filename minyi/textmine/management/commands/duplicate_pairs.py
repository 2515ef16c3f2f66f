"""``manage.py duplicate_pairs --input FILE.jsonl --output OUT.jsonl`` (README, stable contract).

Input lines ``{"id", "text", "phone", "date", "address"}`` (phone, address may be "" or null;
date "YYYY-MM-DD", "" or null); output one ``{"a", "b", "score", "reason"}`` per pair judged a
duplicate, ``a`` the earlier line. Runs ``minyi.textmine.duplicates.pairs``; writes nothing to the
database.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from minyi.textmine import jsonl
from minyi.textmine.duplicates import Appeal, pairs

KEYS = ["id", "text", "phone", "date", "address"]


def _date(row: dict) -> dt.date | None:
    value = row["date"]
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        line = row["_line"]
        raise CommandError(
            f"第 {line} 行日期无效 / line {line}: date must be YYYY-MM-DD, got {value!r}"
        ) from exc


class Command(BaseCommand):
    help = "找出重复诉求对（JSON lines 输入输出，不写数据库）/ find duplicate appeal pairs"

    def add_arguments(self, parser) -> None:
        jsonl.add_arguments(parser)

    def handle(self, *, input: str | None, output: str | None, **options) -> None:
        rows = jsonl.read(input, KEYS)
        appeals = [
            Appeal(
                id=row["id"],
                text=row["text"] or "",
                phone=row["phone"] or "",
                date=_date(row),
                address=row["address"] or "",
            )
            for row in rows
        ]
        found = pairs(appeals)
        jsonl.write(
            output,
            ({"a": a.id, "b": b.id, "score": v.score, "reason": v.reason} for a, b, v in found),
        )
        if output != "-":
            self.stderr.write(f"{len(rows)} 条诉求，{len(found)} 对重复 / appeals, duplicate pairs")
