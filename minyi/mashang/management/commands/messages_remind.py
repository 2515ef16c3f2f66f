from django.core.management.base import BaseCommand

from minyi.mashang.services.reminders import messages_remind


class Command(BaseCommand):
    help = (
        "码上找代表超期提醒：留言在代表处超过规定工作日未处理的，提醒代表、告知联络站，"
        "每条各一次。可重复执行（调度器每小时执行）。"
    )

    def handle(self, *args, **options):
        self.stdout.write(str(messages_remind()))
