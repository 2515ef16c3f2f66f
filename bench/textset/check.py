"""Validate appeals.jsonl and pairs.jsonl and print the counts pasted into README.md.

Run: python bench/textset/check.py   (exits non-zero on the first broken rule)
"""

import collections
import json
import re
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = {
    "emergency",
    "legal_procedure",
    "military",
    "party_congress_cppcc",
    "secrets",
    "illegal",
    "vague",
    "out_of_jurisdiction",
}
PHONE = re.compile(r"^1[3589]\d0000\d{4}$")
NEAR = re.compile(r"110|派出所|法院|人大|政协|部队|军人|火灾|消防|信访|警察")
KINDS = {
    "same_person_reworded": True,
    "same_matter_same_place": True,
    "same_place_different_matter": False,
    "same_person_different_matter": False,
    "same_matter_different_place": False,
}


def fail(msg):
    sys.exit("FAIL: " + msg)


def load(name):
    rows = []
    for n, line in enumerate((HERE / name).open(encoding="utf-8"), 1):
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            fail(f"{name}:{n} not JSON: {exc}")
    return rows


appeals = load("appeals.jsonl")
by_id = {}
for a in appeals:
    if set(a) != {"id", "text", "topic", "phone", "date", "address", "scope"}:
        fail(f"{a.get('id')} keys {sorted(a)}")
    if a["id"] in by_id:
        fail(f"duplicate id {a['id']}")
    by_id[a["id"]] = a
    if not 30 <= len(a["text"]) <= 220:
        fail(f"{a['id']} text length {len(a['text'])}")
    if a["phone"] and not PHONE.match(a["phone"]):
        fail(f"{a['id']} phone {a['phone']}")
    if date.fromisoformat(a["date"]).year != 2026:
        fail(f"{a['id']} date {a['date']}")
    if a["scope"] is not None and a["scope"] not in CODES:
        fail(f"{a['id']} scope {a['scope']}")

texts = collections.Counter(a["text"] for a in appeals)
if texts.most_common(1)[0][1] > 1:
    fail("repeated text")

pairs = load("pairs.jsonl")
seen = set()
for p in pairs:
    a, b = by_id.get(p["a"]), by_id.get(p["b"])
    if not a or not b:
        fail(f"pair {p} unknown id")
    key = frozenset((p["a"], p["b"]))
    if len(key) != 2 or key in seen:
        fail(f"pair {p} repeated or self")
    seen.add(key)
    if KINDS.get(p["kind"]) is not p["duplicate"]:
        fail(f"pair {p} kind/duplicate mismatch")
    same_phone = bool(a["phone"]) and a["phone"] == b["phone"]
    if p["kind"].startswith("same_person") and not same_phone:
        fail(f"pair {p} should share a phone")
    if (
        p["kind"]
        in ("same_matter_same_place", "same_place_different_matter", "same_matter_different_place")
        and same_phone
    ):
        fail(f"pair {p} should not share a phone")
    if p["duplicate"]:
        days = abs((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days)
        if days > 14:
            fail(f"pair {p} {days} days apart")
        if a["topic"] != b["topic"] or a["scope"] or b["scope"]:
            fail(f"pair {p} topic/scope differ")
    if p["kind"] == "same_matter_different_place" and a["topic"] != b["topic"]:
        fail(f"pair {p} topics differ")
    if (
        p["kind"] in ("same_place_different_matter", "same_person_different_matter")
        and a["topic"] == b["topic"]
    ):
        print(f"note: {p['a']} {p['b']} {p['kind']} share topic {a['topic']}")

# duplicate groups must be closed: if a~b and b~c then a~c listed
dup = collections.defaultdict(set)
for p in pairs:
    if p["duplicate"]:
        dup[p["a"]].add(p["b"])
        dup[p["b"]].add(p["a"])
for x, ys in dup.items():
    for y in ys:
        for z in dup[y] - {x}:
            if z not in ys:
                fail(f"not transitive: {x}~{y}~{z}")

# a phone shared by two appeals must be a listed same_person pair
phones = collections.defaultdict(list)
for a in appeals:
    if a["phone"]:
        phones[a["phone"]].append(a["id"])
for ids in phones.values():
    for i in ids:
        for j in ids:
            if i < j and frozenset((i, j)) not in seen:
                fail(f"{i} {j} share a phone but are not listed")

print("OK", len(appeals), "appeals,", len(pairs), "pairs")
print(
    "in scope",
    sum(a["scope"] is None for a in appeals),
    "out of scope",
    sum(a["scope"] is not None for a in appeals),
)
print(
    "scope codes",
    dict(collections.Counter(a["scope"] for a in appeals if a["scope"]).most_common()),
)
near = [a["id"] for a in appeals if a["scope"] is None and NEAR.search(a["text"])]
print(
    "in-scope near misses (mention 110/派出所/法院/人大/政协/部队/军人/火灾/消防/信访/警察):",
    len(near),
)
print("  ", " ".join(near))
print(
    "topics",
    len(set(a["topic"] for a in appeals)),
    "(in scope:",
    len(set(a["topic"] for a in appeals if a["scope"] is None)),
    ")",
)
for t, n in collections.Counter(a["topic"] for a in appeals).most_common():
    print(f"  {t}: {n}")
print("pair kinds")
for (k, d), n in sorted(collections.Counter((p["kind"], p["duplicate"]) for p in pairs).items()):
    print(f"  {k} (duplicate={str(d).lower()}): {n}")
lens = sorted(len(a["text"]) for a in appeals)
print("text length min/median/max", lens[0], lens[len(lens) // 2], lens[-1])
print(
    "no phone",
    sum(not a["phone"] for a in appeals),
    "no address",
    sum(not a["address"] for a in appeals),
    "码上找代表",
    sum("码上找代表" in a["text"] for a in appeals),
)
