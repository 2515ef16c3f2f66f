"""What comes back from 12345 to a message forwarded as a work order (``handling.message_forward``).

The orders services call ``order_followed`` explicitly (imported lazily: orders know nothing of
码上找代表 but this one function) where an order of channel 码上找代表 is refused or archived,
inside the same transaction:

- 不予受理 (at intake or the dispatcher's later finding): the message is open again with whoever
  forwarded it, an ``order_rejected`` event carrying the reason and its basis, and that holder
  is told in the app — so the deputy sees at once that 12345 refused and why;
- 归档 (replied and called back, a direct answer called back, or a tracked matter confirmed
  done): the message has a ``result`` event carrying the reply, waits for the holder's answer
  (the answer form is prefilled from it), and the holder is told.
"""

from __future__ import annotations

from django.db import transaction

from minyi.mashang.models import Message, MessageEventKind, MessageStatus
from minyi.mashang.services.handling import holder_users, notices_write
from minyi.mashang.services.messages import message_transition

# Where the prefilled answer starts; the deputy edits it before sending.
RESULT_OPENING = "您好，您反映的问题已转12345热线交有关部门办理，办理结果如下："


@transaction.atomic
def order_followed(*, order, event) -> int:
    """The forwarded messages of ``order`` follow its refusal or archiving. Returns how many."""
    from minyi.orders.models import Status

    messages = Message.objects.select_for_update().filter(
        order=order, status=MessageStatus.FORWARDED
    )
    moved = 0
    for message in messages.select_related("deputy").order_by("id"):
        if order.status == Status.REJECTED:
            _rejected(message, order, event)
        elif order.status == Status.ARCHIVED:
            _result(message, order, event)
        else:
            continue
        moved += 1
    return moved


def _rejected(message: Message, order, event) -> None:
    reason = order.reject_reason.title if order.reject_reason_id else ""
    basis = order.reject_basis or ""
    moved = message_transition(
        message,
        MessageEventKind.ORDER_REJECTED,
        text=basis,
        details={"order": order.number, "reason": reason, "basis": basis},
        status=MessageStatus.OPEN,
    )
    params = {"tracking_code": message.tracking_code, "number": order.number, "reason": reason}
    notices_write(message, moved, "mashang_order_rejected", params, holder_users(message))


def result_text(order) -> tuple[str, str]:
    """The reply 12345 closed the order with, and how solved it says."""
    reply = order.replies.order_by("-at", "-id").first()
    if reply is None:
        return "", ""
    return reply.content, reply.get_solved_display()


def _result(message: Message, order, event) -> None:
    text, solved = result_text(order)
    moved = message_transition(
        message,
        MessageEventKind.RESULT,
        text=text,
        details={"order": order.number, "solved": solved},
        status=MessageStatus.RESULT,
    )
    params = {"tracking_code": message.tracking_code, "number": order.number}
    notices_write(message, moved, "mashang_result", params, holder_users(message))


def prefilled_answer(message: Message) -> str:
    """The answer form's first text once 12345 has a result: the result, to be edited."""
    if message.status != MessageStatus.RESULT:
        return ""
    last = message.events.filter(kind=MessageEventKind.RESULT).order_by("-at", "-id").first()
    if last is None or not last.text:
        return ""
    return f"{RESULT_OPENING}{last.text}"
