"""The ledger as a PDF: A4 landscape, the Chinese font embedded (minyi.core.pdf_fonts), the
title with the filter in words, the header row repeated on each page, page numbers.

Drawn on a reportlab canvas page by page as the rows stream in: no platypus Table (which would
lay out all 100,000 rows in memory first). Each finished page is compressed at once
(``compress_last_page``); what stays in memory until the file is saved is the compressed page
streams, some ten kilobytes a page.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Callable, Iterable
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from minyi.core.pdf_fonts import FONT_NAME, LATIN_NAME, register_fonts, runs
from minyi.ledger.exports.columns import GROUPS
from minyi.ledger.exports.summary import Summary, strip

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 26
SIZE = 6.2  # the cells' font size (pt)
LINE = 7.6  # a cell line's height
ROW_HEIGHT = 2 * LINE + 3
HEADER_HEIGHT = 2 * LINE + 4
TOP = PAGE_HEIGHT - MARGIN
TABLE_TOP = TOP - 34  # under the title and the counts
FOOTER = MARGIN + 8
ROWS_PER_PAGE = int((TABLE_TOP - HEADER_HEIGHT - FOOTER) // ROW_HEIGHT)
PROGRESS_EVERY = 2000


@functools.cache
def _metric(char: str) -> tuple[str, float]:
    """The font ``runs`` sets ``char`` in, and its width at 1 pt (cached: a 100,000-row PDF
    measures the same few thousand characters millions of times)."""
    font = FONT_NAME if ord(char) in register_fonts() else LATIN_NAME
    return font, stringWidth(char, font, 1)


def _widths(text: str, size: float) -> list[float]:
    """The width of each character of ``text`` in the font it is set in."""
    return [_metric(char)[1] * size for char in text]


def draw(canvas: Canvas, x: float, y: float, text: str, size: float) -> None:
    """``text`` at (x, y), each run in the font that has its glyphs (``pdf_fonts.runs``)."""
    for font, piece in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += sum(_widths(piece, size))


def _cut(widths: list[float], width: float) -> int:
    """How many characters fit in ``width``."""
    total = 0.0
    for index, w in enumerate(widths):
        total += w
        if total > width:
            return index
    return len(widths)


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with … to fit ``width``."""
    widths = _widths(text, size)
    if sum(widths) <= width:
        return text
    return text[: _cut(widths, width - sum(_widths("…", size)))] + "…"


def wrap2(text: str, width: float, size: float) -> tuple[str, str]:
    """``text`` on at most two lines of ``width`` (the second cut with … when longer)."""
    text = " ".join(text.split())
    widths = _widths(text, size)
    cut = _cut(widths, width)
    if cut >= len(text):
        return text, ""
    return text[:cut], fit(text[cut:], width, size)


def compress_last_page(canvas: Canvas) -> bool:
    """Compress the page just finished now rather than when the file is saved.

    reportlab keeps every page's content stream as text until ``save()``: some 100 KB a page of
    this table, 400 MB for 100,000 rows. Compressed at once it is a tenth of that. This reads
    reportlab's document internals (``_doc.Pages.pages``, ``PDFPage.stream``/``Contents``), so
    it checks each step and, when reportlab has changed, leaves the page as it was (the PDF is
    the same, only larger in memory); ``tests/ledger/test_exports.py`` trips on that."""
    pages = getattr(getattr(getattr(canvas, "_doc", None), "Pages", None), "pages", None)
    if not pages:
        return False
    page = pages[-1]
    stream = getattr(page, "stream", None)
    if not isinstance(stream, str) or getattr(page, "Contents", None):
        return False
    contents = PDFStream(content=zlib.compress(stream.encode("utf8")))
    contents.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    page.Contents, page.stream = contents, None
    return True


class LedgerPdf:
    def __init__(self, out: BinaryIO | str, *, title: str, summary: Summary):
        register_fonts()
        self.canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
        self.canvas.setTitle("工作台账")
        self.title = title
        self.counts = "　".join(f"{label} {value}" for _, label, value in strip(summary))
        self.pages = max(1, math.ceil(summary.total / ROWS_PER_PAGE))
        self.page = 0
        self.y = 0.0
        self.text = None  # the page's one text object for the cells (BT … ET)
        self.font = None
        self.rules: list[float] = []  # the rows' bottom lines, drawn as one path at page end

    def _page_start(self) -> None:
        self.page += 1
        c = self.canvas
        draw(c, MARGIN, TOP - 12, "工作台账", 13)
        draw(c, MARGIN + 64, TOP - 12, fit(self.title, PAGE_WIDTH - 2 * MARGIN - 64, 8), 8)
        draw(c, MARGIN, TOP - 26, fit(self.counts, PAGE_WIDTH - 2 * MARGIN, 7), 7)
        # the header row, on every page
        y = TABLE_TOP
        c.setFillColorRGB(0.73, 0.11, 0.11)
        c.rect(MARGIN, y - HEADER_HEIGHT, sum(g.pdf_width for g in GROUPS), HEADER_HEIGHT, 0, 1)
        c.setFillColorRGB(1, 1, 1)
        x = MARGIN
        for group in GROUPS:
            for line, label in enumerate(group.labels):
                draw(
                    c, x + 2, y - LINE * (line + 1) + 1, fit(label, group.pdf_width - 4, SIZE), SIZE
                )
            x += group.pdf_width
        c.setFillColorRGB(0, 0, 0)
        draw(c, PAGE_WIDTH - MARGIN - 60, MARGIN - 4, f"第 {self.page} / {self.pages} 页", 7)
        self.y = y - HEADER_HEIGHT
        self.text, self.font = c.beginText(), None

    def _page_end(self) -> None:
        c = self.canvas
        if self.text is not None:
            c.drawText(self.text)
        if self.rules:
            c.setStrokeColorRGB(0.82, 0.84, 0.86)
            c.setLineWidth(0.4)
            right = MARGIN + sum(g.pdf_width for g in GROUPS)
            c.lines([(MARGIN, y, right, y) for y in self.rules])
        self.text, self.rules = None, []
        c.showPage()
        compress_last_page(c)

    def _cell(self, x: float, y: float, text: str) -> None:
        """One line of a cell, into the page's text object (one per page: a text object per
        string costs reportlab more than the string)."""
        t = self.text
        t.setTextOrigin(x, y)
        for font, piece in runs(text):
            if font != self.font:
                t.setFont(font, SIZE)
                self.font = font
            t.textOut(piece)

    def row(self, row) -> None:
        if self.page == 0 or self.y - ROW_HEIGHT < FOOTER:
            if self.page:
                self._page_end()
            self._page_start()
        x, top = MARGIN, self.y
        for group in GROUPS:
            texts = group.texts(row)
            inner = group.pdf_width - 4
            lines = wrap2(texts[0], inner, SIZE) if len(texts) == 1 else texts
            for index, text in enumerate(lines):
                if text:
                    self._cell(x + 2, top - LINE * (index + 1) + 1, fit(text, inner, SIZE))
            x += group.pdf_width
        self.rules.append(top - ROW_HEIGHT)
        self.y = top - ROW_HEIGHT

    def close(self) -> None:
        if self.page == 0:
            self._page_start()
            draw(self.canvas, MARGIN + 2, self.y - 14, "暂无工单。", 9)
        self._page_end()
        self.canvas.save()


def write_pdf(
    out: BinaryIO | str,
    rows: Iterable,
    *,
    title: str,
    summary: Summary,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the ledger's PDF to ``out``; returns the rows written."""
    document = LedgerPdf(out, title=title, summary=summary)
    written = 0
    for row in rows:
        document.row(row)
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    document.close()
    return written
