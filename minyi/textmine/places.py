"""Addresses: normalisation and a place similarity for the duplicate judgement.

An address is reduced to its place names (the words before 镇/乡/村/社区/小区/路/街/巷/组/号…),
so "清溪镇韶峰村3组" and "韶峰村三组" share 韶峰村 and 3组. Two addresses are the same place when
their most specific names agree.
"""

from __future__ import annotations

import re

_CN_NUM = str.maketrans("零一二三四五六七八九", "0123456789")
_PREFIX = re.compile(
    r"^(湖南省|[\u4e00-\u9fff]{2,3}省)?([\u4e00-\u9fff]{2,3}市)?([\u4e00-\u9fff]{1,3}[县区])?"
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


def normalise(address: str) -> str:
    text = re.sub(r"\s+", "", address or "").translate(_CN_NUM)
    text = text.replace("十", "1") if re.search(r"十[组号]", text) else text
    return _PREFIX.sub("", text, count=1)


def units(address: str) -> dict[str, int]:
    """Place names of an address with their specificity, e.g. {"韶峰村": 3, "3组": 5}."""
    out: dict[str, int] = {}
    for name, unit in _UNIT.findall(re.sub(r"[与和及、,，/()（）]", " ", normalise(address))):
        unit = "村" if unit == "村委会" else unit
        key = name + unit
        out[key] = max(out.get(key, 0), _RANK.get(unit, 2))
    return out


def key(address: str) -> str:
    """Blocking key: the most specific named place above the group/number level."""
    best = sorted(((r, k) for k, r in units(address).items() if 3 <= r <= 4), reverse=True)
    return best[0][1] if best else normalise(address)[:6]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float | None:
    """0..1 place similarity; None when either address is empty (unknown)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return None
    ua, ub = units(a), units(b)
    shared = set(ua) & set(ub)
    named = {k for k in shared if ua[k] >= 3}
    if named:
        # same village/road/estate; a different group or number inside it lowers it a little
        fine_a = {k for k, r in ua.items() if r >= 5}
        fine_b = {k for k, r in ub.items() if r >= 5}
        if fine_a and fine_b and not (fine_a & fine_b):
            return 0.7
        return 1.0
    specific_a = {k for k, r in ua.items() if r >= 3}
    specific_b = {k for k, r in ub.items() if r >= 3}
    if specific_a and specific_b:
        return 0.0  # both name a village/road and they differ
    ga, gb = _bigrams(na), _bigrams(nb)
    return len(ga & gb) / len(ga | gb)
