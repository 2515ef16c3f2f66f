"""Printable 码上找代表 cards: one A6 page per card, as one PDF with its Chinese font embedded.

Why A6 pages rather than A6 cells on an A4 sheet: the issue asks for A6 cards, a print shop
or a card printer takes A6 pages as they are, and an office printer puts four on an A4 sheet
with its own "pages per sheet" setting; a fixed A4 imposition would be wrong for the first
two and gains nothing for the third. One page per card also means one card per page when a
test or a person reads the PDF back.

The font is Droid Sans Fallback (Apache 2.0), vendored in `minyi/core/fonts/` (pdf_fonts.py), so the
cards render on a fresh machine with no font installed system-wide. reportlab embeds only the
glyphs used (a subset) and writes a ToUnicode map, so the Chinese stays real, extractable text.
The QR code is drawn as vector rectangles from segno's matrix, never as an image.

Every text block has a largest and a smallest size and a most-lines budget: a long name first
shrinks to stay on one line, then wraps; the other blocks wrap, then shrink; only a block still
over its budget at its smallest size is cut with "…", so nothing runs off the card. The QR
takes the height left over, between a floor and a ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

import segno
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from minyi.core.pdf_fonts import register_fonts, runs

if TYPE_CHECKING:
    from minyi.deputies.models import Deputy, LiaisonStation


PAGE_WIDTH, PAGE_HEIGHT = A6
MARGIN = 8 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GAP = 2.5 * mm
LEADING = 1.25  # line height as a multiple of the font size
QR_MAX = 60 * mm
QR_MIN = 34 * mm  # the floor when the text is long: still an easy scan at reading distance
QR_QUIET_MODULES = 4  # the white border a scanner needs, part of the QR's square

# Kinsoku (禁则): these never start a line; the character before them moves down with them.
NO_LINE_START = set("，。、；：？！）》」』】…·,.;:?!)")
ELLIPSIS = "…"

DEPUTY_INVITATION = "有事找代表，扫码给我留言。"
STATION_INVITATION = "扫码找到本站的人大代表，给代表留言。"


@dataclass(frozen=True)
class Card:
    """What one printed card says. `levels` are whole phrases, e.g. "衡阳市人大代表"."""

    name: str
    levels: list[str] = field(default_factory=list)
    station: str = ""
    url: str = ""
    invitation: str = ""


def deputy_card(deputy: Deputy, url: str) -> Card:
    """A deputy's card: one line per congress of their active mandates, highest level first
    (`衡阳市人大代表`), and the stations of those mandates. Reads `deputy.mandates.all()`, so a
    caller printing many cards prefetches `mandates__congress` and `mandates__station`."""
    # Imported here so that rendering stays usable without Django set up (a script, a test).
    from minyi.deputies.models import LEVEL_RANK

    mandates = sorted(
        (m for m in deputy.mandates.all() if m.is_active),
        key=lambda m: (LEVEL_RANK[m.level], m.congress.name),
    )
    levels = list(dict.fromkeys(f"{m.congress.name}代表" for m in mandates))
    # The most local station first: that is where the deputy meets voters.
    stations = dict.fromkeys(m.station.name for m in reversed(mandates) if m.station)
    return Card(
        name=deputy.name,
        levels=levels,
        station="、".join(stations),
        url=url,
        invitation=DEPUTY_INVITATION,
    )


def station_card(station: LiaisonStation, url: str) -> Card:
    """A liaison station's card: its name; the page behind the QR lists its deputies."""
    return Card(name=station.name, url=url, invitation=STATION_INVITATION)


@dataclass(frozen=True)
class TextStyle:
    largest: float
    smallest: float
    max_lines: int
    # Down to this size the text shrinks to stay on one line before it may wrap: a station's
    # name reads better a little smaller on one line than big with one character left over.
    one_line_down_to: float | None = None


NAME = TextStyle(largest=24, smallest=13, max_lines=2, one_line_down_to=16)
LEVELS = TextStyle(largest=11, smallest=7.5, max_lines=4)
STATION = TextStyle(largest=10.5, smallest=7.5, max_lines=3)
INVITATION = TextStyle(largest=12, smallest=8, max_lines=3)
URL = TextStyle(largest=7.5, smallest=6, max_lines=2)


@dataclass(frozen=True)
class Block:
    lines: list[str]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING if self.lines else 0.0


def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text))


def _draw_centred(canvas: Canvas, text: str, size: float, y: float) -> None:
    x = (PAGE_WIDTH - _width(text, size)) / 2
    for font, piece in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width`, character by character (Chinese has no
    spaces to break at), keeping punctuation off the start of a line. Newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if _width(line + char, size) <= width or not line:
                line += char
                continue
            carry = ""
            if char in NO_LINE_START and len(line) > 1:
                line, carry = line[:-1], line[-1]
            lines.append(line)
            line = carry + char
        lines.append(line)
    return [line for line in lines if line.strip()]


def _cut(line: str, size: float, width: float) -> str:
    while line and _width(line + ELLIPSIS, size) > width:
        line = line[:-1]
    return line + ELLIPSIS


def fit(text: str, style: TextStyle, width: float = TEXT_WIDTH) -> Block:
    """The largest size (in half-point steps) at which `text` fits on one line down to the
    style's one-line size, else in the style's line budget; at the smallest size, the lines
    past the budget are dropped and the last one ends in …."""
    text = text.strip()
    if not text:
        return Block(lines=[], size=style.smallest)
    size = style.largest
    while style.one_line_down_to and size >= style.one_line_down_to:
        lines = wrap(text, size, width)
        if len(lines) == 1:
            return Block(lines=lines, size=size)
        size -= 0.5
    size = style.largest
    while size >= style.smallest:
        lines = wrap(text, size, width)
        if len(lines) <= style.max_lines:
            return Block(lines=lines, size=size)
        size -= 0.5
    size = style.smallest
    lines = wrap(text, size, width)
    kept = lines[: style.max_lines]
    kept[-1] = _cut(kept[-1], size, width)
    return Block(lines=kept, size=size)


def _draw_block(canvas: Canvas, block: Block, top: float) -> float:
    """Draw the block's lines centred, its first line's top at `top`; returns its bottom."""
    y = top
    for line in block.lines:
        y -= block.size * LEADING
        # The baseline sits a fifth of the line height above the line's bottom (descenders).
        _draw_centred(canvas, line, block.size, y + block.size * LEADING * 0.2)
    return y


def draw_qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR for `url` as filled rectangles in a `side` square at (x, y), quiet zone included:
    one rectangle per horizontal run of dark modules keeps the page small."""
    qr = segno.make(url, error="m")
    rows = [list(row) for row in qr.matrix]
    count = len(rows)
    module = side / (count + 2 * QR_QUIET_MODULES)
    left = x + QR_QUIET_MODULES * module
    top = y + side - QR_QUIET_MODULES * module
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            path.rect(left + start * module, top - (r + 1) * module, (c - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    # A click on the QR in a PDF viewer opens the page, as a scan would.
    canvas.linkURL(url, (x, y, x + side, y + side), relative=0)


def _draw_card(canvas: Canvas, card: Card) -> None:
    """1. Fit every text block. 2. Give the QR the height left, within its floor and ceiling.
    3. Draw top-down, the stack centred in the height left: name, levels, station, QR,
    invitation; the URL at the foot."""
    name = fit(card.name, NAME)
    levels = fit("\n".join(card.levels), LEVELS)
    station = fit(f"联络站：{card.station}" if card.station.strip() else "", STATION)
    invitation = fit(card.invitation, INVITATION)
    url = fit(card.url, URL)
    blocks_above = [b for b in (name, levels, station) if b.lines]
    text_height = sum(b.height for b in (name, levels, station, invitation, url))
    gaps = GAP * (len(blocks_above) + 2)
    room = PAGE_HEIGHT - 2 * MARGIN - text_height - gaps
    qr_side = max(QR_MIN, min(QR_MAX, room))

    top = PAGE_HEIGHT - MARGIN - max(0.0, room - qr_side) / 2
    for block in blocks_above:
        top = _draw_block(canvas, block, top) - GAP
    if card.url:
        draw_qr(canvas, card.url, (PAGE_WIDTH - qr_side) / 2, top - qr_side, qr_side)
    top -= qr_side + GAP
    _draw_block(canvas, invitation, top)
    _draw_block(canvas, url, MARGIN + url.height)


def render_cards(cards: Sequence[Card], out: BinaryIO) -> None:
    """Write `cards` to `out` as one PDF, one A6 page per card, in the order given."""
    if not cards:
        raise ValueError("no cards to render")
    register_fonts()
    # invariant: no creation date or random id, so the same cards give the same bytes.
    canvas = Canvas(out, pagesize=A6, invariant=1, pageCompression=1)
    canvas.setTitle("码上找代表 卡片")
    canvas.setCreator("Minyi")
    for card in cards:
        _draw_card(canvas, card)
        canvas.showPage()
    canvas.save()
