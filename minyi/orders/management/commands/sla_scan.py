from django.core.management.base import BaseCommand

from minyi.orders.services.sla import sla_scan


class Command(BaseCommand):
    help = "标记临期（黄色，时限前一个工作日）与超期（红色）工单，并写入台账事件。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="检查全部已过时限，而不只是上次扫描以来的时间窗口",
        )

    def handle(self, *args, **options):
        result = sla_scan(full=options["full"])
        self.stdout.write(f"yellow={result.yellow} red={result.red}  ({result})")
