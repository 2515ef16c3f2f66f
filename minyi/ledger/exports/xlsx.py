"""The ledger as an .xlsx: sheet "台账" (a styled header, frozen panes, column widths, one row per
order) and sheet "汇总" (the counts and the rates, overall and by channel).

xlsxwriter's ``constant_memory`` mode writes each row to a temporary file as soon as the next
one starts, so 100,000 rows take the memory of one row (and the chunk the query holds)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO

from minyi.core.xlsx import workbook
from minyi.ledger import stats
from minyi.ledger.exports.columns import COLUMNS
from minyi.ledger.exports.summary import (
    BY_CHANNEL_COUNTS,
    Summary,
    channel_label,
    interval,
    percent,
)

LEDGER_SHEET = "台账"
SUMMARY_SHEET = "汇总"
PROGRESS_EVERY = 2000


def write_xlsx(
    out: BinaryIO | str,
    rows: Iterable,
    *,
    title: str,
    summary: Summary,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to ``out`` (a path or a binary file); returns the rows written."""
    book = workbook(out, constant_memory=True, in_memory=False)  # text stays text
    header = book.add_format(
        {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": "#B91C1C",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    cell = book.add_format({"valign": "top", "border": 1, "border_color": "#D1D5DB"})
    wrapped = book.add_format(
        {"valign": "top", "border": 1, "border_color": "#D1D5DB", "text_wrap": True}
    )
    heading = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})

    sheet = book.add_worksheet(LEDGER_SHEET)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width, wrapped if column.key == "title" else cell)
    sheet.freeze_panes(1, 1)  # the header row and the order number stay in view
    sheet.set_row(0, 30)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column.label, header)
    written = 0
    # The cells take their column's format (set_column); an empty one is not written: at
    # 100,000 rows × 28 columns, a format and a blank per cell double the time.
    for row in rows:
        written += 1
        for index, column in enumerate(COLUMNS):
            value = column.value(row)
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(written, index, value)
            elif value:
                sheet.write_string(written, index, str(value))
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    if written:
        sheet.autofilter(0, 0, written, len(COLUMNS) - 1)

    totals = book.add_worksheet(SUMMARY_SHEET)
    totals.set_column(0, 0, 18)
    totals.set_column(1, 12, 12)
    line = 0
    totals.write_string(line, 0, "工作台账汇总", heading)
    line += 1
    totals.write_string(line, 0, title)
    line += 2
    totals.write_row(line, 0, ("计数", "件数"), header)
    line += 1
    for key, label in stats.COUNT_LABELS.items():
        totals.write_string(line, 0, label)
        totals.write_number(line, 1, summary.overall["counts"][key])
        line += 1
    line += 1
    totals.write_row(line, 0, ("比率", "数值", "分子", "分母", "95% 区间"), header)
    line += 1
    for key, label, _, _ in stats.RATES:
        rate = summary.overall["rates"][key]
        totals.write_string(line, 0, label)
        totals.write_string(line, 1, percent(rate))
        totals.write_number(line, 2, rate["numerator"])
        totals.write_number(line, 3, rate["n"])
        totals.write_string(line, 4, interval(rate))
        line += 1
    line += 1
    totals.write_string(line, 0, "按来源渠道", bold)
    line += 1
    heads = (
        "来源渠道",
        *(stats.COUNT_LABELS[key] for key in BY_CHANNEL_COUNTS),
        *(stats.RATE_LABELS[key] for key, *_ in stats.RATES),
    )
    totals.write_row(line, 0, heads, header)
    line += 1
    for group in summary.by_channel:
        totals.write_string(line, 0, channel_label(group["key"]))
        col = 1
        for key in BY_CHANNEL_COUNTS:
            totals.write_number(line, col, group["counts"][key])
            col += 1
        for key, *_ in stats.RATES:
            totals.write_string(line, col, percent(group["rates"][key]))
            col += 1
        line += 1
    book.close()
    return written
