from django.core.management.base import BaseCommand

from minyi.mashang.services.retention import messages_scrub


class Command(BaseCommand):
    help = (
        "清除答复或关闭超过保存期限（MINYI_MASHANG_RETENTION_DAYS，默认 365 天）的选民留言中的"
        "个人信息；留言记录保留。可重复执行（调度器每天执行）。"
    )

    def handle(self, *args, **options):
        self.stdout.write(str(messages_scrub()))
