"""The reference rows the bench orders point at, the words they are made of, and the moment of
the scan under test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

NUMBER_PREFIX = "BENCH-"  # the loaded orders; service-created ones use the real numbering


# The scan under test runs just after midnight on a working day, ten minutes after the previous
# one: everything due yesterday that is still open turns red, everything due today turns yellow.
SCAN_NOW = datetime.fromisoformat("2026-12-29T00:05:00+08:00")
PREVIOUS_SCAN = SCAN_NOW - timedelta(minutes=10)
HORIZON = timedelta(days=90)  # orders are dispatched over the 90 days before the scan


@dataclass
class Fixtures:
    region_id: int
    departments: list  # Department instances
    request_types: dict  # code -> RequestType
    rules: list  # TimeLimitRule instances


def fixtures() -> Fixtures:
    from minyi.reference.models import Department, Region, RequestType, TimeLimitRule

    region, _ = Region.objects.get_or_create(
        name="基准市", parent=None, defaults={"level": "city", "code": ""}
    )
    departments = []
    for name in DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(
            name=f"基准市{name}", defaults={"region": region, "short_name": name[:32]}
        )
        departments.append(dept)
    types = {t.code: t for t in RequestType.objects.all()}
    missing = {code for code, _ in TYPE_WEIGHTS} - set(types)
    if missing:
        raise SystemExit(f"request types missing from the seed: {sorted(missing)}")
    return Fixtures(region.pk, departments, types, list(TimeLimitRule.objects.all()))


DEPARTMENTS = [
    "城市管理局",
    "住房和城乡建设局",
    "自然资源和规划局",
    "生态环境局",
    "交通运输局",
    "公安局交警支队",
    "市场监督管理局",
    "人力资源和社会保障局",
    "教育局",
    "卫生健康委员会",
    "民政局",
    "水利局",
    "农业农村局",
    "医疗保障局",
    "应急管理局",
    "文化旅游广电体育局",
    "供水公司",
    "供电公司",
    "燃气公司",
    "雁峰区人民政府",
]
TYPE_WEIGHTS = [
    ("consult", 25),
    ("help", 22),
    ("suggest", 10),
    ("criticize", 4),
    ("complain", 27),
    ("report", 6),
    ("urgent", 6),
]
TITLES = [
    "小区路灯损坏夜间无照明",
    "道路井盖缺失存在安全隐患",
    "夜间施工噪音扰民",
    "餐饮油烟直排影响居民生活",
    "小区地下室长期积水",
    "公交站台破损需维修",
    "农贸市场周边占道经营",
    "医保报销进度咨询",
    "企业拖欠农民工工资",
    "学校周边交通拥堵",
    "楼道堆放杂物消防隐患",
    "供水管道破裂停水",
    "物业服务不到位投诉",
    "住房公积金提取政策咨询",
    "违章搭建影响采光",
]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞"]


def connections_close_for_fork() -> None:
    """Close the connections *and* the connection pools before forking workers: a pool keeps
    its idle connections open across ``close_all()``, and a child that inherits one shares the
    parent's socket (its first query then reads the other process's answer)."""
    from django.db import connections

    connections.close_all()
    for conn in connections.all(initialized_only=True):
        if conn.settings_dict.get("OPTIONS", {}).get("pool") and hasattr(conn, "close_pool"):
            conn.close_pool()
