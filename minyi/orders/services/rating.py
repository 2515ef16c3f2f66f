"""The deputy rates the result on their own page (DESIGN §3, issue 9 rule 7).

衡阳: "由承办单位通过电话、短信告诉人大代表办理结果，并征求人大代表对办理结果是否满意". The reply SMS
carries the result (minyi/notify/rules.py); the deputy who raised the order answers 满意 / 基本满意 /
不满意 and whether it is solved. That answer *is* the callback for the deputy: it goes through
``closing.order_callback`` like the callback agent's, marked ``CallbackRater.DEPUTY``, so the same
rules follow — a satisfied rating lets the agent archive, a dissatisfied one leads to redo or
supervision — and the order waits in the agent's 回访中 queue.

One rating per reply: the first reached callback after the reply (the deputy's, or the agent's
who reached the deputy by phone) ends the rating. The same rating sent again (a double submit)
returns the callback already made; a different one is refused.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from minyi.accounts.models import Role
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    Callback,
    CallbackRater,
    EventKind,
    Satisfaction,
    Solved,
    Status,
    WorkOrder,
)
from minyi.orders.services.closing import order_callback
from minyi.orders.services.common import lock_order, require_status

# What a deputy may answer: a rating, never 未接通 (that is the agent's record of a call).
DEPUTY_SATISFACTION = (Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED)


def is_raising_deputy(user, order: WorkOrder) -> bool:
    """``user`` is the account of the deputy who raised ``order``."""
    return bool(
        user is not None
        and getattr(user, "role", "") == Role.DEPUTY
        and order.deputy_id is not None
        and getattr(user, "deputy_id", None) == order.deputy_id
    )


def rating_of_this_reply(order: WorkOrder) -> Callback | None:
    """The reached callback (a rating, not 未接通) given since the order's current reply, if any.
    Read from the ledger, whose ids follow the order of the actions (times may tie)."""
    events = order.events.order_by("-id")
    reply = events.filter(
        Q(kind=EventKind.REPLIED, to_status=Status.REPLIED) | Q(kind=EventKind.DIRECT_ANSWER)
    ).first()
    rated = events.filter(kind=EventKind.CALLED_BACK).exclude(
        data__satisfaction=Satisfaction.UNREACHABLE
    )
    if reply is not None:
        rated = rated.filter(id__gt=reply.pk)
    callback = rated.values_list("data__callback", flat=True).first()
    return Callback.objects.filter(pk=callback).first() if callback else None


def awaiting_deputy_rating(order: WorkOrder) -> bool:
    """The order's reply waits for a rating the deputy may give."""
    return (
        order.deputy_id is not None
        and order.status in (Status.REPLIED, Status.CALLBACK)
        and rating_of_this_reply(order) is None
    )


@transaction.atomic
def order_deputy_rate(
    *, order: WorkOrder, satisfaction: str, solved: str, note: str = "", actor
) -> Callback:
    """评价办理结果 by the deputy who raised the order: the callback, given by the deputy.

    1. only that deputy's account; a rating (满意/基本满意/不满意) and a ``Solved`` answer, with
       no default: the deputy says whether it is solved;
    2. under the order's lock, the rating already given for this reply: the same one again is
       returned as it is (a double submit), a different one refused;
    3. ``order_callback`` records it (solved only when 已解决; 部分解决 and 暂未解决 are not a
       confirmed solution).
    """
    if not is_raising_deputy(actor, order):
        raise InvalidTransition("只有反映该工单的代表本人可以评价办理结果。")
    if satisfaction not in DEPUTY_SATISFACTION:
        raise ValidationFailed("请选择满意度（满意、基本满意、不满意）。")
    if solved not in Solved.values:
        raise ValidationFailed("请选择诉求是否解决（已解决、部分解决、暂未解决）。")
    confirmed = solved == Solved.SOLVED
    order = lock_order(order)
    require_status(order, [Status.REPLIED, Status.CALLBACK], "评价办理结果")
    given = rating_of_this_reply(order)
    if given is not None:
        if (
            given.rater == CallbackRater.DEPUTY
            and given.agent_id == actor.pk
            and (given.satisfaction, given.solved, given.note)
            == (satisfaction, confirmed, (note or "").strip())
        ):
            return given
        raise InvalidTransition(
            f"本次办理结果已评价（{given.get_satisfaction_display()}），如有不同意见请致电12345。"
        )
    return order_callback(
        order=order,
        satisfaction=satisfaction,
        solved=confirmed,
        note=note,
        actor=actor,
        rater=CallbackRater.DEPUTY,
    )
