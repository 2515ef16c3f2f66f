"""``manage.py clue_proposals``: one turn of the proposal scan by hand (the scheduler runs it
every 10 minutes); safe to run twice: the orders read are behind the cursor."""

from django.core.management.base import BaseCommand

from minyi.clues.proposals import clue_proposals_scan


class Command(BaseCommand):
    help = "将新工单与未结线索比对，生成关联建议（线索库）"

    def handle(self, *args, **options):
        found = clue_proposals_scan()
        self.stdout.write(f"新增关联建议 {found} 条。")
