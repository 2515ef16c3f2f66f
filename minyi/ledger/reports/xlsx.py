"""The report as an Excel workbook (xlsxwriter): a "报告" sheet laid out as the report reads, then
one sheet per list with every order (the report sheet shows the first ``LIST_CAP``)."""

from __future__ import annotations

import io

from minyi.core.xlsx import workbook
from minyi.ledger.reports.figures import INSUFFICIENT, LISTS, RATES_NOTE, total_labels

LIST_COLUMNS = (
    ("number", "工单编号", 20),
    ("created", "登记日期", 12),
    ("title", "标题", 40),
    ("department", "主办单位", 24),
    ("deputy", "反映代表", 12),
    ("state", "状态", 10),
)


def _rate_cell(sheet, row, col, value, fmt_pct, fmt_text):
    if value is None:
        sheet.write_string(row, col, INSUFFICIENT, fmt_text)
    else:
        sheet.write_number(row, col, value, fmt_pct)


def render(summary: dict, lists: dict[str, list[dict]]) -> bytes:
    out = io.BytesIO()
    book = workbook(out, in_memory=True)
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    heading = book.add_format({"bold": True, "font_size": 12})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1})
    pct = book.add_format({"border": 1, "num_format": "0.00%"})
    muted = book.add_format({"italic": True, "font_color": "#666666"})

    sheet = book.add_worksheet("报告")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 5, 16)
    sheet.merge_range(0, 0, 0, 5, summary["title"], title)
    sheet.write(
        1,
        0,
        f"统计范围：{summary['period'][0]} 至 {summary['period'][1]}登记的"
        f"{'、'.join(summary['channels'])}工单",
        muted,
    )
    row = 3
    sheet.write(row, 0, "一、总体情况", heading)
    row += 1
    for col, label in enumerate(total_labels()):
        sheet.write(row, col, label, head)
    row += 1
    for col, value in enumerate(summary["totals"].values()):
        sheet.write_number(row, col, value, cell)
    row += 2
    for block in summary["by"]:
        sheet.write(row, 0, block["label"], heading)
        row += 1
        for col, label in enumerate(["", *total_labels()]):
            sheet.write(row, col, label, head)
        row += 1
        for group in block["rows"]:
            sheet.write(row, 0, group["label"], cell)
            for col, key in enumerate(("orders", "accepted", "closed", "in_progress"), start=1):
                sheet.write_number(row, col, group[key], cell)
            row += 1
        row += 1

    sheet.write(row, 0, "二、主要指标", heading)
    row += 1
    columns = (
        "指标",
        "本月",
        "分子/分母",
        f"上月（{summary['previous_month']}）",
        f"去年同期（{summary['year_before_month']}）",
    )
    for col, label in enumerate(columns):
        sheet.write(row, col, label, head)
    row += 1
    for rate in summary["rates"]:
        sheet.write(row, 0, rate["label"], cell)
        _rate_cell(sheet, row, 1, rate["value"], pct, cell)
        sheet.write(row, 2, f"{rate['numerator']:g}/{rate['n']}", cell)
        _rate_cell(sheet, row, 3, rate["previous"], pct, cell)
        _rate_cell(sheet, row, 4, rate["year_before"], pct, cell)
        row += 1
    sheet.write_string(row, 0, RATES_NOTE, muted)
    row += 2

    sheet.write(row, 0, "三、重点工单", heading)
    row += 1
    for block in summary["lists"]:
        sheet.write(row, 0, f"{block['label']}（{block['total']} 件）", heading)
        row += 1
        row = _list(sheet, row, block["rows"], head, cell)
        if block["total"] > len(block["rows"]):
            more = block["total"] - len(block["rows"])
            sheet.write(row, 0, f"另有 {more} 件，见“{block['label']}”表", muted)
            row += 1
        row += 1

    sheet.write(row, 0, "四、典型案例", heading)
    row += 1
    if not summary["notable"]:
        sheet.write(row, 0, "本月未选入典型案例。", muted)
    for case in summary["notable"]:
        sheet.write(row, 0, f"{case['number']} {case['title']}（{case['department']}）", cell)
        sheet.write(row, 1, case["note"], cell)
        row += 1

    row += 1
    sheet.write(row, 0, "五、闭会期间代表建议", heading)
    row += 1
    suggestions = summary.get("suggestions") or {"rows": [], "evaluations": []}
    for line in suggestions["rows"] + suggestions["evaluations"]:
        label = line["label"] if line in suggestions["rows"] else f"代表评价：{line['label']}"
        sheet.write(row, 0, label, cell)
        sheet.write(row, 1, line["n"], cell)
        row += 1

    for key, label in LISTS:
        full = book.add_worksheet(label)
        full.freeze_panes(1, 0)
        _list(full, 0, lists[key], head, cell, widths=True)
    cases = book.add_worksheet("典型案例")
    cases.freeze_panes(1, 0)
    _list(cases, 0, summary["notable"], head, cell, extra=(("note", "点评", 40),), widths=True)
    book.close()
    return out.getvalue()


def _list(sheet, row, rows, head, cell, extra=(), widths=False) -> int:
    """The orders of a list from ``row`` on, a header first; ``widths``: a sheet of its own."""
    columns = (*LIST_COLUMNS, *extra)
    for col, (_, name, width) in enumerate(columns):
        sheet.write(row, col, name, head)
        if widths:
            sheet.set_column(col, col, width)
    row += 1
    for item in rows:
        for col, (key, _, _) in enumerate(columns):
            sheet.write_string(row, col, str(item.get(key, "")), cell)
        row += 1
    return row
