"""The deputy registry for the caller bench: congresses, deputies, numbers and mandates by COPY.

A synthetic country: 31 provinces (real names), about 10 cities each, 8 counties per city and
4 townships per county, one congress (``<region>人大``) per region plus 全国人大. Each deputy has
a lowest seat (township 55 %, county 27 %, city 12 %, province 5 %, national 1 %) and 1–4 seats
in the chain above it (55 / 28 / 12 / 5 %), so banners look like the seed's
``张三 湖南省(湘潭市、韶山市、银田镇)人大代表``. A few mandates ended (3 % of the deputies lost
one, 5 % have an ended seat from the previous term), 0.5 % of the persons are inactive.

Numbers: exactly two per deputy on average (one each, plus the rest spread over random
deputies, at most four), unique, E.164: mobiles on prefixes that libphonenumber accepts, and
8 % landlines of Hunan area codes (0731 with eight digits, the others with seven).
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field
from datetime import date

SEED = 12345

PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
]  # fmt: skip
PLACE_CHARS = (
    "安宁平阳山江河湖城东西南北兴华新长永清丰昌源泉德福庆临武文洪金石岳桂云林松桃花溪龙凤"
    "泰和顺义仁信吉祥瑞康乐乡塘湘潭韶衡常沅澧株茶陵醴攸耒浏望益沙坪岗桥"
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰辉建国红志文斌海燕飞鹏云峰波宇婷雪梅琳"
    "晨阳浩然思源子涵欣怡佳俊凯嘉德春秋冬松柏林森"
)
MOBILE_PREFIXES = [
    *range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 175, 176, 177, 178,
    *range(180, 190), 191, 193, 195, 196, 197, 198, 199,
]  # fmt: skip
# (area code, local digits): 0731 (长沙、湘潭、株洲) has eight digits, the others seven.
LANDLINE_AREAS = [("731", 8), ("731", 8), ("734", 7), ("736", 7), ("730", 7), ("739", 7)]
LEVELS = ["national", "provincial", "city", "county", "township"]  # highest first
BASE_LEVEL_WEIGHTS = {"township": 55, "county": 27, "city": 12, "provincial": 5, "national": 1}
SEAT_COUNT_WEIGHTS = {1: 55, 2: 28, 3: 12, 4: 5}
TERM = {
    "national": "第十四届",
    "provincial": "第十四届",
    "city": "第十六届",
    "county": "第十八届",
    "township": "第十九届",
}
PREVIOUS_TERM = {
    "national": "第十三届",
    "provincial": "第十三届",
    "city": "第十五届",
    "county": "第十七届",
    "township": "第十八届",
}
STARTED = {
    "national": date(2023, 3, 5),
    "provincial": date(2023, 1, 12),
    "city": date(2022, 1, 8),
    "county": date(2021, 11, 20),
    "township": date(2021, 11, 15),
}
GROUPS = ["", "", "法制", "财政经济", "教育科学文化卫生", "农业农村", "环境与资源保护", "社会建设"]
END_REASONS = ["resigned", "removed", "other"]


@dataclass
class Region:
    name: str  # with its suffix: 湖南省, 湘潭市, 韶山市, 银田镇
    level: str
    parent: Region | None = None
    congress_id: int = 0

    def chain(self) -> list[Region]:
        """This region and those above it, lowest first (the national congress last)."""
        out, node = [], self
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass
class Registry:
    congresses: list[Region] = field(default_factory=list)
    townships: list[Region] = field(default_factory=list)
    by_level: dict[str, list[Region]] = field(default_factory=dict)


def build_regions(rng: random.Random, scale: float = 1.0) -> Registry:
    """The region tree with one congress each; ``scale`` < 1 shrinks it for --quick."""
    used: set[str] = set()

    def fresh(chars: int, suffixes: str) -> str:
        for _ in range(1000):
            name = "".join(rng.choice(PLACE_CHARS) for _ in range(chars)) + rng.choice(suffixes)
            if name not in used and not name.startswith(("乡", "镇")):
                used.add(name)
                return name
        raise RuntimeError("ran out of place names")

    reg = Registry(by_level={level: [] for level in LEVELS})
    nation = Region("全国", "national")
    reg.by_level["national"].append(nation)
    cities_per = max(2, round(10 * scale))
    for province_name in PROVINCES:
        used.add(province_name)
        province = Region(province_name, "provincial", nation)
        reg.by_level["provincial"].append(province)
        for _ in range(cities_per):
            city = Region(fresh(2, "市"), "city", province)
            reg.by_level["city"].append(city)
            for _ in range(8):
                county = Region(fresh(2, "县区市"), "county", city)
                reg.by_level["county"].append(county)
                for _ in range(4):
                    township = Region(fresh(3, "镇乡"), "township", county)
                    reg.by_level["township"].append(township)
    for level in LEVELS:
        reg.congresses.extend(reg.by_level[level])
    for i, region in enumerate(reg.congresses, start=1):
        region.congress_id = i
    reg.townships = reg.by_level["township"]
    return reg


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> tuple[str, str]:
    """(E.164, what a person types)."""
    national = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    return f"+86{national}", national


def _landline(rng: random.Random) -> tuple[str, str]:
    area, digits = rng.choice(LANDLINE_AREAS)
    local = str(rng.randint(2, 8)) + f"{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
    return f"+86{area}{local}", f"0{area}-{local}"


def unique_numbers(rng: random.Random, count: int, landline_share: float, taken: set[str]):
    """``count`` new (E.164, raw, is_landline) not in ``taken`` (which they are added to)."""
    out = []
    while len(out) < count:
        landline = rng.random() < landline_share
        e164, raw = _landline(rng) if landline else _mobile(rng)
        if e164 in taken:
            continue
        taken.add(e164)
        out.append((e164, raw, landline))
    return out


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples; None is NULL) into ``table`` in one stream, tab-separated text."""
    buf = io.StringIO()
    n = 0
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
        n += 1
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())
    return n


TABLES = [
    "calls_callevent",
    "calls_calllog",
    "deputies_mandate",
    "deputies_deputyphone",
    "deputies_deputy",
    "deputies_congress",
]


def loaded_counts() -> tuple[int, int, int]:
    from bench.db import sql_scalar

    return (
        sql_scalar("SELECT count(*) FROM deputies_deputy"),
        sql_scalar("SELECT count(*) FROM deputies_deputyphone"),
        sql_scalar("SELECT count(*) FROM deputies_mandate"),
    )


def load(deputies: int, numbers: int, *, reload: bool) -> dict:
    """Load the registry unless it is already there with these counts. Returns what happened."""
    from django.db import connection, transaction

    from bench.db import sql_exec, vacuum_analyze

    have = loaded_counts()
    if not reload and have[0] == deputies and have[1] == numbers:
        return {"loaded": False, "deputies": have[0], "numbers": have[1], "mandates": have[2]}

    started = time.perf_counter()
    rng = random.Random(SEED)
    scale = min(1.0, deputies / 200_000)
    reg = build_regions(rng, scale)
    by_level = reg.by_level
    bases = {level: by_level[level] for level in LEVELS}

    deputy_rows, mandate_rows, phone_rows = [], [], []
    mandate_id = 0
    now = "2026-11-01 09:00:00+08"
    for dep_id in range(1, deputies + 1):
        gender = rng.choice(("male", "female", "male", "female", ""))
        active = rng.random() >= 0.005
        deputy_rows.append((dep_id, _name(rng), gender, "t" if active else "f", now, ""))
        base_level = _weighted(rng, BASE_LEVEL_WEIGHTS)
        base = rng.choice(bases[base_level])
        chain = base.chain()  # lowest first
        k = min(_weighted(rng, SEAT_COUNT_WEIGHTS), len(chain))
        seats = [chain[0], *rng.sample(chain[1:], k - 1)]
        ended_one = rng.random() < 0.03
        for i, region in enumerate(seats):
            mandate_id += 1
            ended = ended_one and i == len(seats) - 1
            mandate_rows.append(
                (
                    mandate_id,
                    dep_id,
                    region.congress_id,
                    region.level,
                    TERM[region.level],
                    _delegation(rng, region),
                    rng.choice(GROUPS),
                    STARTED[region.level],
                    date(2025, rng.randint(1, 12), rng.randint(1, 28)) if ended else None,
                    rng.choice(END_REASONS) if ended else "",
                )
            )
        if k < 4 and rng.random() < 0.05:  # a seat held in the previous term, ended
            region = seats[-1]
            mandate_id += 1
            mandate_rows.append(
                (
                    mandate_id,
                    dep_id,
                    region.congress_id,
                    region.level,
                    PREVIOUS_TERM[region.level],
                    _delegation(rng, region),
                    "",
                    date(STARTED[region.level].year - 5, 1, 10),
                    STARTED[region.level],
                    "term_over",
                )
            )

    # One number each, then the rest spread over random deputies (at most four per person).
    taken: set[str] = set()
    per_deputy = [1] * deputies
    extra = numbers - deputies
    while extra > 0:
        d = rng.randrange(deputies)
        if per_deputy[d] < 4:
            per_deputy[d] += 1
            extra -= 1
    # 8 % of all numbers are landlines, all among the second and later numbers.
    landline_share = min(1.0, 0.08 * numbers / max(numbers - deputies, 1))
    phone_id = 0
    for d, count in enumerate(per_deputy, start=1):
        # The first number is a mobile (the primary); later ones include the landlines (office).
        batch = unique_numbers(rng, 1, 0.0, taken)
        if count > 1:
            batch += unique_numbers(rng, count - 1, landline_share, taken)
        for i, (e164, raw, _) in enumerate(batch):
            phone_id += 1
            phone_rows.append((phone_id, d, e164, raw, "t" if i == 0 else "f"))
    generated = time.perf_counter() - started

    with transaction.atomic():
        sql_exec(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        with connection.cursor() as django_cursor:
            cur = django_cursor.cursor  # the psycopg cursor
            _copy(
                cur,
                "deputies_congress",
                ["id", "name", "level", "region_id"],
                ((r.congress_id, r.name + "人大", r.level, None) for r in reg.congresses),
            )
            _copy(
                cur,
                "deputies_deputy",
                ["id", "name", "gender", "is_active", "created_at", "introduction"],
                deputy_rows,
            )
            _copy(
                cur,
                "deputies_deputyphone",
                ["id", "deputy_id", "number", "raw", "is_primary"],
                phone_rows,
            )
            _copy(
                cur,
                "deputies_mandate",
                [
                    "id",
                    "deputy_id",
                    "congress_id",
                    "level",
                    "term",
                    "delegation",
                    "professional_group",
                    "started_on",
                    "ended_on",
                    "end_reason",
                ],
                mandate_rows,
            )
        for table in ("deputies_congress", "deputies_deputy", "deputies_deputyphone"):
            sql_exec(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        sql_exec(
            "SELECT setval(pg_get_serial_sequence('deputies_mandate', 'id'), %s)", [mandate_id]
        )
    copied = time.perf_counter() - started - generated
    vacuum = vacuum_analyze(*TABLES[2:])
    landlines = sum(1 for row in phone_rows if not row[2].startswith("+861"))
    ended = sum(1 for row in mandate_rows if row[8] is not None)
    return {
        "loaded": True,
        "deputies": len(deputy_rows),
        "numbers": len(phone_rows),
        "landlines": landlines,
        "mandates": len(mandate_rows),
        "ended": ended,
        "congresses": len(reg.congresses),
        "generate_s": generated,
        "copy_s": copied,
        "vacuum_s": vacuum,
    }


def _delegation(rng: random.Random, region: Region) -> str:
    if region.level in ("national", "provincial"):
        below = region.name if region.level == "provincial" else rng.choice(PROVINCES)
        return below.removesuffix("省").removesuffix("市") + "代表团"
    return f"第{rng.randint(1, 40)}选区"
