"""The template's columns and the 代表层级 spellings the import accepts."""

from __future__ import annotations

from minyi.deputies.models import Level

NAME = "姓名"
PHONES = "手机号码"
LEVEL = "代表层级"
CONGRESS = "所属人大"
TERM = "届次"
DELEGATION = "代表团或选区"
GROUP = "专业小组"
STATION = "联络站"

COLUMNS = (NAME, PHONES, LEVEL, CONGRESS, TERM, DELEGATION, GROUP, STATION)

# What each column means, for the template's 说明 sheet.
HELP = {
    NAME: "必填。代表姓名，最长 32 个字。",
    PHONES: "必填。一个或多个号码，用 , ， ; ； 或 、 分隔。手机号 11 位；固定电话须带区号"
    "（如 0731-85309270）；+86、0086 前缀和空格、短横线均可。",
    LEVEL: "必填。全国、省、市、县、乡 之一（也可写 省级、省人大代表 等），须与所属人大的层级一致。",
    CONGRESS: "必填。已登记的人大名称，如 韶山市人大（见下方列表）。",
    TERM: "选填。如 第十九届。同一代表在同一人大同一届次只能有一条代表资格。",
    DELEGATION: "选填。代表团或选区，如 湘潭市代表团、第3选区。",
    GROUP: "选填。专业小组，如 财政经济。",
    STATION: "选填。已登记的代表联络站名称；留空表示不指定。",
}

# Required columns must be present in the header; the others may be left out entirely.
REQUIRED = (NAME, PHONES, LEVEL, CONGRESS)

MAX_LENGTH = {NAME: 32, TERM: 32, DELEGATION: 100, GROUP: 64}

# The import accepts 全国/省/市/县/乡, each also with 级 or 人大代表 after it, and the stored
# values (national, provincial, …) — and nothing looser, so a typo is an error, not a guess.
LEVEL_ALIASES: dict[str, str] = {}
for _value, _label in Level.choices:
    for _spelling in (_label, f"{_label}级", f"{_label}人大代表", _value):
        LEVEL_ALIASES[_spelling] = _value

LEVEL_LABELS = "、".join(Level.labels)


def parse_level(text: str) -> str | None:
    return LEVEL_ALIASES.get(text.strip().lower())
