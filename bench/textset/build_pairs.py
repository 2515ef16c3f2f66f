"""Write pairs.jsonl from the hand-made labels below (run: python bench/textset/build_pairs.py).

The appeals were written by hand; this file only records, by hand, which appeals are the
same matter and which pairs are deliberate hard negatives, and expands them into pairs.
Positive kind is decided by the phone: same phone -> same_person_reworded, else
same_matter_same_place.  same_person_different_matter is every pair sharing a phone
that is not in one matter.
"""

import itertools
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Same concrete matter at the same place (every pair inside a group is a duplicate).
MATTERS = {
    "韶峰村3组路灯": "a001 a002 a003 a004",
    "枫林小区停水": "a008 a009 a010 a011",
    "锦绣华庭工地欠薪": "a015 a016 a017 a018",
    "人民路建设路口夜间施工": "a022 a023 a024 a025",
    "滨江公园东门广场舞": "a029 a030 a031 a032",
    "如意镇新街垃圾站": "a036 a037 a038 a039",
    "翠湖御景5栋电梯": "a043 a044 a045 a046",
    "韶山大道加油站门口坑": "a050 a051 a052 a053",
    "火车站涵洞积水": "a057 a058 a059 a060",
    "双井村征地款": "a064 a065 a066 a067",
    "青山村砖厂": "a071 a072 a073 a074",
    "白鹭湾水黄": "a078 a079 a080 a081",
    "古塘村村道": "a085 a086 a087 a088",
    "阳光新城学区": "a090 a091 a092 a093",
    "12路不停石坝": "a095 a096 a097 a098",
    "三中门口过期零食": "a100 a101 a102 a103",
    "银田镇爆管停水": "a105 a106 a107 a108",
    "湘韵花园后门路灯": "a109 a110 a111 a112",
    "新华制衣厂欠薪": "a113 a114 a115 a116",
    "红旗路菜市场野狗": "a117 a118 a119 a120",
    "兴隆街夜色清吧": "a430 a431 a432",
    "金桂苑门口乱停车": "a433 a434 a435",
}

# (one appeal, appeals it is compared with): same address, different matter.
SAME_PLACE = [
    ("a006", "韶峰村3组路灯"),
    ("a013", "枫林小区停水"),
    ("a020", "锦绣华庭工地欠薪"),
    ("a027", "人民路建设路口夜间施工"),
    ("a034", "滨江公园东门广场舞"),
    ("a041", "如意镇新街垃圾站"),
    ("a048", "翠湖御景5栋电梯"),
    ("a055", "韶山大道加油站门口坑"),
    ("a062", "火车站涵洞积水"),
    ("a069", "双井村征地款"),
    ("a076", "青山村砖厂"),
    ("a083", "白鹭湾水黄"),
    ("a269", "12路不停石坝"),
    ("a422", "12路不停石坝"),
    ("a382", "韶山大道加油站门口坑"),
    ("a366", "古塘村村道"),
    ("a411", "三中门口过期零食"),
    ("a337", "湘韵花园后门路灯"),
    ("a049", "阳光新城学区"),
    "a340 a040",
    "a385 a248",
    "a391 a252",
    "a317 a218",
    "a330 a056",
    "a333 a276",
    "a335 a216",
    "a358 a320",
    "a370 a387",
    "a348 a042",
    "a372 a211",
    "a404 a230",
    "a390 a222",
    "a369 a229 a273",
    "a223 a277 a328 a397",
    "a367 a374 a388",
    "a255 a399",
    "a264 a281 a429",
    "a205 a231",
    "a200 a343",
    "a204 a339",
    "a228 a352 a418",
    "a125 a280 a349",
    "a271 a224",
    "a275 a368",
    "a014 a371",
    "a346 a070",
    "a260 a383",
    "a308 a197",
    "a124 a347",
    "a283 a161 a077",
    "a163 a226",
    "a284 a268",
    "a286 a208",
    "a287 a253",
    "a290 a232",
    "a261 a373",
    "a258 a318",
    "a324 a376",
    "a203 a377",
    "a334 a162",
    "a357 a389 a243",
    "a314 a216 a335",
    "a313 a327",
    "a341 a332",
    ("a325", "兴隆街夜色清吧"),
    ("a283", "金桂苑门口乱停车"),
    ("a161", "金桂苑门口乱停车"),
    "a452 a388",
    "a453 a344",
]

# Same kind of matter (same topic), different place.
SAME_MATTER_ELSEWHERE = [
    ("a007", "韶峰村3组路灯"),
    ("a014", "枫林小区停水"),
    ("a021", "锦绣华庭工地欠薪"),
    ("a028", "人民路建设路口夜间施工"),
    ("a035", "滨江公园东门广场舞"),
    ("a042", "如意镇新街垃圾站"),
    ("a049", "翠湖御景5栋电梯"),
    ("a056", "韶山大道加油站门口坑"),
    ("a063", "火车站涵洞积水"),
    ("a070", "双井村征地款"),
    ("a077", "青山村砖厂"),
    ("a084", "白鹭湾水黄"),
    ("a344", "古塘村村道"),
    ("a308", "阳光新城学区"),
    ("a311", "12路不停石坝"),
    ("a357", "三中门口过期零食"),
    ("a221", "银田镇爆管停水"),
    ("a207", "湘韵花园后门路灯"),
    ("a243", "新华制衣厂欠薪"),
    ("a270", "红旗路菜市场野狗"),
    ("a217", "韶峰村3组路灯"),
    ("a426", "火车站涵洞积水"),
    ("a006", "红旗路菜市场野狗"),
    ("a040", "双井村征地款"),
    ("a383", "青山村砖厂"),
    ("a374", "白鹭湾水黄"),
    ("a061", "12路不停石坝"),
    ("韶峰村3组路灯", "湘韵花园后门路灯"),
    ("枫林小区停水", "银田镇爆管停水"),
    ("锦绣华庭工地欠薪", "新华制衣厂欠薪"),
    ("a445", "双井村征地款"),
    ("a048", "兴隆街夜色清吧"),
    ("a094", "金桂苑门口乱停车"),
    ("a436", "韶峰村3组路灯"),
    ("a437", "枫林小区停水"),
    "a454 a076",
    "a436 a215",
    "a047 a443",
]


def ids(ref):
    return MATTERS[ref].split() if ref in MATTERS else ref.split()


def build(appeals):
    by_id = {a["id"]: a for a in appeals}
    matter_of = {i: m for m, group in MATTERS.items() for i in group.split()}
    pairs = {}

    def add(a, b, kind, dup):
        key = tuple(sorted((a, b)))
        assert key[0] != key[1], key
        if key in pairs:
            assert pairs[key]["duplicate"] == dup, (key, kind, pairs[key])
            return
        pairs[key] = {"a": key[0], "b": key[1], "kind": kind, "duplicate": dup}

    for group in MATTERS.values():
        for a, b in itertools.combinations(group.split(), 2):
            same = by_id[a]["phone"] and by_id[a]["phone"] == by_id[b]["phone"]
            add(a, b, "same_person_reworded" if same else "same_matter_same_place", True)
    by_phone = {}
    for a in appeals:
        if a["phone"]:
            by_phone.setdefault(a["phone"], []).append(a["id"])
    for members in by_phone.values():
        for a, b in itertools.combinations(members, 2):
            if matter_of.get(a) is None or matter_of.get(a) != matter_of.get(b):
                add(a, b, "same_person_different_matter", False)
    for kind, spec in (
        ("same_place_different_matter", SAME_PLACE),
        ("same_matter_different_place", SAME_MATTER_ELSEWHERE),
    ):
        for item in spec:
            if isinstance(item, str):
                for a, b in itertools.combinations(item.split(), 2):
                    add(a, b, kind, False)
            else:
                for a in ids(item[0]):
                    for b in ids(item[1]):
                        add(a, b, kind, False)
    return sorted(pairs.values(), key=lambda p: (not p["duplicate"], p["kind"], p["a"], p["b"]))


if __name__ == "__main__":
    appeals = [json.loads(line) for line in (HERE / "appeals.jsonl").open(encoding="utf-8")]
    out = build(appeals)
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for p in out:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(len(out), "pairs")
