"""``manage.py cti_token create NAME`` (the new token is the last line), ``list``, ``revoke NAME``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from minyi.calls.models import CtiToken
from minyi.calls.services import cti_token_create, cti_token_revoke
from minyi.core import timefmt
from minyi.core.errors import DomainError


class Command(BaseCommand):
    help = "管理 CTI 接口令牌（PBX 推送来电事件时使用的 Bearer 令牌）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建令牌；最后一行输出令牌本身（仅显示一次）")
        create.add_argument("name")
        sub.add_parser("list", help="列出令牌（只显示前缀）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("name")

    def handle(self, *args, action: str, **options):
        if action == "create":
            try:
                token, plain = cti_token_create(name=options["name"])
            except DomainError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"已创建令牌“{token.name}”。令牌只显示这一次，请立即配置到 PBX：")
            self.stdout.write(plain)
        elif action == "list":
            for token in CtiToken.objects.order_by("name"):
                used = timefmt.local_text(token.last_used_at) if token.last_used_at else "从未使用"
                state = "有效" if token.is_active else "已吊销"
                self.stdout.write(f"{token.name}\t{token.prefix}…\t{state}\t{used}")
        else:
            token = CtiToken.objects.filter(name=options["name"]).first()
            if token is None:
                raise CommandError(f"没有名称为“{options['name']}”的令牌。")
            cti_token_revoke(token=token)
            self.stdout.write(f"已吊销令牌“{token.name}”。")
