"""The ledger's columns, defined once: the page, the xlsx, the PDF and the ``ledger`` command
read these. A row must have passed ``minyi.ledger.selectors.rows_prepare`` (``row.person``,
``row.shown_title``): what a column shows of a person is the privacy rule's answer.

``COLUMNS`` is the flat list (one xlsx column each); ``GROUPS`` stacks them two to a cell for
the wide table of the page and the PDF (compact two-line cells), with the PDF's width in points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from minyi.core import timefmt
from minyi.deputies.models import Level


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # in the xlsx, in characters
    value: Callable[[object], object]  # the row's value: text, a number, or "" for none

    def text(self, row) -> str:
        value = self.value(row)
        return "" if value is None else str(value)


def _time(value) -> str:
    return timefmt.local_text(value) if value else ""


def _yes_no(value) -> str:
    return {True: "是", False: "否"}.get(value, "")


def _deputy(row) -> str:
    if not row.order.deputy_id:
        return ""
    return row.person.deputy or row.person.label


def _level(row) -> str:
    """The levels of the deputy's mandates when the order was made, highest first: 省级、市级."""
    if not row.person.deputy or not row.deputy_level:
        return ""
    levels = (row.deputy_levels or row.deputy_level).split(",")
    labels = [Level(level).label for level in levels if level in Level.values]
    return "、".join(label if len(label) > 1 else f"{label}级" for label in labels)


def _assisting(row) -> str:
    _, _, assisting = (row.departments or "").partition("；协办：")
    return assisting


def _solved(row) -> str:
    return {True: "已解决", False: "未解决"}.get(row.solved, "")


def _name(related) -> str:
    return str(related) if related is not None else ""


COLUMNS: tuple[Column, ...] = (
    Column("number", "工单编号", 22, lambda r: r.order.number),
    Column("created", "登记时间", 17, lambda r: _time(r.created_at)),
    Column("deputy", "反映代表", 10, _deputy),
    Column("level", "代表层级", 9, _level),
    Column("channel", "来源渠道", 10, lambda r: r.person.channel_label),
    Column("request_type", "诉求类型", 9, lambda r: _name(r.request_type)),
    Column("category", "诉求分类", 16, lambda r: _name(r.category)),
    Column("region", "所属区域", 10, lambda r: _name(r.region)),
    Column("title", "诉求摘要", 30, lambda r: r.shown_title),
    Column("lead", "主办单位", 18, lambda r: _name(r.lead_department)),
    Column("assisting", "协办单位", 18, _assisting),
    Column("accepted", "受理时间", 17, lambda r: _time(r.accepted_at)),
    Column("dispatched", "派单时间", 17, lambda r: _time(r.dispatched_at)),
    Column("signed", "签收时间", 17, lambda r: _time(r.signed_at)),
    Column("replied", "答复时间", 17, lambda r: _time(r.replied_at)),
    Column("called_back", "回访时间", 17, lambda r: _time(r.called_back_at)),
    Column("closed", "办结时间", 17, lambda r: _time(r.closed_at)),
    Column("returns_accepted", "退件（同意）", 8, lambda r: r.returns_accepted),
    Column("returns_refused", "退件（驳回）", 8, lambda r: r.returns_refused),
    Column("extensions", "延期", 6, lambda r: r.extensions),
    Column("redo", "重办", 6, lambda r: r.redo_count),
    Column("sign_on_time", "按时签收", 8, lambda r: _yes_no(r.sign_on_time)),
    Column("reply_on_time", "按时办结", 8, lambda r: _yes_no(r.reply_on_time)),
    Column("satisfaction", "满意度", 8, lambda r: r.get_satisfaction_display()),
    Column("solved", "是否解决", 8, _solved),
    Column("supervised", "督办次数", 8, lambda r: r.supervised),
    Column("tracking", "跟踪督办", 8, lambda r: r.get_tracking_display()),
    Column("status", "当前状态", 9, lambda r: r.get_status_display()),
)
BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class Group:
    """One cell of the wide table: one or two columns stacked, and its width in the PDF (pt)."""

    columns: tuple[Column, ...]
    pdf_width: float

    @property
    def key(self) -> str:
        return self.columns[0].key

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(column.label for column in self.columns)

    def texts(self, row) -> tuple[str, ...]:
        return tuple(column.text(row) for column in self.columns)


def _group(keys: str, pdf_width: float) -> Group:
    return Group(tuple(BY_KEY[key] for key in keys.split()), pdf_width)


GROUPS: tuple[Group, ...] = (
    _group("number created", 84),
    _group("deputy level", 48),
    _group("channel request_type", 46),
    _group("category region", 56),
    _group("title", 97),
    _group("lead assisting", 74),
    _group("accepted dispatched", 61),
    _group("signed replied", 61),
    _group("called_back closed", 61),
    _group("returns_accepted returns_refused", 36),
    _group("extensions redo", 24),
    _group("sign_on_time reply_on_time", 34),
    _group("satisfaction solved", 34),
    _group("supervised tracking", 36),
    _group("status", 38),
)
assert {c.key for g in GROUPS for c in g.columns} == set(BY_KEY), "every column in one group"
