"""The Chinese font every PDF embeds (the 码上找代表 cards, the ledger, the monthly report).

Droid Sans Fallback (Apache 2.0), vendored in `fonts/` beside this module (its README says
where from and why), so a PDF renders the same on a fresh machine with no font installed
system-wide. reportlab embeds only the glyphs used (a subset) and writes a ToUnicode map, so the
Chinese stays real, extractable text. Droid has no Latin glyphs: letters and digits are set in
Bitstream Vera, which ships inside reportlab (its fonts/ folder, free licence). A character
neither font has (an emoji, a rare name character) prints as an empty box.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "DroidSansFallback"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DroidSansFallbackFull.ttf"
LATIN_NAME = "Vera"
LATIN_FILE = "Vera.ttf"


@cache
def register_fonts() -> frozenset[int]:
    """Register both TTFs with reportlab once per process; returns the CJK font's characters."""
    cjk = TTFont(FONT_NAME, str(FONT_PATH))
    pdfmetrics.registerFont(cjk)
    pdfmetrics.registerFont(TTFont(LATIN_NAME, LATIN_FILE))
    return frozenset(cjk.face.charToGlyph)


def runs(text: str) -> list[tuple[str, str]]:
    """Split `text` into (font name, piece) runs: CJK font where it has the glyph, else Vera."""
    cjk = register_fonts()
    out: list[tuple[str, str]] = []
    for char in text:
        font = FONT_NAME if ord(char) in cjk else LATIN_NAME
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out
