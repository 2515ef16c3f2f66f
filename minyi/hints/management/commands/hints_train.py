"""``manage.py hints_train``: train the category and lead-department hint models now."""

from django.core.management.base import BaseCommand

from minyi.hints.models import percent
from minyi.hints.services import models_train


class Command(BaseCommand):
    help = "训练派单提示模型（诉求分类、主办单位），依据已派单的历史工单；历史不足时说明原因。"

    def handle(self, *args, **options):
        for kind, result in models_train().items():
            if isinstance(result, str):
                self.stdout.write(f"{kind}: {result}")
            else:
                self.stdout.write(
                    f"{kind}: v{result.version}，样本 {result.sample_size}，"
                    f"类别 {result.label_count}，留出集首选 {percent(result.heldout_top1, 1)}、"
                    f"前三 {percent(result.heldout_top3, 1)}，用时 {result.seconds:.1f} 秒"
                )
