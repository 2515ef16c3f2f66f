"""Validate every row against the database and work out what an import would change.

1. Check each row on its own: name, numbers, level, congress (and that the two agree), station,
   lengths.
2. Group rows into persons: rows with the same name sharing a number (after normalisation) are
   one person; a number under two different names is an error.
3. Match each person to the registry: an existing deputy with the same name holding one of the
   numbers is that person; a number registered to someone else is an error.
4. Compare mandates (deputy + congress + term) with the registry: create, update the
   delegation / professional group / station, or leave unchanged.

Nothing is written here; ``apply_plan`` in the services does that, inside one transaction.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from minyi.deputies.models import Congress, DeputyPhone, LiaisonStation, Mandate
from minyi.deputies.phones import PhoneError, normalize_phone, split_numbers
from minyi.deputies.registry import columns as c
from minyi.deputies.registry.parser import SheetRow

CHUNK = 500


@dataclass
class Row:
    line: int
    name: str
    numbers: dict[str, str]  # E.164 -> as typed, in the order given
    level: str
    congress: Congress
    term: str
    delegation: str
    group: str
    station: LiaisonStation | None


@dataclass
class MandatePlan:
    row: Row
    existing: Mandate | None = None

    @property
    def changes(self) -> dict:
        """Fields of an existing mandate the row changes (delegation, group, station)."""
        if self.existing is None:
            return {}
        wanted = {
            "delegation": self.row.delegation,
            "professional_group": self.row.group,
            "station_id": self.row.station.pk if self.row.station else None,
        }
        return {k: v for k, v in wanted.items() if getattr(self.existing, k) != v}


@dataclass
class PersonPlan:
    name: str
    lines: list[int]
    numbers: dict[str, str]  # E.164 -> raw
    deputy_id: int | None = None  # the matched deputy; None = a new one
    new_numbers: list[str] = field(default_factory=list)
    mandates: list[MandatePlan] = field(default_factory=list)


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    return f"相近的有：{'、'.join(close)}" if close else "请检查名称，或先在后台登记"


class Planner:
    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []
        self.congresses = {x.name: x for x in Congress.objects.all()}
        self.stations = {x.name: x for x in LiaisonStation.objects.all()}

    def error(self, line: int, text: str) -> None:
        self.errors.append((line, f"第 {line} 行：{text}"))

    # 1 -----------------------------------------------------------------------------------
    def check_row(self, sheet_row: SheetRow) -> Row | None:
        v, line = sheet_row.values, sheet_row.line
        before = len(self.errors)
        name = v[c.NAME]
        if not name:
            self.error(line, "姓名不能为空。")
        for column, limit in c.MAX_LENGTH.items():
            if len(v[column]) > limit:
                self.error(line, f"{column}“{v[column][:40]}”超过 {limit} 个字。")
        numbers: dict[str, str] = {}
        parts = split_numbers(v[c.PHONES])
        if not parts:
            self.error(line, "手机号码不能为空。")
        for raw in parts:
            try:
                numbers.setdefault(normalize_phone(raw), raw)
            except PhoneError as exc:
                self.error(line, f"手机号码{exc.message}")
        level = c.parse_level(v[c.LEVEL])
        if level is None:
            self.error(
                line,
                f"代表层级“{v[c.LEVEL]}”无法识别，应为 {c.LEVEL_LABELS} 之一。"
                if v[c.LEVEL]
                else f"代表层级不能为空，应为 {c.LEVEL_LABELS} 之一。",
            )
        congress = self.congresses.get(v[c.CONGRESS])
        if not v[c.CONGRESS]:
            self.error(line, "所属人大不能为空。")
        elif congress is None:
            self.error(
                line,
                f"所属人大“{v[c.CONGRESS]}”未登记（{_suggest(v[c.CONGRESS], list(self.congresses))}）。",
            )
        elif level is not None and congress.level != level:
            self.error(
                line,
                f"代表层级“{v[c.LEVEL]}”与所属人大“{congress.name}”的层级"
                f"（{congress.get_level_display()}）不一致。",
            )
        station = None
        if v[c.STATION]:
            station = self.stations.get(v[c.STATION])
            if station is None:
                self.error(
                    line,
                    f"联络站“{v[c.STATION]}”未登记（{_suggest(v[c.STATION], list(self.stations))}）。",
                )
        if len(self.errors) > before:
            return None
        return Row(
            line=line,
            name=name,
            numbers=numbers,
            level=level,
            congress=congress,
            term=v[c.TERM],
            delegation=v[c.DELEGATION],
            group=v[c.GROUP],
            station=station,
        )

    # 2 -----------------------------------------------------------------------------------
    def group(self, rows: list[Row]) -> list[PersonPlan]:
        parent = list(range(len(rows)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[str, int] = {}  # number -> index of the first row that gave it
        for i, row in enumerate(rows):
            for number, raw in row.numbers.items():
                first = owner.setdefault(number, i)
                if rows[first].name == row.name:
                    parent[find(i)] = find(first)
                else:
                    self.error(
                        row.line,
                        f"号码“{raw}”已在第 {rows[first].line} 行登记给“{rows[first].name}”，"
                        f"同一号码不能属于两个人。",
                    )
        persons: dict[int, PersonPlan] = {}
        for i, row in enumerate(rows):
            person = persons.setdefault(find(i), PersonPlan(name=row.name, lines=[], numbers={}))
            person.lines.append(row.line)
            for number, raw in row.numbers.items():
                person.numbers.setdefault(number, raw)
            person.mandates.append(MandatePlan(row=row))
        return list(persons.values())

    # 3 -----------------------------------------------------------------------------------
    def match(self, persons: list[PersonPlan]) -> None:
        numbers = [n for p in persons for n in p.numbers]
        registered: dict[str, tuple[int, str]] = {}
        for start in range(0, len(numbers), CHUNK):
            for number, deputy_id, name in DeputyPhone.objects.filter(
                number__in=numbers[start : start + CHUNK]
            ).values_list("number", "deputy_id", "deputy__name"):
                registered[number] = (deputy_id, name)
        for person in persons:
            same_name = set()
            for number, raw in person.numbers.items():
                if number not in registered:
                    person.new_numbers.append(number)
                    continue
                deputy_id, name = registered[number]
                if name == person.name:
                    same_name.add(deputy_id)
                else:
                    line = next(m.row.line for m in person.mandates if number in m.row.numbers)
                    self.error(
                        line,
                        f"号码“{raw}”已登记给代表“{name}”（编号 {deputy_id}），"
                        f"不能再登记给“{person.name}”。",
                    )
            if len(same_name) > 1:
                ids = "、".join(str(i) for i in sorted(same_name))
                self.error(
                    person.lines[0],
                    f"“{person.name}”的号码分属两位已登记的同名代表（编号 {ids}），"
                    "请先在后台核实合并后再导入。",
                )
            elif same_name:
                person.deputy_id = same_name.pop()

    # 4 -----------------------------------------------------------------------------------
    def compare(self, persons: list[PersonPlan]) -> None:
        ids = [p.deputy_id for p in persons if p.deputy_id]
        existing: dict[int, dict[tuple[int, str], Mandate]] = defaultdict(dict)
        for start in range(0, len(ids), CHUNK):
            for mandate in Mandate.objects.filter(deputy_id__in=ids[start : start + CHUNK]):
                existing[mandate.deputy_id][(mandate.congress_id, mandate.term)] = mandate
        for person in persons:
            seen: dict[tuple[int, str], int] = {}
            for plan in person.mandates:
                key = (plan.row.congress.pk, plan.row.term)
                if key in seen:
                    term = f"“{plan.row.term}”" if plan.row.term else "（未填届次）"
                    self.error(
                        plan.row.line,
                        f"与第 {seen[key]} 行重复：“{person.name}”在“{plan.row.congress.name}”"
                        f"届次{term}只能有一条代表资格。",
                    )
                seen.setdefault(key, plan.row.line)
                if person.deputy_id:
                    plan.existing = existing[person.deputy_id].get(key)


def build_plan(sheet_rows: list[SheetRow]) -> tuple[list[PersonPlan], list[str]]:
    """The persons an import would write, and the errors (sorted by row) that forbid it."""
    planner = Planner()
    rows = [row for row in map(planner.check_row, sheet_rows) if row is not None]
    persons = planner.group(rows)
    planner.match(persons)
    planner.compare(persons)
    errors = [text for _, text in sorted(planner.errors, key=lambda e: e[0])]
    return persons, errors
