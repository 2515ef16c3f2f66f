"""The demo's clue library (线索库): the largest topic of the demo orders promoted into a clue,
given to a professional group of the demo deputy, who has written one research note — so the
liaison officer's /work/clues/ and the deputy's 小组线索 have something to show."""

from __future__ import annotations

from minyi.clues.services import clue_create, clue_note_add
from minyi.deputies.models import ProfessionalGroup
from minyi.orders.models import WorkOrder
from minyi.textmine.topics import group as group_topics

LINKED = 12  # orders of the topic linked to the clue


def load_clues(people) -> int:
    liaison, deputy = people.users.get("liaison"), people.users.get("deputy")
    orders = list(WorkOrder.objects.filter(protect_identity=False).order_by("pk"))
    if liaison is None or deputy is None or len(orders) < 4:
        return 0
    grouping = group_topics([f"{o.title}\n{o.content}" for o in orders])
    if not grouping.topics:
        return 0
    topic = grouping.topics[0]
    members = [o for o, label in zip(orders, grouping.labels, strict=True) if label == topic.id]
    group = deputy.deputy.professional_groups.first() or ProfessionalGroup.objects.first()
    if group is None:
        return 0
    group.deputies.add(deputy.deputy)
    example = orders[topic.representative].title
    terms = "、".join([t for t in topic.key_terms if len(t) > 1][:4])
    clue = clue_create(
        title=f"同类诉求反复出现：{example}"[:100],
        summary=f"近三个月 {topic.size} 件工单反映同类问题（关键词：{terms}），拟交专业小组调研。",
        orders=members[:LINKED],
        group=group,
        actor=liaison,
    )
    clue_note_add(clue=clue, text="已走访两个社区，听取居民和相关部门意见。", actor=deputy)
    return 1
