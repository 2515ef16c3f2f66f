"""Addresses: normalisation and a place similarity for the duplicate judgement.

An address is reduced to its place names (the words before 镇/乡/村/社区/小区/路/街/巷/组/号…),
so "清溪镇韶峰村3组" and "韶峰村三组" share 韶峰村 and 3组. Two addresses are the same place when
their most specific names agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CN_NUM = str.maketrans("零一二三四五六七八九", "0123456789")
# a province, city or county in front says nothing about the place inside the county
_PREFIX = re.compile(
    r"^([\u4e00-\u9fff]{2,3}省)?([\u4e00-\u9fff]{2,3}市)?([\u4e00-\u9fff]{2,3}县)?"
)
# a unit name: 1-6 Han/digits followed by the unit word
_UNIT = re.compile(
    r"([\u4e00-\u9fff0-9]{1,6}?)(社区|小区|花园|家园|新村|村委会|村|镇|乡|街道|大道|路|街|巷|组|栋|单元|号|"
    r"市场|学校|小学|中学|医院|广场|公园|大桥|桥|工业园|园区|交叉口|路口)"
)
# rank: larger = more specific
_RANK = {
    "镇": 1, "乡": 1, "街道": 1, "村": 3, "村委会": 3, "社区": 3, "新村": 3,
    "路": 3, "大道": 3, "街": 3, "巷": 4, "小区": 4, "花园": 4, "家园": 4,
    "市场": 4, "学校": 4, "小学": 4, "中学": 4, "医院": 4, "广场": 4, "公园": 4,
    "大桥": 4, "桥": 4, "工业园": 4, "园区": 4, "组": 5, "栋": 5, "单元": 6, "号": 5,
    "交叉口": 4, "路口": 4,
}  # fmt: skip


@lru_cache(maxsize=8192)
def normalise(address: str) -> str:
    text = re.sub(r"\s+", "", address or "").translate(_CN_NUM)
    text = text.replace("十", "1") if re.search(r"十[组号]", text) else text
    return _PREFIX.sub("", text, count=1)


def units(address: str) -> dict[str, int]:
    """Place names of an address with their specificity, e.g. {"韶峰村": 3, "3组": 5}."""
    return dict(_units(address))


@lru_cache(maxsize=8192)
def _units(address: str) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for name, unit in _UNIT.findall(re.sub(r"[与和及、,，/()（）]", " ", normalise(address))):
        unit = "村" if unit == "村委会" else unit
        key = name + unit
        out[key] = max(out.get(key, 0), _RANK.get(unit, 2))
    return tuple(out.items())


def key(address: str) -> str:
    """Blocking key: the most specific named place above the group/number level."""
    best = sorted(((r, k) for k, r in units(address).items() if 3 <= r <= 4), reverse=True)
    return best[0][1] if best else normalise(address)[:6]


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _same_name(a: str, b: str) -> bool:
    """ "射埠青山村" and "青山村" name one village: one ends with the other (same unit)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.endswith(short)


def _named(u: dict[str, int], low: int, high: int = 9) -> set[str]:
    return {k for k, r in u.items() if low <= r <= high}


# unit, direction and joining words: what is left of an address is its proper names and numbers
_GENERIC = re.compile(
    r"省|市|县|区|街道|镇|乡|村委会|村部|村|组|社区|小区|大道|路口|交叉口|十字|路|街|巷|号|栋|单元|楼|"
    r"门口|旁边|对面|后面|附近|门前|里面|边上|[东南西北]门|与|和|及"
)


def core(address: str) -> str:
    """The proper names and numbers of an address: "清溪镇韶峰村三组" -> "清溪韶峰3"."""
    return _GENERIC.sub("", normalise(address))


@lru_cache(maxsize=8192)
def core_grams(address: str) -> frozenset[str]:
    text = core(address)
    letters = re.sub(r"[^\u4e00-\u9fff0-9a-zA-Z]", "", text)
    grams = {letters[i : i + 2] for i in range(len(letters) - 1)} or (
        {letters} if letters else set()
    )
    return frozenset(grams | set(re.findall(r"\d+", text)))


def overlap(a: str, b: str) -> tuple[float, float]:
    """Containment and Dice of the character bigrams (and numbers) of two address cores;
    (0, 0) when either is empty."""
    ga, gb = core_grams(a), core_grams(b)
    if not ga or not gb:
        return 0.0, 0.0
    common = len(ga & gb)
    return common / min(len(ga), len(gb)), 2 * common / (len(ga) + len(gb))


def similarity(a: str, b: str) -> float | None:
    """0..1 place similarity; None when either address is empty (unknown)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return None
    ua, ub = units(a), units(b)
    place_a, place_b = _named(ua, 3, 4), _named(ub, 3, 4)
    if any(_same_name(x, y) for x in place_a for y in place_b):
        # same village/road/estate; a different group or number inside it lowers it a little
        fine_a, fine_b = _named(ua, 5), _named(ub, 5)
        if fine_a and fine_b and not (fine_a & fine_b):
            return 0.7
        return 1.0
    ga, gb = bigrams(na), bigrams(nb)
    overlap = len(ga & gb) / min(len(ga), len(gb))
    if place_a and place_b and overlap < 0.8:
        return 0.0  # both name a village/road/estate and they differ
    return overlap
