"""`export_deputies FILE` — export the deputy registry in the import template's format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minyi.deputies.services import deputies_export


class Command(BaseCommand):
    help = "按导入模板格式导出人大代表名单（格式由扩展名决定：.xlsx 或 .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--include-ended", action="store_true", help="同时导出已终止的代表资格")

    def handle(self, *args, file: str, include_ended: bool, **options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(f"无法从扩展名判断格式：{file}（请用 .xlsx 或 .csv）")
        if fmt == "xlsx":
            with path.open("wb") as out:
                count = deputies_export(out=out, fmt=fmt, include_ended=include_ended)
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                count = deputies_export(out=out, fmt=fmt, include_ended=include_ended)
        self.stdout.write(f"已导出 {count} 行到 {path}")
