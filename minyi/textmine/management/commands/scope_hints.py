"""``manage.py scope_hints --input FILE.jsonl --output OUT.jsonl`` and ``scope_hints --codes``
(README, stable contract).

Input lines ``{"id", "text"}``; output one ``{"id", "reason"}`` per input line, in input order,
``reason`` a ScopeReason code or null. ``--codes`` prints each code and its Chinese name,
tab-separated. Runs ``minyi.textmine.scope.hint``; writes nothing to the database.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from minyi.textmine import jsonl, scope


class Command(BaseCommand):
    help = "提示可能不属于受理范围的诉求（JSON lines，不写数据库）/ out-of-scope hints"

    def add_arguments(self, parser) -> None:
        jsonl.add_arguments(parser)
        parser.add_argument("--codes", action="store_true", help="列出原因代码 / list the codes")

    def handle(self, *, input: str | None, output: str | None, codes: bool, **options) -> None:
        if codes:
            for code, name in scope.CODES.items():
                self.stdout.write(f"{code}\t{name}")
            return
        rows = jsonl.read(input, ["id", "text"])
        jsonl.write(
            output, ({"id": row["id"], "reason": scope.hint(row["text"] or "")} for row in rows)
        )
