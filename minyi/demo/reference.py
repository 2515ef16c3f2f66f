"""韶山's region tree, its people's congresses, the request categories and the departments."""

from __future__ import annotations

import random
from dataclasses import dataclass

from minyi.demo.names import NameMaker, landline
from minyi.deputies.models import Congress, Level
from minyi.reference.models import Category, Department, Region, RegionLevel

# key, name, level, GB/T 2260 code (townships: the 9-digit statistical code), parent key
REGIONS = (
    ("hn", "湖南省", RegionLevel.PROVINCE, "430000", None),
    ("xt", "湘潭市", RegionLevel.CITY, "430300", "hn"),
    ("ss", "韶山市", RegionLevel.COUNTY, "430382", "xt"),  # a county-level city
    ("qx", "清溪镇", RegionLevel.TOWNSHIP, "430382100", "ss"),
    ("yt", "银田镇", RegionLevel.TOWNSHIP, "430382101", "ss"),
    ("ssx", "韶山乡", RegionLevel.TOWNSHIP, "430382200", "ss"),
    ("yl", "杨林乡", RegionLevel.TOWNSHIP, "430382201", "ss"),
)
TOWNSHIPS = ("qx", "yt", "ssx", "yl")
MARKER_CODE = "430382"  # the demo is loaded when 韶山市 is in the region table

CONGRESS_LEVEL = {
    RegionLevel.PROVINCE: Level.PROVINCIAL,
    RegionLevel.CITY: Level.CITY,
    RegionLevel.COUNTY: Level.COUNTY,
    RegionLevel.TOWNSHIP: Level.TOWNSHIP,
}

# Where matters happen: villages, communities and roads of each township (for addresses).
PLACES = {
    "qx": ("韶山火车站社区", "清溪村", "韶山东路", "迎宾路", "清溪集镇", "日升社区", "学堂路"),
    "yt": ("银田村", "银田集镇", "红旗村", "桥头村", "银田路"),
    "ssx": ("韶山村", "韶山冲", "旅游路", "平里村", "韶山乡集镇"),
    "yl": ("杨林村", "石屏村", "杨林集镇", "双龙村"),
}

CATEGORIES = (
    ("城市管理", ("市容环境", "占道经营", "违章搭建", "路灯照明")),
    ("道路交通", ("交通信号", "违章停车", "道路破损", "公交出行")),
    ("环境保护", ("噪声扰民", "污水排放", "垃圾清运")),
    ("社会治安", ()),
    ("社会服务", ("社保医保", "教育就学", "养老服务")),
    ("供水供电", ("停水", "停电")),
    ("农业农村", ()),
    ("住房建设", ()),
    ("市场监管", ()),
    ("文化旅游", ()),
    ("其他", ()),
)

# code, name, short name, parent code, region key, categories ("parent" or "parent/child")
DEPARTMENTS = (
    ("xzsp", "韶山市行政审批服务局", "行政审批局", None, "ss", ("其他",)),
    ("cg", "韶山市城市管理和综合执法局", "城管局", None, "ss",
     ("城市管理", "城市管理/市容环境", "城市管理/占道经营", "城市管理/违章搭建",
      "城市管理/路灯照明", "环境保护/垃圾清运")),
    ("hw", "韶山市环境卫生服务中心", "环卫中心", "cg", "ss",
     ("城市管理/市容环境", "环境保护/垃圾清运")),
    ("jt", "韶山市交通运输局", "交通运输局", None, "ss",
     ("道路交通", "道路交通/道路破损", "道路交通/公交出行")),
    ("gl", "韶山市公路建设养护中心", "公路养护中心", "jt", "ss", ("道路交通/道路破损",)),
    ("ga", "韶山市公安局", "公安局", None, "ss", ("社会治安", "环境保护/噪声扰民")),
    ("jj", "韶山市公安局交通警察大队", "交警大队", "ga", "ss",
     ("道路交通/交通信号", "道路交通/违章停车")),
    ("zj", "韶山市住房和城乡建设局", "住建局", None, "ss", ("住房建设", "城市管理/违章搭建")),
    ("zr", "韶山市自然资源局", "自然资源局", None, "ss", ("城市管理/违章搭建", "住房建设")),
    ("hb", "湘潭市生态环境局韶山分局", "生态环境分局", None, "ss",
     ("环境保护", "环境保护/噪声扰民", "环境保护/污水排放")),
    ("wj", "韶山市卫生健康局", "卫健局", None, "ss", ("社会服务",)),
    ("jy", "韶山市教育局", "教育局", None, "ss", ("社会服务/教育就学",)),
    ("rs", "韶山市人力资源和社会保障局", "人社局", None, "ss", ("社会服务/社保医保",)),
    ("yb", "韶山市医疗保障局", "医保局", None, "ss", ("社会服务/社保医保",)),
    ("sj", "韶山市市场监督管理局", "市场监管局", None, "ss", ("市场监管",)),
    ("mz", "韶山市民政局", "民政局", None, "ss", ("社会服务/养老服务",)),
    ("nn", "韶山市农业农村局", "农业农村局", None, "ss", ("农业农村",)),
    ("sl", "韶山市水利局", "水利局", None, "ss", ("农业农村", "供水供电/停水")),
    ("wl", "韶山市文化旅游广电体育局", "文旅广体局", None, "ss", ("文化旅游",)),
    ("gd", "国网韶山市供电公司", "供电公司", None, "ss", ("供水供电", "供水供电/停电")),
    ("zls", "韶山市自来水公司", "自来水公司", None, "ss", ("供水供电/停水",)),
    ("fg", "韶山市发展和改革局", "发改局", None, "ss", ("其他",)),
    ("cz", "韶山市财政局", "财政局", None, "ss", ("其他",)),
    ("yj", "韶山市应急管理局", "应急管理局", None, "ss", ("社会治安",)),
    ("ly", "韶山市林业局", "林业局", None, "ss", ("农业农村",)),
    ("ty", "韶山市退役军人事务局", "退役军人事务局", None, "ss", ("社会服务",)),
    ("sf", "韶山市司法局", "司法局", None, "ss", ("其他",)),
    ("qx", "清溪镇人民政府", "清溪镇", None, "qx", ("城市管理/市容环境", "农业农村", "其他")),
    ("yt", "银田镇人民政府", "银田镇", None, "yt", ("城市管理/市容环境", "农业农村", "其他")),
    ("ssx", "韶山乡人民政府", "韶山乡", None, "ssx", ("城市管理/市容环境", "农业农村", "其他")),
    ("yl", "杨林乡人民政府", "杨林乡", None, "yl", ("城市管理/市容环境", "农业农村", "其他")),
)  # fmt: skip


@dataclass
class Reference:
    regions: dict[str, Region]
    congresses: dict[str, Congress]  # by region key
    categories: dict[str, Category]  # by path, "城市管理" or "城市管理/路灯照明"
    departments: dict[str, Department]  # by code


def load_reference(rng: random.Random, names: NameMaker) -> Reference:
    regions = _load_regions()
    congresses = {
        key: Congress(name=f"{region.name}人大", level=CONGRESS_LEVEL[region.level], region=region)
        for key, region in regions.items()
    }
    Congress.objects.bulk_create(congresses.values())
    categories = _load_categories()
    departments = _load_departments(rng, names, regions, categories)
    return Reference(regions, congresses, categories, departments)


def _load_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    # One bulk insert per level, so each level's parents already have primary keys.
    for depth in range(4):
        batch = {}
        for key, name, level, code, parent in REGIONS:
            if _depth(key) == depth:
                batch[key] = Region(
                    name=name, level=level, code=code, parent=regions.get(parent or "")
                )
        Region.objects.bulk_create(batch.values())
        regions.update(batch)
    return regions


def _depth(key: str) -> int:
    parents = {k: p for k, _, _, _, p in REGIONS}
    depth = 0
    while parents[key]:
        key, depth = parents[key], depth + 1
    return depth


def _load_categories() -> dict[str, Category]:
    tops = {name: Category(name=name) for name, _ in CATEGORIES}
    Category.objects.bulk_create(tops.values())
    children = {
        f"{top}/{child}": Category(name=child, parent=tops[top])
        for top, subs in CATEGORIES
        for child in subs
    }
    Category.objects.bulk_create(children.values())
    return {**tops, **children}


def _load_departments(rng, names, regions, categories) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for parented in (False, True):
        batch = {}
        for code, name, short, parent, region, _ in DEPARTMENTS:
            if bool(parent) != parented:
                continue
            batch[code] = Department(
                name=name,
                short_name=short,
                parent=departments.get(parent or ""),
                region=regions[region],
                contact_name=names.person()[0],
                contact_phone=landline(rng),
            )
        Department.objects.bulk_create(batch.values())
        departments.update(batch)
    links = Department.categories.through
    links.objects.bulk_create(
        links(department_id=departments[code].pk, category_id=categories[path].pk)
        for code, *_, paths in DEPARTMENTS
        for path in paths
    )
    return departments
