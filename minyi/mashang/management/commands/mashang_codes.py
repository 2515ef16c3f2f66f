"""`python manage.py mashang_codes`: one line per active code, `<kind>\t<name>\t<URL>`.

Every active deputy and every liaison station without a code gets one first (minyi/mashang).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minyi.mashang.services import active_codes


class Command(BaseCommand):
    help = "列出码上找代表的有效二维码（类型、名称、网址），为尚无二维码的代表和联络站生成二维码"

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="公众访问的网址前缀，如 https://12345.example.gov.cn（默认取 MINYI_PUBLIC_BASE_URL）",
        )

    def handle(self, *args, base_url: str, **options):
        base = (base_url or settings.MINYI_PUBLIC_BASE_URL).rstrip("/")
        if not base:
            raise CommandError(
                "请设置 MINYI_PUBLIC_BASE_URL 或使用 --base-url 指定公众访问的网址。"
            )
        for code in active_codes():
            self.stdout.write(f"{code.kind}\t{code.owner}\t{base}{code.path}")
