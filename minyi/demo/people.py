"""Deputies of the five congresses around 韶山, their liaison stations, and the demo log-ins.

The seed (联络动态 2023 第6期) registers 2 provincial, 20 湘潭 city, 161 韶山 city and 263
township deputies. Those are counts of *current* mandates per congress: one person may hold
several (the banner example 湖南省(湘潭市、韶山市、**乡)人大代表), and two mandates that ended
(a resignation, a move away) stay in the roster beside the by-elected successors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password

from minyi.accounts.models import Role, User
from minyi.demo.names import DEPUTY_PREFIXES, NameMaker, PhoneBook, e164, landline
from minyi.demo.reference import TOWNSHIPS, Reference
from minyi.deputies.models import Deputy, DeputyPhone, Gender, LiaisonStation, Mandate
from minyi.deputies.services import groups_sync

# Meets the password policy, like any password a person could set here (it is published all
# the same: `manage.py demo` refuses a deployment, minyi/demo/guard.py).
PASSWORD = "Shaoshan-2026"

# Terms and first sessions: plausible values for the demo (an administrator edits them).
TERMS = {
    "hn": ("第十四届", date(2023, 1, 13)),
    "xt": ("第十七届", date(2022, 1, 6)),
    "ss": ("第十九届", date(2021, 12, 28)),
    "township": ("第十九届", date(2021, 11, 30)),
}
TOWNSHIP_SEATS = {"qx": 85, "yt": 72, "ssx": 56, "yl": 50}  # 263
CITY_SEATS, COUNTY_SEATS = 20, 161
PROFESSIONAL_GROUPS = ("财政经济", "城乡建设环保", "教科文卫", "农业农村", "社会建设")
TWO_PHONES = 12  # persons who registered a second number


@dataclass
class Person:
    seats: list[str]  # region keys of the congresses: "hn", "xt", "ss", or a township key
    township: str  # where the person lives: the constituency of county and township seats
    deputy: Deputy | None = None
    phones: list[str] = field(default_factory=list)  # E.164
    by_election: dict[str, date] = field(default_factory=dict)  # seat -> start of a 补选 seat
    ended: tuple[date, str] | None = None  # a former deputy: when and why the seat ended


def _roster(rng: random.Random) -> list[Person]:
    """Who sits where, with the exact seat counts of the seed."""
    people = [Person(["hn", "xt", "ss", "ssx"], "ssx"), Person(["hn", "xt", "ss", "yt"], "yt")]
    # 湘潭 city deputies elected in 韶山: some also sit in 韶山市人大, a few in a township too.
    for i in range(CITY_SEATS - 2):
        township = ("qx", "qx", "yt", "qx", "ssx", "yl", "qx", "yt")[i] if i < 8 else "qx"
        seats = ["xt"] + (["ss"] if i < 8 else []) + ([township] if i < 3 else [])
        people.append(Person(seats, township))
    # 韶山 city (county-level) deputies; 45 of them also township deputies.
    dual = {"qx": 15, "yt": 12, "ssx": 10, "yl": 8}
    for township, count in dual.items():
        people += [Person(["ss", township], township) for _ in range(count)]
    county_so_far = sum("ss" in p.seats for p in people)
    weights = [TOWNSHIP_SEATS[t] for t in TOWNSHIPS]
    for _ in range(COUNTY_SEATS - county_so_far):
        people.append(Person(["ss"], rng.choices(TOWNSHIPS, weights)[0]))
    # township-only deputies fill the remaining seats of each township congress
    for township, seats in TOWNSHIP_SEATS.items():
        taken = sum(township in p.seats for p in people)
        people += [Person([township], township) for _ in range(seats - taken)]
    return people


@dataclass
class People:
    deputies: list[Deputy]  # active deputies
    provincial: list[Deputy]
    phone_of: dict[int, str]  # deputy id -> primary E.164 number
    township_of: dict[int, str]  # deputy id -> township key
    users: dict[str, User]  # by username
    handlers: dict[str, User]  # by department code
    stations: dict[str, LiaisonStation]  # by region key: "ss", or a township key


def load_people(rng: random.Random, names: NameMaker, ref: Reference) -> People:
    stations = _load_stations(rng, names, ref)
    roster = _roster(rng)
    former = _former_deputies(roster)
    phones = PhoneBook(rng, DEPUTY_PREFIXES)
    for person in roster + former:
        name, female = names.person()
        person.deputy = Deputy(
            name=name,
            gender=Gender.FEMALE if female else Gender.MALE,
            is_active=person.ended is None,
        )
        person.phones = [e164(phones.mobile())]
    for person in rng.sample(roster, TWO_PHONES):
        person.phones.append(e164(phones.mobile()))
    Deputy.objects.bulk_create([p.deputy for p in roster + former])
    seats = Mandate.objects.bulk_create(
        m for p in roster + former for m in _mandates(rng, p, ref, stations)
    )
    # 专业小组 as records (the clue library gives clues to them), as an import would
    groups_sync(
        (m.deputy_id, m.professional_group)
        for m in seats
        if m.professional_group and m.ended_on is None
    )
    DeputyPhone.objects.bulk_create(
        DeputyPhone(deputy=p.deputy, number=number, raw=number[3:], is_primary=i == 0)
        for p in roster + former
        for i, number in enumerate(p.phones)
    )
    deputies = [p.deputy for p in roster]
    users, handlers = _load_users(
        names, ref, deputy=deputies[0], phone=roster[0].phones[0], stations=stations
    )
    return People(
        deputies=deputies,
        provincial=deputies[:2],
        phone_of={p.deputy.pk: p.phones[0] for p in roster},
        township_of={p.deputy.pk: p.township for p in roster},
        users=users,
        handlers=handlers,
        stations=stations,
    )


def _former_deputies(roster: list[Person]) -> list[Person]:
    """A 韶山市 deputy who resigned and a 杨林乡 deputy who moved away; each seat went to a
    successor elected in a by-election (补选), who is one of the current deputies."""
    former = []
    for seat, township, ended_on, reason, successor_from in (
        ("ss", "qx", date(2024, 3, 15), Mandate.EndReason.RESIGNED, date(2024, 6, 20)),
        ("yl", "yl", date(2025, 5, 10), Mandate.EndReason.OTHER, date(2025, 8, 26)),
    ):
        former.append(Person([seat], township, ended=(ended_on, reason)))
        successor = next(p for p in reversed(roster) if p.seats == [seat])
        successor.township = township
        successor.by_election[seat] = successor_from
    return former


def _load_stations(rng, names, ref: Reference) -> dict[str, LiaisonStation]:
    stations = {"ss": ("韶山市人大代表联络总站", "ss", "韶山市韶山东路市民之家三楼")}
    for key in TOWNSHIPS:
        region = ref.regions[key]
        stations[key] = (f"{region.name}人大代表联络站", key, f"{region.name}人民政府一楼")
    built = {
        key: LiaisonStation(
            name=name,
            region=ref.regions[region],
            address=address,
            contact_name=names.person()[0],
            contact_phone=landline(rng),
        )
        for key, (name, region, address) in stations.items()
    }
    LiaisonStation.objects.bulk_create(built.values())
    return built


def _district(rng: random.Random) -> str:
    return f"第{rng.randint(1, 12)}选区"


def _mandates(rng, person: Person, ref: Reference, stations) -> list[Mandate]:
    result = []
    township_name = ref.regions[person.township].name
    for seat in person.seats:
        congress = ref.congresses[seat]
        term, started = TERMS.get(seat) or TERMS["township"]
        mandate = Mandate(
            deputy=person.deputy,
            congress=congress,
            level=congress.level,
            term=term,
            started_on=person.by_election.get(seat, started),
        )
        if person.ended:
            mandate.ended_on, mandate.end_reason = person.ended
        if seat == "hn":
            mandate.delegation, mandate.station = "湘潭市代表团", stations["ss"]
        elif seat == "xt":
            mandate.delegation, mandate.station = "韶山市代表团", stations["ss"]
        elif seat == "ss":
            mandate.delegation = f"{township_name}{_district(rng)}"
            mandate.station = stations[person.township]
        else:
            mandate.delegation, mandate.station = _district(rng), stations[seat]
        if seat in ("hn", "xt", "ss"):  # professional groups exist at county level and above
            mandate.professional_group = rng.choice(PROFESSIONAL_GROUPS)
        result.append(mandate)
    return result


# -- log-ins ----------------------------------------------------------------------------------

# role, username, name, department code, what they can do
LOGINS = (
    (Role.OPERATOR, "operator", "王芳", None, "接听来电、登记与受理工单，代表来电弹屏"),
    (Role.DISPATCHER, "dispatcher", "刘敏", None, "审核受理范围、派单、审核退件与延期"),
    (Role.HANDLER, "handler_cg", "周建军", "cg", "城管局承办人：签收、退件、申请延期、答复"),
    (Role.HANDLER, "handler_jt", "谭志强", "jt", "交通运输局承办人：签收、退件、延期、答复"),
    (Role.HANDLER, "handler_qx", "毛湘平", "qx", "清溪镇人民政府承办人：签收、退件、答复"),
    (Role.CALLBACK, "callback", "彭丽", None, "回访、归档、发回重办、督办"),
    (Role.DEPUTY, "deputy", None, None, "省人大代表：查看本人反映的工单并评价"),
    (Role.LIAISON, "liaison", "唐国庆", None, "联工委：工作台账、统计、转闭会期间代表建议"),
    # 码上找代表: the staff of each liaison station (STATION_LOGINS says which)
    (Role.STATION, "station_ss", "贺雪梅", None, "韶山市联络总站：交办的选民留言、代表待处理"),
    (Role.STATION, "station_qx", "毛丽君", None, "清溪镇联络站：交办的选民留言、屏蔽号码"),
    (Role.STATION, "station_yt", "易春兰", None, "银田镇联络站：交办的选民留言、屏蔽号码"),
    (Role.STATION, "station_ssx", "钟秋菊", None, "韶山乡联络站：交办的选民留言、屏蔽号码"),
    (Role.STATION, "station_yl", "庞海燕", None, "杨林乡联络站：交办的选民留言、屏蔽号码"),
    # 三权分立: three administrators, each only in the admin, each with a second factor
    (Role.ADMIN, "admin", "曾志刚", None, "系统管理员：用户、代表名单、基础数据、节假日、消息模板"),
    (Role.SECURITY, "security", "龙晓岚", None, "安全管理员：重置密码、解除锁定、两步验证、令牌"),
    (Role.AUDIT, "auditor", "邹明", None, "审计管理员：查阅审计与个人信息查看记录（只读）"),
)
STATION_LOGINS = {
    "station_ss": "ss",
    "station_qx": "qx",
    "station_yt": "yt",
    "station_ssx": "ssx",
    "station_yl": "yl",
}
TWO_CHAR_SURNAMES = ("欧阳",)


def split_name(name: str) -> tuple[str, str]:
    """(family name, given name): Chinese names are family name first, mostly one character."""
    cut = 2 if name[:2] in TWO_CHAR_SURNAMES else 1
    return name[:cut], name[cut:]


def _load_users(names, ref: Reference, *, deputy: Deputy, phone: str, stations):
    """One user per role (the printed demo log-ins), plus one handler per other department.
    All share one password, hashed once: hashing costs ~0.3 s, and there are 35 users."""
    password = make_password(PASSWORD)
    users = {}
    for role, username, name, department, _ in LOGINS:
        name = name or deputy.name
        last, first = split_name(name)
        users[username] = User(
            username=username,
            password=password,
            last_name=last,
            first_name=first,
            role=role,
            department=ref.departments[department] if department else None,
            deputy=deputy if role == Role.DEPUTY else None,
            station=stations[STATION_LOGINS[username]] if role == Role.STATION else None,
            phone=phone if role == Role.DEPUTY else "",
        )
    fixed = {department: users[username] for _, username, _, department, _ in LOGINS}
    by_code = {}
    for code, department in ref.departments.items():
        existing = fixed.get(code)
        if existing is None:
            last, first = split_name(names.person()[0])
            existing = users[f"handler_{code}"] = User(
                username=f"handler_{code}",
                password=password,
                last_name=last,
                first_name=first,
                role=Role.HANDLER,
                department=department,
            )
        by_code[code] = existing
    User.objects.bulk_create(users.values())
    return users, by_code
