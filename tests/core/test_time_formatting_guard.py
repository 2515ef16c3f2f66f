"""No code outside ``minyi.core.timefmt`` turns a date or a time into text by itself.

A datetime read from the database is in UTC; formatted directly, it printed
"已超过退件时限（2026-12-01 15:59）" for a 23:59 Beijing deadline. The helper writes every time in
Beijing time, so this test reads the product's code (its syntax tree, not its text) and names
every place that formats a date or a time another way: ``strftime``, a ``%`` format spec
(``f"{due:%H:%M}"``, ``"{:%Y}".format(...)``), Django's ``localtime``/``localdate``/
``date_format``, ``isoformat()``, or a time-like value dropped into an f-string as it is
(``f"{order.reply_due}"`` prints ``2026-12-01 15:59:59+00:00``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import minyi

ROOT = Path(minyi.__file__).parent
HELPER = ROOT / "core" / "timefmt.py"

# Calls that format a date or a time, or read Django's current (configurable) time zone.
FORMATTING_METHODS = {"strftime", "isoformat", "localtime", "localdate", "template_localtime"}
FORMATTING_FUNCTIONS = {"date_format", "time_format", "localtime", "localdate"}
# ``isoformat()`` where the text is data for a machine, not a time shown or sent: an opaque
# cursor. Each entry is a file and how many calls it may make.
MACHINE_ISOFORMAT = {
    "workbench/list_selectors.py": 1,  # the keyset cursor: an instant, read back by the server
}
# A value whose name says it is a moment or a day (``reply_due``, ``rang_at``, ``ended_on``).
TIME_LIKE = re.compile(r"(^|_)(at|due|until|deadline|moment|now|when|on|date|day|today|time)$")
STR_FORMAT_SPEC = re.compile(r"\{[^{}]*:[^{}]*%")


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _spec_text(spec: ast.AST | None) -> str:
    if spec is None:
        return ""
    return "".join(v.value for v in ast.walk(spec) if isinstance(v, ast.Constant))


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in FORMATTING_METHODS:
                found.append((node.lineno, f".{func.attr}()"))
            elif isinstance(func, ast.Name) and func.id in FORMATTING_FUNCTIONS:
                found.append((node.lineno, f"{func.id}()"))
            elif isinstance(func, ast.Name) and func.id in ("str", "format") and node.args:
                arg = node.args[0]
                if TIME_LIKE.search(_name(arg)) or (
                    func.id == "format" and len(node.args) > 1 and "%" in _spec_text(node.args[1])
                ):
                    found.append((node.lineno, f"{func.id}({_name(arg)})"))
        elif isinstance(node, ast.JoinedStr):
            # f"{due}__gte" names a model field in a query, not a time.
            lookup = any(isinstance(v, ast.Constant) and "__" in v.value for v in node.values)
            for part in node.values:
                if not isinstance(part, ast.FormattedValue):
                    continue
                spec = _spec_text(part.format_spec)
                if "%" in spec:
                    found.append((part.lineno, f"{{…:{spec}}}"))
                elif not spec and not lookup and TIME_LIKE.search(_name(part.value)):
                    found.append((part.lineno, f"{{{_name(part.value)}}}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if STR_FORMAT_SPEC.search(node.value):
                found.append((node.lineno, "a str.format template with a % spec"))
    relative = path.relative_to(ROOT).as_posix()
    allowed = MACHINE_ISOFORMAT.get(relative, 0)
    isoformats = [f for f in found if f[1] == ".isoformat()"]
    if 0 < len(isoformats) <= allowed:
        found = [f for f in found if f[1] != ".isoformat()"]
    return [f"minyi/{relative}:{line}: {what}" for line, what in sorted(found)]


def product_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and p != HELPER)


def test_no_code_formats_a_date_or_a_time_outside_the_helper():
    found = [line for path in product_modules() for line in findings(path)]

    assert found == [], "format dates and times with minyi.core.timefmt:\n" + "\n".join(found)


def test_the_guard_sees_each_way_of_formatting_a_time(tmp_path, monkeypatch):
    """The scanner itself: each form it must catch, and plain text it must leave alone."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.utils import timezone\n"
        "from django.utils.formats import date_format\n"
        "a = f'时限（{assignment.return_due:%Y-%m-%d %H:%M}）'\n"
        "b = value.strftime('%H:%M')\n"
        "c = timezone.localtime(value)\n"
        "d = '{:%Y-%m-%d}'.format(day)\n"
        "e = f'于 {order.reply_due} 前'\n"
        "f = date_format(value)\n"
        "g = moment.isoformat()\n"
        "h = str(call.rang_at)\n"
        "fine = f'{order.number} {count:06d} {len(items)} 件 {note!r}'\n"
        "query = {f'{due}__gte': now}\n",
        encoding="utf-8",
    )

    lines = [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in findings(sample)]

    assert lines == ["3", "4", "5", "6", "7", "8", "9", "10"]
