"""The hints' reads: the suggestion for a text (``suggest``), the scope hint (``scope_hint``) and
the accuracy figures of the page (``accuracy``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from minyi.core import clock, timefmt
from minyi.core.timefmt import SHANGHAI
from minyi.hints import store, training
from minyi.hints.models import HintKind, HintModel, HintOutcome, percent
from minyi.reference.models import Category, Department, ScopeReason
from minyi.textmine import scope

TOP = 3
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Hint:
    kind: str
    items: list[Item] = field(default_factory=list)
    version: int | None = None
    message: str = ""  # why there is no hint

    @property
    def label(self) -> str:
        return HintKind(self.kind).label


def _names(kind: str, ids: list[int]) -> dict[int, str]:
    """The active labels' names, read once per kind every ``HINTS_RECHECK_SECONDS`` (a few
    dozen departments, a few hundred categories): a hint then costs no query at all."""
    now = time.monotonic()
    cached = store.names_cache.get(kind)
    if cached is None or now - cached[0] >= store.recheck_seconds():
        if kind == HintKind.CATEGORY:
            rows = Category.objects.filter(is_active=True).select_related("parent")
            names = {c.pk: str(c) for c in rows}
        else:
            names = dict(Department.objects.filter(is_active=True).values_list("pk", "name"))
        store.names_cache[kind] = cached = (now, names)
    return {i: cached[1][i] for i in ids if i in cached[1]}


def suggest(*, kind: str, text: str) -> Hint:
    """The top three (active) labels for ``text`` with their probabilities, or why none."""
    hint = Hint(kind=kind)
    if not (text or "").strip():
        hint.message = "填写标题和诉求内容后显示提示。"
        return hint
    loaded = store.latest(kind)
    if loaded is None:
        hint.message = (
            f"历史派单工单不足 {training.min_orders()} 件或模型尚未训练，暂无{hint.label}提示。"
        )
        return hint
    hint.version, router = loaded
    ranked = router.top(text, k=TOP * 2)  # a few spare, for labels retired since training
    names = _names(kind, [label for label, _ in ranked])
    hint.items = [Item(label, names[label], p) for label, p in ranked if label in names][:TOP]
    if not hint.items:
        hint.message = f"暂无{hint.label}提示。"
    return hint


@dataclass(frozen=True)
class ScopeHint:
    code: str
    title: str
    basis: str

    @property
    def emergency(self) -> bool:
        return self.code == EMERGENCY


def _scope_code(text: str) -> str | None:
    return scope.hint(text)


def scope_hint(text: str) -> ScopeHint | None:
    """The out-of-scope reason the text looks like (minyi.textmine.scope), with its name and
    basis from the ScopeReason table: a hint only, never a refusal."""
    code = _scope_code(text or "")
    if not code:
        return None
    reason = ScopeReason.objects.filter(code=code).first()
    if reason is None:
        return ScopeHint(code, code, "")
    return ScopeHint(code, reason.title, reason.basis)


def _rate(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


def _rows(queryset, *keys: str) -> list[dict]:
    rows = []
    for row in queryset.annotate(
        n=Count("id"),
        top1=Count("id", filter=Q(rank=1)),
        top3=Count("id", filter=Q(rank__isnull=False)),
    ).order_by(*[f"-{k}" if k != "kind" else k for k in keys]):
        row["top1_rate"] = _rate(row["top1"], row["n"])
        row["top3_rate"] = _rate(row["top3"], row["n"])
        row["kind_label"] = HintKind(row["kind"]).label
        if row.get("week") is not None:  # Monday of the week, Beijing time
            row["week_text"] = timefmt.day_text(timefmt.local(row["week"]).date())
        rows.append(row)
    return rows


def accuracy(*, weeks: int = 12) -> dict:
    """Top-1 and top-3 hit rates of the recorded outcomes per kind, per (Beijing) week of the
    last ``weeks`` and per model version, and the stored models."""
    since = clock.now() - timedelta(weeks=weeks)
    recent = HintOutcome.objects.filter(at__gte=since)
    by_week = _rows(
        recent.annotate(week=TruncWeek("at", tzinfo=SHANGHAI)).values("kind", "week"),
        "kind",
        "week",
    )
    by_version = _rows(HintOutcome.objects.values("kind", "model_version"), "kind", "model_version")
    totals = _rows(recent.values("kind"), "kind")
    models = HintModel.objects.defer("payload").select_related("trained_by")[:40]
    return {
        "by_week": by_week,
        "by_version": by_version,
        "totals": totals,
        "models": models,
        "weeks": weeks,
        "min_orders": training.min_orders(),
    }
