"""The 韶山 congresses and two liaison stations, and helpers that write a registry file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from minyi.deputies.models import Level
from minyi.deputies.registry.columns import COLUMNS
from tests.factories import CongressFactory, LiaisonStationFactory


@pytest.fixture
def congresses(db):
    return {
        key: CongressFactory(name=name, level=level)
        for key, name, level in (
            ("hn", "湖南省人大", Level.PROVINCIAL),
            ("xt", "湘潭市人大", Level.CITY),
            ("ss", "韶山市人大", Level.COUNTY),
            ("yt", "银田镇人大", Level.TOWNSHIP),
        )
    }


@pytest.fixture
def stations(db):
    return {
        "ss": LiaisonStationFactory(name="韶山市人大代表联络总站"),
        "yt": LiaisonStationFactory(name="银田镇人大代表联络站"),
    }


def write_xlsx(path: Path, rows, header=COLUMNS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, rows, header=COLUMNS, encoding="utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# 张三 sits in three congresses and gave two numbers, written differently on each row.
ZHANG = [
    [
        "张三",
        "13800138000，0731-85309270",
        "省",
        "湖南省人大",
        "第十四届",
        "湘潭市代表团",
        "财政经济",
        "韶山市人大代表联络总站",
    ],
    ["张三", "+86 138-0013-8000", "市级", "湘潭市人大", "第十七届", "韶山市代表团", "", ""],
    [
        "张三",
        "073185309270",
        "县人大代表",
        "韶山市人大",
        "第十九届",
        "银田镇第3选区",
        "教科文卫",
        "银田镇人大代表联络站",
    ],
]
LI = [
    ["李四", "13900139000", "乡", "银田镇人大", "第十九届", "第5选区", "", "银田镇人大代表联络站"]
]
GOOD = ZHANG + LI
