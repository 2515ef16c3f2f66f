"""The report as a PDF (reportlab): A4 portrait, the Chinese set in the embedded CJK font
(``minyi.core.pdf_fonts``: each text split into runs, CJK and Latin), two charts drawn with
reportlab.graphics (orders by category; the rates against the previous month), and "第 N 页" at
the foot of each page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from minyi.core.pdf_fonts import FONT_NAME, register_fonts, runs
from minyi.ledger.reports.figures import RATES_NOTE, rate_text, total_labels

BLUE = colors.HexColor("#2F5597")
LIGHT = colors.HexColor("#A9C4EB")
GRID = colors.HexColor("#999999")
HEAD = colors.HexColor("#DDEBF7")
WIDTH = A4[0] - 30 * mm
TABLE_CAP = 20  # rows of one "by" table in the PDF; the xlsx has them all


def _style(size: float, **extra) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{sorted(extra)}",
        fontName=FONT_NAME,
        fontSize=size,
        leading=size * 1.45,
        wordWrap="CJK",
        **extra,
    )


TITLE = _style(16, alignment=TA_CENTER, spaceAfter=4)
SUB = _style(9, alignment=TA_CENTER, textColor=colors.HexColor("#555555"))
H2 = _style(12, spaceBefore=8, spaceAfter=4)
BODY = _style(9)
CELL = _style(8)


def markup(text) -> str:
    """Paragraph markup of ``text``: each run in the font that has its glyphs."""
    return "".join(f'<font name="{font}">{escape(piece)}</font>' for font, piece in runs(str(text)))


def para(text, style=BODY) -> Paragraph:
    return Paragraph(markup(text), style)


def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text))


def _label(drawing: Drawing, x: float, y: float, text: str, size: float, *, end=False):
    """``text`` at (x, y) in a drawing, run by run (a String takes one font)."""
    if end:
        x -= _width(text, size)
    for font, piece in runs(text):
        drawing.add(String(x, y, piece, fontName=font, fontSize=size))
        x += pdfmetrics.stringWidth(piece, font, size)


def _table(rows: list[list], widths: list[float]) -> Table:
    data = [[para(value, CELL) for value in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


_FLAT = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
)


def _by_table(block: dict, width: float) -> list:
    """One "by" block: its heading, its table (at most ``TABLE_CAP`` rows) and a note when cut."""
    rows = block["rows"][:TABLE_CAP]
    data = [["", *total_labels()]]
    data += [[g["label"], g["orders"], g["accepted"], g["closed"], g["in_progress"]] for g in rows]
    if not rows:
        data.append(["本月无工单", "", "", "", ""])
    label = width * 0.4
    out = [
        para(block["label"], _style(9, spaceBefore=4, spaceAfter=2)),
        _table(data, [label] + [(width - label) / 4] * 4),
    ]
    if len(block["rows"]) > TABLE_CAP:
        out.append(para(f"其余 {len(block['rows']) - TABLE_CAP} 项见 Excel 报告。", CELL))
    return out


def category_chart(summary: dict) -> Drawing | None:
    """Horizontal bars: the ten categories with the most orders."""
    block = next(block for block in summary["by"] if block["key"] == "category")
    items = [group for group in block["rows"] if group["orders"]][:10]
    if not items:
        return None
    bar, gap, left = 12, 5, 45 * mm
    height = len(items) * (bar + gap) + 22
    drawing = Drawing(WIDTH, height)
    _label(drawing, 0, height - 10, "诉求分类登记件数（前十）", 9)
    top = max(group["orders"] for group in items)
    span = WIDTH - left - 30
    for i, group in enumerate(items):
        y = height - 22 - (i + 1) * (bar + gap) + gap
        length = span * group["orders"] / top
        _label(drawing, left - 4, y + 3, group["label"][:14], 8, end=True)
        drawing.add(Rect(left, y, length, bar, fillColor=BLUE, strokeColor=None))
        _label(drawing, left + length + 3, y + 3, str(group["orders"]), 8)
    return drawing


def rates_chart(summary: dict) -> Drawing:
    """Each rate: this month's bar over the previous month's (样本不足: no bar)."""
    bar, gap, left = 7, 6, 30 * mm
    rates = summary["rates"]
    height = len(rates) * (2 * bar + gap) + 26
    drawing = Drawing(WIDTH, height)
    _label(drawing, 0, height - 10, "主要指标：本月与上月", 9)
    drawing.add(Rect(left + 150, height - 11, 8, 7, fillColor=BLUE, strokeColor=None))
    _label(drawing, left + 161, height - 10, "本月", 8)
    drawing.add(Rect(left + 195, height - 11, 8, 7, fillColor=LIGHT, strokeColor=None))
    _label(drawing, left + 206, height - 10, f"上月（{summary['previous_month']}）", 8)
    span = WIDTH - left - 50
    for i, rate in enumerate(rates):
        y = height - 26 - (i + 1) * (2 * bar + gap) + gap
        _label(drawing, left - 4, y + bar - 3, rate["label"], 8, end=True)
        for value, colour, offset in (
            (rate["value"], BLUE, bar),
            (rate["previous"], LIGHT, 0),
        ):
            length = span * (value or 0)
            if value is not None:
                drawing.add(Rect(left, y + offset, length, bar, fillColor=colour, strokeColor=None))
            _label(drawing, left + length + 3, y + offset + 1, rate_text(value), 6.5)
    return drawing


def _headline(summary: dict) -> str:
    """The rates an office's monthly feedback leads with, against the previous month."""
    rates = {rate["key"]: rate for rate in summary["rates"]}
    parts = []
    for key in ("on_time_reply_rate", "satisfaction_rate", "resolution_rate"):
        rate = rates[key]
        if rate["value"] is None:
            continue
        previous = rate["previous"]
        parts.append(
            f"{rate['label']} {rate_text(rate['value'])}"
            + (f"（上月 {rate_text(previous)}）" if previous is not None else "")
        )
    return ("其中" + "，".join(parts) + "。") if parts else ""


def _suggestions(summary: dict) -> list:
    """五、闭会期间代表建议: the counts of minyi/suggestions/figures.py, as the page and the xlsx."""
    suggestions = summary.get("suggestions")
    if not suggestions:
        return []  # a report generated before suggestions were counted
    data = [["事项", "件次"]]
    data += [[line["label"], line["n"]] for line in suggestions["rows"]]
    data += [[f"代表评价：{line['label']}", line["n"]] for line in suggestions["evaluations"]]
    return [para("五、闭会期间代表建议", H2), _table(data, [WIDTH * 0.6, WIDTH * 0.4])]


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    text = f"第 {doc.page} 页"
    x = (A4[0] - _width(text, 8)) / 2
    for font, piece in runs(text):
        canvas.setFont(font, 8)
        canvas.drawString(x, 10 * mm, piece)
        x += pdfmetrics.stringWidth(piece, font, 8)
    canvas.restoreState()


def render(summary: dict, *, generated: str = "") -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=summary["title"],
    )
    story = [
        para(summary["title"], TITLE),
        para(
            f"统计范围：{summary['period'][0]} 至 {summary['period'][1]} 登记的"
            f"{'、'.join(summary['channels'])}工单"
            + (f"　生成时间：{generated}" if generated else ""),
            SUB,
        ),
        Spacer(1, 4 * mm),
        para("一、总体情况", H2),
    ]
    totals = summary["totals"]
    story.append(
        para(
            f"本月共登记 {totals['orders']} 件，受理 {totals['accepted']} 件，"
            f"办结 {totals['closed']} 件，办理中 {totals['in_progress']} 件。" + _headline(summary)
        )
    )
    story.append(Spacer(1, 2 * mm))
    blocks = {block["key"]: block for block in summary["by"]}
    half = (WIDTH - 6 * mm) / 2
    # the short tables two abreast, the long ones (categories, departments) across the page
    for left, right in (("deputy_level", "channel"), ("request_type", None)):
        pair = [_by_table(blocks[left], half), _by_table(blocks[right], half) if right else ""]
        story.append(Table([pair], colWidths=[half + 6 * mm, half], style=_FLAT))
    for key in ("category", "lead_department"):
        story += _by_table(blocks[key], WIDTH)
    chart = category_chart(summary)
    if chart is not None:
        story += [Spacer(1, 3 * mm), chart]

    story.append(para("二、主要指标", H2))
    data = [
        [
            "指标",
            "本月",
            "分子/分母",
            f"上月（{summary['previous_month']}）",
            f"去年同期（{summary['year_before_month']}）",
        ]
    ]
    for rate in summary["rates"]:
        data.append(
            [
                rate["label"],
                rate_text(rate["value"]),
                f"{rate['numerator']:g}/{rate['n']}",
                rate_text(rate["previous"]),
                rate_text(rate["year_before"]),
            ]
        )
    story.append(_table(data, [WIDTH / 5] * 5))
    story.append(para(RATES_NOTE, CELL))
    story += [Spacer(1, 3 * mm), rates_chart(summary)]

    story.append(para("三、重点工单", H2))
    widths = [40 * mm, 54 * mm, 40 * mm, 24 * mm, WIDTH - 158 * mm]
    for block in summary["lists"]:
        story.append(para(f"{block['label']}（{block['total']} 件）", _style(9, spaceBefore=4)))
        if not block["rows"]:
            story.append(para("无。", CELL))
            continue
        data = [["工单编号", "标题", "主办单位", "反映代表", "状态"]]
        data += [
            [r["number"], r["title"], r["department"], r["deputy"], r["state"]]
            for r in block["rows"]
        ]
        story.append(_table(data, widths))
        more = block["total"] - len(block["rows"])
        if more > 0:
            story.append(para(f"另有 {more} 件，见 Excel 报告“{block['label']}”表。", CELL))

    story.append(para("四、典型案例", H2))
    if not summary["notable"]:
        story.append(para("本月未选入典型案例。"))
    for i, case in enumerate(summary["notable"], start=1):
        story.append(
            para(
                f"{i}. {case['number']}　{case['title']}（{case['department']}，"
                f"{case['deputy']}，{case['state']}）"
            )
        )
        if case["note"]:
            story.append(para(f"点评：{case['note']}", _style(9, leftIndent=12)))
    story += _suggestions(summary)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
