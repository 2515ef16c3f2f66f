"""Which time-limit rule applies to an order (DESIGN §3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from minyi.core.errors import ValidationFailed
from minyi.reference.models import ClockStart, LimitStage, TimeLimitRule
from minyi.reference.snapshots import snapshot


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str
    clock_start: str = ClockStart.DISPATCH

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Limit:
        return cls(
            amount=int(data["amount"]),
            unit=data["unit"],
            clock_start=data.get("clock_start", ClockStart.DISPATCH),
        )


def _matches(
    rule: TimeLimitRule, *, request_type_id: int | None, urgency: str, complexity: str
) -> bool:
    return (
        (rule.request_type_id is None or rule.request_type_id == request_type_id)
        and (not rule.urgency or rule.urgency == urgency)
        and (not rule.complexity or rule.complexity == complexity)
    )


def policy() -> tuple[TimeLimitRule, ...]:
    """Every time-limit rule, as this process keeps them (``snapshots``: read again after any
    rule is saved or deleted, in any process)."""
    return snapshot("time_limit_rules", lambda: tuple(TimeLimitRule.objects.order_by("id")))


def limit_for(
    stage: str, *, request_type_id: int | None, urgency: str, complexity: str, rules=None
) -> Limit:
    """The matching rule with the highest priority; among equal priorities the most specific
    (the one naming more of request type, urgency, complexity), then the oldest. ``rules``: the
    policy in force (``policy()`` by default)."""
    candidates = [
        r
        for r in (rules if rules is not None else policy())
        if r.stage == stage
        and _matches(r, request_type_id=request_type_id, urgency=urgency, complexity=complexity)
    ]
    if not candidates:
        raise ValidationFailed(
            f"没有适用于“{LimitStage(stage).label}”环节的办理时限规则，请管理员先配置。"
        )
    rule = max(candidates, key=lambda r: (r.priority, r.specificity(), -r.id))
    return Limit(amount=rule.amount, unit=rule.unit, clock_start=rule.clock_start)


# The stages a department is on the clock for, snapshotted on each assignment at dispatch.
DEPARTMENT_STAGES = (LimitStage.SIGN, LimitStage.RETURN, LimitStage.HANDLE)


def _key(order) -> dict:
    return {
        "request_type_id": order.request_type_id,
        "urgency": order.urgency,
        "complexity": order.complexity,
    }


def limits_for_order(order, rules=None) -> dict[str, dict]:
    """Snapshot of the sign / return / handle limits for an order, stored on each assignment."""
    if rules is None:
        rules = policy()
    return {
        str(stage): limit_for(stage, rules=rules, **_key(order)).as_dict()
        for stage in DEPARTMENT_STAGES
    }


def dispatch_limit_for(order, rules=None) -> Limit:
    """The dispatch limit (受理 → 派单) for an order, snapshotted on the order at acceptance."""
    return limit_for(LimitStage.DISPATCH, rules=rules, **_key(order))
