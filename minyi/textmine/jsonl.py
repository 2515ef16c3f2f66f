"""JSON-lines input and output for the three contract commands (README "Stable contracts").

Bad input stops the command before anything is written, with a Chinese and English message
naming the line: a missing file, a line that is not a JSON object, a missing key.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError


def read(path: str | None, required: Sequence[str]) -> list[dict]:
    """Every line of ``path`` as a dict holding at least ``required`` (blank lines skipped)."""
    if not path:
        raise CommandError("缺少 --input 文件 / --input FILE is required")
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"找不到输入文件 / input file not found: {path}")
    rows = []
    try:
        lines = file.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise CommandError(f"输入文件不是 UTF-8 文本 / input is not UTF-8: {path} ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"第 {number} 行不是合法的 JSON / line {number} is not valid JSON: {exc.msg}"
            ) from exc
        if not isinstance(row, dict):
            raise CommandError(f"第 {number} 行不是 JSON 对象 / line {number} is not a JSON object")
        missing = [key for key in required if key not in row]
        if missing:
            keys = ", ".join(missing)
            raise CommandError(
                f"第 {number} 行缺少字段 {keys} / line {number} lacks key(s): {keys}"
            )
        for key in required:
            if key != "id" and row[key] is not None and not isinstance(row[key], str):
                raise CommandError(
                    f"第 {number} 行字段 {key} 应为字符串 / line {number}: {key} must be a string"
                )
        if not isinstance(row["id"], str | int) or isinstance(row["id"], bool):
            raise CommandError(
                f"第 {number} 行 id 应为字符串或整数 / line {number}: id must be a string or an integer"
            )
        row["_line"] = number
        rows.append(row)
    return rows


@contextmanager
def _open(path: str):
    if path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"无法写入输出文件 / cannot write output: {path} ({exc})") from exc
    with handle:
        yield handle


def write(path: str | None, rows: Iterable[dict]) -> int:
    """Write ``rows`` to ``path`` ("-" = standard output), one JSON object a line."""
    if not path:
        raise CommandError("缺少 --output 文件 / --output FILE is required")
    count = 0
    with _open(path) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def add_arguments(parser) -> None:
    parser.add_argument("--input", help="输入 JSON lines 文件 / input JSON-lines file")
    parser.add_argument(
        "--output", help="输出 JSON lines 文件（- 为标准输出）/ output file (- = stdout)"
    )
