"""Exports in the template's format (.xlsx through xlsxwriter, or CSV) and the empty template.

An export imports back unchanged: the same columns, every number of the person in one cell,
numbers written as text so Excel keeps them whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import phonenumbers

from minyi.core.xlsx import workbook
from minyi.deputies.models import LEVEL_RANK, Congress, Level, Mandate
from minyi.deputies.registry import columns as c
from minyi.deputies.registry.parser import FORMULA_STARTS

SHEET = "代表名单"
HELP_SHEET = "说明"
EXAMPLE = {
    c.NAME: "张三",
    c.PHONES: "13800138000、0731-85309270",
    c.LEVEL: "市",
    c.CONGRESS: "韶山市人大",
    c.TERM: "第十九届",
    c.DELEGATION: "清溪镇第3选区",
    c.GROUP: "财政经济",
    c.STATION: "清溪镇人大代表联络站",
}
WIDTHS = {c.NAME: 10, c.PHONES: 30, c.CONGRESS: 16, c.DELEGATION: 18, c.STATION: 24}


def display_number(e164: str) -> str:
    """``+8613800138000`` → ``13800138000``; ``+8673185309270`` → ``0731-85309270``."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code != 86:
        return e164
    national = str(number.national_number)
    if national.startswith("1"):
        return national
    area = phonenumbers.length_of_geographical_area_code(number)
    return f"0{national[:area]}-{national[area:]}" if area else f"0{national}"


def mandate_rows(mandates: Iterable[Mandate]) -> Iterator[list[str]]:
    """One list of cells per mandate; ``mandates`` come with deputy, phones, congress, station."""
    for m in mandates:
        phones = sorted(m.deputy.phones.all(), key=lambda p: (not p.is_primary, p.id))
        yield [
            m.deputy.name,
            "、".join(display_number(p.number) for p in phones),
            Level(m.level).label,
            m.congress.name,
            m.term,
            m.delegation,
            m.professional_group,
            m.station.name if m.station else "",
        ]


def export_queryset(*, include_ended: bool = False):
    mandates = Mandate.objects.select_related("deputy", "congress", "station").prefetch_related(
        "deputy__phones"
    )
    if not include_ended:
        mandates = mandates.active()
    return mandates.order_by(
        "deputy__name", "deputy_id", "congress__level", "congress__name", "term"
    )


def _sorted(mandates) -> list[Mandate]:
    # congress__level sorts the stored values alphabetically; the roster reads top level first.
    return sorted(
        mandates,
        key=lambda m: (m.deputy.name, m.deputy_id, LEVEL_RANK[m.level], m.congress.name, m.term),
    )


def write_xlsx(rows: Iterable[list[str]], out) -> int:
    book = workbook(out, in_memory=True)
    count = _data_sheet(book, rows)
    book.close()
    return count


def _data_sheet(book, rows: Iterable[list[str]]) -> int:
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    text = book.add_format({"num_format": "@"})
    for col, title in enumerate(c.COLUMNS):
        sheet.set_column(col, col, WIDTHS.get(title, 12), text)
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(count, col, value)
    return count


def write_csv(rows: Iterable[list[str]], out: io.TextIOBase) -> int:
    """UTF-8 with BOM, so Excel opens it in Chinese without an import dialog."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(c.COLUMNS)
    count = 0
    for row in rows:
        count += 1
        writer.writerow([f"'{v}" if v[:1] in FORMULA_STARTS else v for v in row])
    return count


def write_template(out) -> None:
    """An empty 代表名单 sheet (it imports as zero rows) and a 说明 sheet with an example."""
    book = workbook(out, in_memory=True)
    _data_sheet(book, [])
    sheet = book.add_worksheet(HELP_SHEET)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 90, wrap)
    line = 0

    def put(a: str, b: str = "", fmt=None) -> None:
        nonlocal line
        sheet.write_string(line, 0, a, fmt or bold)
        sheet.write_string(line, 1, b, wrap)
        line += 1

    put(
        "填写说明",
        "在“代表名单”表中每行填写一条代表资格；同一人有多个代表资格时写多行，"
        "姓名和至少一个号码相同即视为同一人。第一行表头不可删除，列的顺序可以调整，多余的列会被忽略。"
        "任何一行有错，整个文件都不会导入，并逐行列出错误。",
    )
    line += 1
    put("列名", "含义")
    for title in c.COLUMNS:
        put(title, c.HELP[title], wrap)
    line += 1
    put(
        "代表层级可填",
        "、".join(f"{label}（{label}级、{label}人大代表）" for label in Level.labels),
    )
    line += 1
    put("示例（一行）")
    for title in c.COLUMNS:
        put(title, EXAMPLE[title], wrap)
    line += 1
    put("已登记的人大", "层级")
    for congress in sorted(Congress.objects.all(), key=lambda x: (LEVEL_RANK[x.level], x.name)):
        put(congress.name, congress.get_level_display(), wrap)
    book.close()
