"""What comes back from 12345 to a message forwarded as a work order (``handling.message_forward``).

The orders services call ``order_followed`` explicitly (imported lazily: orders know nothing of
码上找代表 but this one function) where an order of channel 码上找代表 is refused, archived,
escalated or merged, inside the same transaction:

- 不予受理 (at intake or the dispatcher's later finding): the message is open again with whoever
  forwarded it, an ``order_rejected`` event carrying the reason and its basis, and that holder
  is told in the app — so the deputy sees at once that 12345 refused and why;
- 归档 (replied and called back, a direct answer called back, or a tracked matter confirmed
  done): the message has a ``result`` event carrying the reply, waits for the holder's answer
  (the answer form is prefilled from it), and the holder is told;
- 转闭会期间代表建议: the message is open again (an ``order_escalated`` event with the reason), the
  holder told to let the citizen know;
- 合并 into a master order: the message follows the master (an ``order_merged`` event).
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
    """The forwarded messages of ``order`` follow its refusal, archiving, escalation or merging
    (``event`` is the order's event that ended it). Returns how many."""
    from minyi.orders.models import Status

    # lock the messages only, not the deputy rows the join reads (a deputy's log-in locks those)
    messages = Message.objects.select_for_update(of=("self",)).filter(
        order=order, status=MessageStatus.FORWARDED
    )
    moved = 0
    for message in messages.select_related("deputy").order_by("id"):
        if order.status == Status.MERGED and order.master_id:
            _merged(message, order)
        elif not _follow(message, order, note=event.note if event else ""):
            continue
        moved += 1
    return moved


def _follow(message: Message, order, *, note: str = "") -> bool:
    """Move ``message`` after ``order``'s end, if it has ended; whether it did."""
    from minyi.orders.models import Status

    if order.status == Status.REJECTED:
        _rejected(message, order)
    elif order.status == Status.ARCHIVED:
        _result(message, order)
    elif order.status == Status.ESCALATED:
        _escalated(message, order, note)
    else:
        return False
    return True


def _merged(message: Message, order) -> None:
    """The order was a duplicate: the message follows the master order from now on (at once,
    should the master have ended already)."""
    master = order.master
    message_transition(
        message,
        MessageEventKind.ORDER_MERGED,
        details={"order": order.number, "master": master.number},
        order=master,
    )
    _follow(message, master)


def _escalated(message: Message, order, note: str) -> None:
    """转闭会期间代表建议: not the hotline's to finish; the message is open again so that its
    holder tells the citizen (``note``: why, as the dispatcher or liaison officer wrote it)."""
    if not note:  # followed through a merge: the master's own reason
        from minyi.orders.models import EventKind

        last = order.events.filter(kind=EventKind.ESCALATED).order_by("-id").first()
        note = last.note if last else ""
    moved = message_transition(
        message,
        MessageEventKind.ORDER_ESCALATED,
        text=note,
        details={"order": order.number},
        status=MessageStatus.OPEN,
    )
    params = {"tracking_code": message.tracking_code, "number": order.number}
    notices_write(message, moved, "mashang_order_escalated", params, holder_users(message))


def _rejected(message: Message, order) -> None:
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


def _result(message: Message, order) -> None:
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
