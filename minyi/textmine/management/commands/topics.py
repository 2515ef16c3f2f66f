"""``manage.py topics --input FILE.jsonl --output OUT.jsonl`` (README, stable contract).

Input lines ``{"id", "text"}`` (other keys ignored); output exactly one ``{"id", "topic"}`` per
input line, in input order. ``topic`` is an int: topics are numbered 0.. largest first, and a
text that joins no topic gets a topic of its own (numbers after the last shared topic).
Runs ``minyi.textmine.topics.group``; writes nothing to the database.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from minyi.textmine import jsonl
from minyi.textmine.topics import group


class Command(BaseCommand):
    help = "把文本分组为话题（JSON lines 输入输出，不写数据库）/ group texts into topics"

    def add_arguments(self, parser) -> None:
        jsonl.add_arguments(parser)

    def handle(self, *, input: str | None, output: str | None, **options) -> None:
        rows = jsonl.read(input, ["id", "text"])
        grouping = group([row["text"] or "" for row in rows])
        next_id = len(grouping.topics)
        topics = []
        for label in grouping.labels:
            if label == -1:
                label, next_id = next_id, next_id + 1
            topics.append(label)
        jsonl.write(
            output, ({"id": row["id"], "topic": t} for row, t in zip(rows, topics, strict=True))
        )
        if output != "-":
            self.stderr.write(
                f"{len(rows)} 条文本，{len(grouping.topics)} 个话题 / texts, topics of 2 or more"
            )
