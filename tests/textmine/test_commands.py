"""The three contract commands (README "Stable contracts"): keys, one line per input line,
the codes listing, and a clear error with a non-zero exit on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minyi.textmine.scope import CODES

APPEALS = [
    {"id": "a1", "text": "韶峰村3组的路灯坏了半个月，晚上一片漆黑，请派人修路灯",
     "phone": "13900001111", "date": "2026-05-01", "address": "清溪镇韶峰村3组", "topic": "x"},
    {"id": "a2", "text": "韶峰村三组路灯全坏了，晚上漆黑一片，出门不安全，请派人修",
     "phone": "13900003333", "date": "2026-05-03", "address": "韶峰村三组"},
    {"id": "a3", "text": "包工头欠我们农民工工资八万多不发", "phone": "", "date": None,
     "address": ""},
    {"id": 4, "text": "我家楼下着火了，快来人", "phone": None, "date": "", "address": None},
]  # fmt: skip


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def _read(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_topics_writes_one_line_per_input_line_in_order(tmp_path):
    out = tmp_path / "out.jsonl"
    call_command("topics", input=_write(tmp_path / "in.jsonl", APPEALS), output=str(out))
    rows = _read(out)
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", 4]
    assert all(set(r) == {"id", "topic"} and isinstance(r["topic"], int) for r in rows)
    assert rows[0]["topic"] == rows[1]["topic"]
    assert len({r["topic"] for r in rows}) == 3  # singletons get a topic of their own


def test_duplicate_pairs_writes_the_pairs_judged_duplicates(tmp_path):
    out = tmp_path / "out.jsonl"
    call_command("duplicate_pairs", input=_write(tmp_path / "in.jsonl", APPEALS), output=str(out))
    rows = _read(out)
    assert [(r["a"], r["b"], r["reason"]) for r in rows] == [("a1", "a2", "same_place")]
    assert set(rows[0]) == {"a", "b", "score", "reason"} and 0 < rows[0]["score"] <= 1


def test_scope_hints_writes_a_code_or_null_per_line(tmp_path):
    out = tmp_path / "out.jsonl"
    call_command("scope_hints", input=_write(tmp_path / "in.jsonl", APPEALS), output=str(out))
    rows = _read(out)
    assert rows == [
        {"id": "a1", "reason": None},
        {"id": "a2", "reason": None},
        {"id": "a3", "reason": None},
        {"id": 4, "reason": "emergency"},
    ]


def test_scope_hints_lists_the_codes_with_their_names():
    stdout = StringIO()
    call_command("scope_hints", codes=True, stdout=stdout)
    lines = [line.split("\t") for line in stdout.getvalue().splitlines()]
    assert dict(lines) == CODES
    assert "duplicate" not in CODES


def test_an_empty_input_gives_an_empty_output(tmp_path):
    (tmp_path / "in.jsonl").write_text("\n", "utf-8")
    for command in ("topics", "duplicate_pairs", "scope_hints"):
        out = tmp_path / f"{command}.jsonl"
        call_command(command, input=str(tmp_path / "in.jsonl"), output=str(out))
        assert out.read_text("utf-8") == ""


@pytest.mark.parametrize("command", ["topics", "duplicate_pairs", "scope_hints"])
def test_a_missing_file_is_a_clear_error(tmp_path, command):
    with pytest.raises(CommandError, match="找不到输入文件 / input file not found"):
        call_command(command, input=str(tmp_path / "nope.jsonl"), output=str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["topics", "duplicate_pairs", "scope_hints"])
def test_a_bad_json_line_names_its_line_number(tmp_path, command):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(APPEALS[0]) + "\n{not json\n", "utf-8")
    with pytest.raises(CommandError, match="第 2 行不是合法的 JSON / line 2 is not valid JSON"):
        call_command(command, input=str(path), output=str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_a_missing_key_names_the_key_and_the_line(tmp_path):
    path = _write(tmp_path / "in.jsonl", [APPEALS[0], {"id": "b", "text": "x"}])
    with pytest.raises(CommandError, match="第 2 行缺少字段 phone, date, address"):
        call_command("duplicate_pairs", input=path, output=str(tmp_path / "o"))
    path = _write(tmp_path / "in2.jsonl", [{"text": "没有编号"}])
    with pytest.raises(CommandError, match="line 1 lacks key\\(s\\): id"):
        call_command("topics", input=path, output=str(tmp_path / "o"))


def test_a_bad_date_or_a_non_object_line_is_refused(tmp_path):
    bad_date = dict(APPEALS[0], date="5月1日")
    path = _write(tmp_path / "in.jsonl", [bad_date])
    with pytest.raises(CommandError, match="第 1 行日期无效"):
        call_command("duplicate_pairs", input=path, output=str(tmp_path / "o"))
    (tmp_path / "arr.jsonl").write_text("[1, 2]\n", "utf-8")
    with pytest.raises(CommandError, match="line 1 is not a JSON object"):
        call_command("scope_hints", input=str(tmp_path / "arr.jsonl"), output=str(tmp_path / "o"))


def test_the_command_line_exits_non_zero_on_bad_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "topics", "--input", str(tmp_path / "nope"), "--output", "-"],
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode != 0
    assert "input file not found" in result.stderr
