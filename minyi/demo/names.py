"""Synthetic but believable Chinese names and phone numbers, deterministic for a given seed.

Nothing here is a real person: names are drawn from common surnames and given-name characters,
and phone numbers from fixed synthetic blocks (``1xx0000nnnn``), deputies and citizens apart.
"""

from __future__ import annotations

import random

# Common surnames, weighted towards those frequent around 韶山 (毛, 彭, 刘, 李, 周, 谭).
SURNAMES = (
    ("毛", 9), ("李", 8), ("刘", 8), ("彭", 6), ("周", 6), ("谭", 6), ("王", 6), ("张", 5),
    ("陈", 5), ("杨", 4), ("黄", 4), ("赵", 3), ("邓", 3), ("唐", 3), ("曾", 3), ("胡", 3),
    ("罗", 3), ("易", 2), ("文", 2), ("贺", 2), ("龙", 2), ("郭", 2), ("何", 2), ("欧阳", 1),
    ("朱", 2), ("蒋", 2), ("吴", 2), ("肖", 2), ("钟", 1), ("廖", 1), ("颜", 1), ("汤", 1),
    ("袁", 1), ("傅", 1), ("蔡", 1), ("石", 1), ("宋", 1), ("邹", 1), ("冯", 1), ("尹", 1),
    ("黎", 1), ("龚", 1), ("卢", 1), ("许", 1), ("孙", 1), ("马", 1), ("韩", 1), ("熊", 1),
)  # fmt: skip

MALE_CHARS = "建国华军明伟强平志勇林斌杰涛波辉鹏飞峰亮刚文海湘新春德云成光永龙松柏泽东卫兵红"
FEMALE_CHARS = "芳丽娟敏静秀英霞艳玲红燕琴兰梅萍莉婷慧洁雪琳佳颖欣娜桂湘丹"
# Characters that read naturally in either position of a two-character given name.
COMMON_CHARS = "小晓宇子嘉思家金玉振立中庆清"


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]
        self._used: set[str] = set()

    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, female: bool) -> str:
        pool = FEMALE_CHARS if female else MALE_CHARS
        if self.rng.random() < 0.3:
            return self.rng.choice(pool)
        first = self.rng.choice(pool + COMMON_CHARS)
        return first + self.rng.choice(pool)

    def person(self, female: bool | None = None, unique: bool = True) -> tuple[str, bool]:
        """A (name, female) pair; unique names by default, as a roster would disambiguate."""
        if female is None:
            female = self.rng.random() < 0.3
        for _ in range(50):
            name = self.surname() + self.given(female)
            if not unique or name not in self._used:
                self._used.add(name)
                return name, female
        raise RuntimeError("ran out of names")  # pragma: no cover - 50 tries never all collide


# Synthetic number blocks: deputies and citizens never share a block, so a citizen's number
# never makes the console show a deputy banner.
DEPUTY_PREFIXES = ("139", "138", "137", "135", "136", "158", "186", "187")
CITIZEN_PREFIXES = ("150", "151", "152", "159", "177", "182", "188", "191")


class PhoneBook:
    def __init__(self, rng: random.Random, prefixes: tuple[str, ...]):
        self.rng = rng
        self.prefixes = prefixes
        self._used: set[str] = set()

    def mobile(self) -> str:
        """A raw 11-digit synthetic mobile number, unique within this book."""
        while True:
            raw = f"{self.rng.choice(self.prefixes)}0000{self.rng.randrange(10000):04d}"
            if raw not in self._used:
                self._used.add(raw)
                return raw


def e164(raw: str) -> str:
    return f"+86{raw}"


def landline(rng: random.Random) -> str:
    """A 湘潭 landline in the synthetic 0731-5550xxxx block."""
    return f"0731-5550{rng.randrange(10000):04d}"
