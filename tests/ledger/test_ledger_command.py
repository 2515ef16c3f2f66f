"""``manage.py ledger`` (a stable contract): a month or a date range to xlsx or PDF, the deputy
channels by default, ``--channel all`` for every channel, as a liaison officer sees it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from minyi.orders.models import Channel
from tests.factories import DeputyFactory, at, make_order

pytestmark = pytest.mark.django_db


def numbers(path) -> list[str]:
    sheet = load_workbook(path)["台账"]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def november(zhang, hana):
    return {
        "named": make_order(
            "archived",
            at=at(2026, 11, 5, 9),
            channel=Channel.DEPUTY_CALL,
            deputy=DeputyFactory(name="谭萍"),
            handler=hana,
        ),
        "anonymous": make_order(
            "accepted",
            at=at(2026, 11, 6, 9),
            channel=Channel.DEPUTY_CALL,
            deputy=zhang,
            is_anonymous=True,
        ),
        "citizen": make_order("accepted", at=at(2026, 11, 7, 9)),
        "december": make_order(
            "accepted",
            at=at(2026, 12, 1, 9),
            channel=Channel.DEPUTY_CALL,
            deputy=DeputyFactory(),
        ),
    }


def test_a_month_to_xlsx_holds_the_deputy_channels(tmp_path, november):
    out = io.StringIO()
    path = tmp_path / "ledger.xlsx"

    call_command(
        "ledger", "--month", "2026-11", "--format", "xlsx", "--output", str(path), stdout=out
    )

    assert numbers(path) == [november["anonymous"].number, november["named"].number]
    assert "已导出 2 行" in out.getvalue()
    cells = " ".join(
        str(v) for row in load_workbook(path)["台账"].iter_rows(values_only=True) for v in row if v
    )
    assert "谭萍" in cells and "张三" not in cells and "匿名" in cells  # a liaison officer's view


def test_channel_all_and_a_date_range(tmp_path, november):
    path = tmp_path / "all.xlsx"
    call_command(
        "ledger",
        "--from",
        "2026-11-06",
        "--to",
        "2026-12-01",
        "--channel",
        "all",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    assert numbers(path) == [
        november["december"].number,
        november["citizen"].number,
        november["anonymous"].number,
    ]


def test_a_month_to_pdf_holds_the_chinese_names(tmp_path, november):
    path = tmp_path / "ledger.pdf"
    call_command(
        "ledger",
        "--month",
        "2026-11",
        "--format",
        "pdf",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))
    assert "谭萍" in text and "工作台账" in text and "张三" not in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "请指定 --month"),
        (["--month", "2026-13"], "--month"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "结束日期不能早于开始日期"),
        (["--month", "2026-11", "--channel", "fax"], "--channel"),
    ],
)
def test_bad_arguments_are_a_chinese_error(tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("ledger", *arguments, "--output", str(tmp_path / "x.xlsx"))
