"""`import_deputies FILE` — import the deputy registry from the template (.xlsx or .csv)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minyi.deputies.services import ImportFailed, deputies_import


class Command(BaseCommand):
    help = "从导入模板格式的 .xlsx 或 .csv 文件导入人大代表名单（全部行校验通过才保存）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="代表名单文件，.xlsx 或 .csv")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不保存")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            with path.open("rb") as handle:
                result = deputies_import(file=handle, filename=path.name, dry_run=dry_run)
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(exc.message) from None
        self.stdout.write(result.summary)
