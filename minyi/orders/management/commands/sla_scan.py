from django.core.management.base import BaseCommand

from minyi.orders.services.sla import sla_scan


class Command(BaseCommand):
    help = "标记临期（黄色，时限前一个工作日）与超期（红色）工单，并写入台账事件。可重复执行。"

    def handle(self, *args, **options):
        result = sla_scan()
        self.stdout.write(f"yellow={result.yellow} red={result.red}  ({result})")
