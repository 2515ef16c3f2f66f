"""The printable 码上找代表 cards, read back from the PDF as a printer or a reader would."""

import datetime
import io

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase import pdfmetrics

from minyi.core.pdf_fonts import FONT_NAME, LATIN_NAME
from minyi.deputies.models import Level
from minyi.mashang.cards import (
    Card,
    deputy_card,
    render_cards,
    station_card,
)
from tests.factories import DeputyFactory, LiaisonStationFactory, seat

ZHANG = Card(
    name="张三",
    levels=["衡阳市人大代表", "珠晖区人大代表"],
    station="珠晖区东风路街道人大代表联络站",
    url="https://minyi.example.cn/m/Ab3dE9xQ",
    invitation="扫码给我留言，我会认真回复。",
)
LI = Card(
    name="李四",
    levels=["雁峰区人大代表"],
    station="雁峰区先锋街道人大代表联络站",
    url="https://minyi.example.cn/m/Q7kP2mWz",
    invitation="有事请找我，扫一扫就能留言。",
)
LONG = Card(
    name="买买提·艾力" * 8,
    levels=["湖南省人大代表", "衡阳市人大代表", "珠晖区人大代表"] * 3,
    station="衡阳市珠晖区东风路街道办事处第一社区人大代表联络站" * 5,
    url="https://minyi.example.cn/m/" + "Zz9" * 12,
    invitation="扫码给我留言，" * 30,
)
A6_WIDTH, A6_HEIGHT = 297.64, 419.53


def rendered(*cards: Card) -> PdfReader:
    out = io.BytesIO()
    render_cards(cards, out)
    return PdfReader(io.BytesIO(out.getvalue()))


def text_pieces(page) -> list[tuple[str, float, float, str, float]]:
    """(text, x, y, base font, size) of every piece of text drawn on the page."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((text.strip(), tm[4], tm[5], str(font["/BaseFont"]), size))

    page.extract_text(visitor_text=visit)
    return pieces


def qr_rectangles(page) -> list[tuple[float, float, float, float]]:
    ops = ContentStream(page.get_contents(), page.pdf).operations
    return [tuple(float(v) for v in operands) for operands, op in ops if op == b"re"]


def test_one_a6_page_per_card_in_the_order_given():
    pdf = rendered(ZHANG, LI, LONG)

    assert len(pdf.pages) == 3
    for page in pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(A6_WIDTH, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(A6_HEIGHT, abs=0.1)
    assert "张三" in pdf.pages[0].extract_text()
    assert "李四" in pdf.pages[1].extract_text()


def test_name_levels_station_invitation_and_address_are_real_text():
    text = rendered(ZHANG).pages[0].extract_text()

    for words in [
        "张三",
        "衡阳市人大代表",
        "珠晖区人大代表",
        "联络站：珠晖区东风路街道人大代表联络站",
        "扫码给我留言，我会认真回复。",
        "https://minyi.example.cn/m/Ab3dE9xQ",
    ]:
        assert words in text


def test_every_font_that_draws_text_is_embedded_as_a_subset():
    page = rendered(ZHANG).pages[0]
    fonts = page["/Resources"]["/Font"]
    used, current = set(), None
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"Tf":
            current = operands[0]
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            used.add(current)

    assert len(used) == 2  # the Chinese font and the Latin one for the address
    for name in used:
        font = fonts[name].get_object()
        assert "+" in font["/BaseFont"]  # ABCDEF+Name: a subset
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_the_qr_drawn_on_the_card_is_the_cards_address():
    page = rendered(ZHANG).pages[0]
    rects = qr_rectangles(page)
    module = min(h for _, _, _, h in rects)
    left = min(x for x, _, _, _ in rects)
    top = max(y + h for _, y, _, h in rects)
    drawn = set()
    for x, y, w, h in rects:
        row = round((top - y - h) / module)
        first = round((x - left) / module)
        drawn |= {(row, col) for col in range(first, first + round(w / module))}

    matrix = segno.make(ZHANG.url, error="m").matrix
    expected = {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}
    assert drawn == expected
    assert module * (len(matrix) + 8) >= 34 * 72 / 25.4  # at least 34 mm with its quiet zone


def test_a_click_on_the_qr_in_a_pdf_viewer_opens_the_address():
    page = rendered(ZHANG).pages[0]

    links = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert links == [ZHANG.url]


@pytest.mark.parametrize("card", [ZHANG, LONG], ids=["short", "long"])
def test_text_stays_on_the_card_and_off_the_qr(card):
    page = rendered(card).pages[0]
    rects = qr_rectangles(page)
    qr_bottom = min(y for _, y, _, _ in rects)
    qr_top = max(y + h for _, y, _, h in rects)
    margin = 8 * 72 / 25.4

    for text, x, y, font, size in text_pieces(page):
        registered = FONT_NAME if "Droid" in font else LATIN_NAME
        width = pdfmetrics.stringWidth(text, registered, size)
        assert margin - 0.5 <= x and x + width <= A6_WIDTH - margin + 0.5, text
        assert margin - 0.5 <= y - size * 0.3 and y + size <= A6_HEIGHT - margin + 0.5, text
        assert y + size <= qr_bottom or y - size * 0.3 >= qr_top, text


def test_a_long_name_shrinks_and_wraps_and_is_cut_with_an_ellipsis_only_past_two_lines():
    pieces = text_pieces(rendered(LONG).pages[0])
    name_lines = [p for p in pieces if "买买提" in p[0] or "艾力" in p[0]]

    assert len({round(p[2]) for p in name_lines}) == 2  # two lines
    assert all(p[4] < 24 for p in name_lines)  # smaller than a short name's size
    assert "…" in rendered(LONG).pages[0].extract_text()


def test_a_short_name_is_printed_large_on_one_line():
    pieces = text_pieces(rendered(ZHANG).pages[0])

    assert [(p[0], p[4]) for p in pieces if p[0] == "张三"] == [("张三", 24)]


def test_the_same_cards_give_the_same_bytes():
    first, second = io.BytesIO(), io.BytesIO()
    render_cards([ZHANG, LI], first)
    render_cards([ZHANG, LI], second)

    assert first.getvalue() == second.getvalue()


def test_no_cards_is_refused_rather_than_a_blank_page():
    with pytest.raises(ValueError):
        render_cards([], io.BytesIO())


@pytest.mark.django_db
def test_a_deputys_card_lists_every_active_congress_highest_first_and_the_local_station():
    deputy = DeputyFactory(name="王五", mandate=None)
    local = LiaisonStationFactory(name="东风路街道人大代表联络站")
    seat(deputy, "珠晖区人大", Level.COUNTY, station=local)
    seat(deputy, "衡阳市人大", Level.CITY)
    seat(deputy, "湖南省人大", Level.PROVINCIAL, ended_on=datetime.date(2025, 1, 1))

    card = deputy_card(deputy, "https://minyi.example.cn/m/W5")

    assert card.name == "王五"
    assert card.levels == ["衡阳市人大代表", "珠晖区人大代表"]
    assert card.station == "东风路街道人大代表联络站"
    text = rendered(card).pages[0].extract_text()
    assert "联络站：东风路街道人大代表联络站" in text
    assert "有事找代表，扫码给我留言。" in text


@pytest.mark.django_db
def test_a_stations_card_has_its_name_and_invites_to_choose_a_deputy():
    station = LiaisonStationFactory(name="先锋街道人大代表联络站")

    text = rendered(station_card(station, "https://minyi.example.cn/m/S1")).pages[0].extract_text()

    assert "先锋街道人大代表联络站" in text
    assert "扫码找到本站的人大代表，给代表留言。" in text
    assert "联络站：" not in text  # no station line under a station's own name


def test_a_name_a_little_too_long_shrinks_to_stay_on_one_line():
    pieces = text_pieces(rendered(Card(name="东风路街道人大代表联络站")).pages[0])

    assert [p[0] for p in pieces] == ["东风路街道人大代表联络站"]
    assert 16 <= pieces[0][4] < 24


def test_a_character_no_font_has_still_prints_the_rest_of_the_card():
    card = Card(name="刘䶮😀", levels=["衡阳市人大代表"], url="https://minyi.example.cn/m/X")

    text = rendered(card).pages[0].extract_text()

    assert "刘䶮" in text
    assert "衡阳市人大代表" in text
