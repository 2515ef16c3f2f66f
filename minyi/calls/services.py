"""Every change to calls, tokens and callback to-dos goes through these functions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction

from minyi.accounts.models import Role, User
from minyi.calls import lookup, notify
from minyi.calls.models import (
    PBX_EVENTS,
    AgentMapping,
    CallEvent,
    CallEventKind,
    CallLog,
    CallStatus,
    CtiToken,
)
from minyi.core import clock, timefmt
from minyi.core.bounds import check_date, check_length
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.core.sql import column, insert_row, table
from minyi.deputies.phones import caller_e164

# last_used_at is rewritten at most this often, so a busy PBX does not queue every webhook
# behind one hot token row.
TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)
CALLBACK_NOTE_MAX = 1_000  # a short note on the callback, as the orders' notes

_MOMENT = {
    CallEventKind.RING: "rang_at",
    CallEventKind.ANSWER: "answered_at",
    CallEventKind.HANGUP: "ended_at",
}
_TRACKED = (
    "caller_raw",
    "caller",
    "called",
    "agent_raw",
    "agent_id",
    "deputy_id",
    "status",
    "started_at",
    "rang_at",
    "answered_at",
    "ended_at",
    "ring_seconds",
    "talk_seconds",
)


# -- tokens ------------------------------------------------------------------------------------


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def cti_token_create(*, name: str) -> tuple[CtiToken, str]:
    """A new token for a PBX. Returns the row and the plain token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("令牌名称不能为空。")
    if len(name) > 64:
        raise ValidationFailed("令牌名称不能超过 64 个字符。")
    if CtiToken.objects.filter(name=name).exists():
        raise ValidationFailed(f"名称为“{name}”的令牌已存在。")
    plain = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = CtiToken.objects.create(
                name=name, prefix=plain[:6], token_hash=token_digest(plain)
            )
    except IntegrityError:  # created concurrently under the same name
        raise ValidationFailed(f"名称为“{name}”的令牌已存在。") from None
    return token, plain


def cti_token_revoke(*, token: CtiToken) -> CtiToken:
    CtiToken.objects.filter(pk=token.pk).update(is_active=False)
    token.is_active = False
    return token


def cti_token_authenticate(plain: str) -> CtiToken | None:
    """The active token matching ``plain``, or None. Touches ``last_used_at`` (throttled)."""
    if not plain:
        return None
    # A raw query: this runs on every webhook, and the ORM's compile cost was most of its time.
    found = CtiToken.objects.raw(
        f"SELECT * FROM {table(CtiToken)} WHERE {column(CtiToken, 'token_hash')} = %s "
        f"AND {column(CtiToken, 'is_active')} = %s",
        [token_digest(plain), True],
    )
    token = next(iter(found), None)
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # Conditional UPDATE: of several concurrent requests only one rewrites the row.
        CtiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )
        token.last_used_at = now
    return token


# -- webhook events ----------------------------------------------------------------------------


def agent_resolve(raw: str) -> User | None:
    """An extension in the agent mapping, else the username of an active operator."""
    raw = (raw or "").strip()
    if not raw:
        return None
    mapping = AgentMapping.objects.select_related("user").filter(extension=raw).first()
    if mapping is not None:
        return mapping.user
    return User.objects.filter(username=raw, role=Role.OPERATOR, is_active=True).first()


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def _settle(call: CallLog) -> None:
    """Status and durations follow from the moments known, whatever order they arrived in."""
    known = [t for t in (call.rang_at, call.answered_at, call.ended_at) if t is not None]
    call.started_at = min(known)
    if call.ended_at is not None:
        call.status = CallStatus.ENDED if call.answered_at else CallStatus.MISSED
    elif call.answered_at is not None:
        call.status = CallStatus.ANSWERED
    else:
        call.status = CallStatus.RINGING
    call.ring_seconds = _seconds(call.rang_at, call.answered_at or call.ended_at)
    call.talk_seconds = _seconds(call.answered_at, call.ended_at)


def _identify(caller: str) -> tuple[str, lookup.DeputyCard | None]:
    """The caller ID in E.164 ("" for hidden and short numbers) and the deputy behind it."""
    number = caller_e164(caller) or ""
    return number, (lookup.deputy_for_number(number) if number else None)


def _apply(
    call: CallLog,
    *,
    event: str,
    caller: str,
    called: str,
    agent: str,
    at: datetime,
    identified: tuple[str, lookup.DeputyCard | None] | None = None,
) -> lookup.DeputyCard | None:
    """Record one new event on the (locked or unsaved) call. Returns the deputy card when the
    caller was identified just now (``identified``: done already, before the transaction)."""
    card = None
    if event == CallEventKind.RING:
        call.rang_at = at
    elif event == CallEventKind.ANSWER:
        # An answer reported after the hangup (clock skew) cannot be later than the hangup.
        call.answered_at = min(at, call.ended_at) if call.ended_at else at
    else:
        call.ended_at = max(at, call.answered_at) if call.answered_at else at
    if caller and not call.caller_raw:
        call.caller_raw = caller
        call.caller, card = identified or _identify(caller)
        call.deputy_id = card.id if card else None
    if called and not call.called:
        call.called = called
    # The agent who answers is the one who took the call; ring and hangup only fill a blank.
    if agent and (event == CallEventKind.ANSWER or not call.agent_raw):
        if agent != call.agent_raw:
            call.agent_raw = agent
            user = agent_resolve(agent)
            call.agent_id = user.pk if user else None
    _settle(call)
    return card


def _lock_call(call_id: str) -> CallLog | None:
    return CallLog.objects.select_for_update().filter(call_id=call_id).first()


def call_event_receive(
    *,
    event: str,
    call_id: str,
    caller: str = "",
    called: str = "",
    agent: str = "",
    at: datetime | None = None,
    token: CtiToken | None = None,
    payload: dict | None = None,
) -> CallLog:
    """One ring / answer / hangup from the PBX.

    1. Lock the call's log row, or create it from whichever event arrives first (``_record``).
    2. An event whose moment is already known is a retry: it is recorded as a duplicate
       ``CallEvent`` and changes nothing else.
    3. Otherwise set the moment, fill caller / called / agent if still blank (looking up the
       deputy when the caller ID arrives), and settle status and durations.
    4. After commit, a new ring is published to the operators' console.

    The returned log carries ``deputy_card`` (the card of the matched deputy, or None).
    """
    if event not in PBX_EVENTS:
        raise ValidationFailed(f"未知事件“{event}”：应为 ring、answer 或 hangup。")
    call_id = (call_id or "").strip()
    if not call_id:
        raise ValidationFailed("缺少 call_id。")
    caller, called, agent = (caller or "").strip(), (called or "").strip(), (agent or "").strip()
    check_date(at, label="事件时间 at")
    received_at = clock.now()
    at = at or received_at
    # A ring names the caller of a new call: identify it before the transaction (the lookup
    # needs no lock, and outside a transaction its prepared statement can recover, lookup.py).
    identified = _identify(caller) if event == CallEventKind.RING and caller else None

    with transaction.atomic():
        call, card, duplicate = _record(
            event=event,
            call_id=call_id,
            caller=caller,
            called=called,
            agent=agent,
            at=at,
            identified=identified,
        )
        insert_row(
            CallEvent(
                call=call,
                event=event,
                at=at,
                received_at=received_at,
                duplicate=duplicate,
                payload=payload or {},
                token=token,
            )
        )
        if card is None and call.deputy_id:
            card = lookup.deputy_card(call.deputy_id)
        call.deputy_card = card
        if event == CallEventKind.RING and not duplicate:
            transaction.on_commit(lambda c=call, d=card: notify.publish_ring(c, d))
        return call


def _record(
    *,
    event: str,
    call_id: str,
    caller: str,
    called: str,
    agent: str,
    at: datetime,
    identified: tuple[str, lookup.DeputyCard | None] | None,
) -> tuple[CallLog, lookup.DeputyCard | None, bool]:
    """Create or update the call's log for one event, inside the caller's transaction.
    Returns the log, the deputy card if the caller was looked up now, and whether the event
    is a retry of one already recorded.

    A ring usually opens a call, so it tries the insert first; answer and hangup usually find
    the call, so they lock it first."""
    apply = partial(
        _apply, event=event, caller=caller, called=called, agent=agent, at=at, identified=identified
    )
    call = None if event == CallEventKind.RING else _lock_call(call_id)
    if call is None:
        new = CallLog(call_id=call_id, started_at=at)
        card = apply(new)
        if insert_row(new, unless_exists_on="call_id"):
            return new, card, False
        # Another delivery created it (a retry, or the PBX's events crossing): update that row.
        call = _lock_call(call_id)
        if call is None:  # deleted between the two statements: let the PBX retry
            raise InvalidTransition(f"来电 {call_id} 正在被其他请求修改，请重试。")
    if getattr(call, _MOMENT[event]) is not None:
        return call, None, True
    before = {f: getattr(call, f) for f in _TRACKED}
    card = apply(call)
    call.save(update_fields=[f for f in _TRACKED if getattr(call, f) != before[f]])
    return call, card, False


# -- operator actions --------------------------------------------------------------------------


def _lock(call: CallLog) -> CallLog:
    return CallLog.objects.select_for_update().get(pk=call.pk)


@transaction.atomic
def call_link_order(*, call: CallLog, order, actor: User | None) -> CallLog:
    """Link the work order the operator made from this call (the console's intake form)."""
    call = _lock(call)
    if call.order_id == order.pk:
        return call
    if call.order_id is not None:
        raise InvalidTransition(f"来电 {call.call_id} 已关联工单 {call.order.number}。")
    call.order = order
    call.save(update_fields=["order"])
    now = clock.now()
    CallEvent.objects.create(
        call=call,
        event=CallEventKind.ORDER_LINKED,
        at=now,
        received_at=now,
        actor=actor,
        payload={"order": order.number},
    )
    return call


@transaction.atomic
def missed_call_resolve(*, call: CallLog, actor: User | None, note: str = "") -> CallLog:
    """Close the callback to-do of a missed call: an operator has called the deputy back."""
    check_length((note or "").strip(), label="回拨说明", max_length=CALLBACK_NOTE_MAX)
    call = _lock(call)
    if call.status != CallStatus.MISSED:
        raise InvalidTransition(
            f"来电 {call.call_id} 当前为“{call.get_status_display()}”，只有未接来电需要回拨。"
        )
    if call.callback_done_at is not None:
        done = timefmt.short_text(call.callback_done_at)
        raise InvalidTransition(f"来电 {call.call_id} 已于 {done} 回拨。")
    now = clock.now()
    call.callback_done_at, call.callback_done_by = now, actor
    call.callback_note = (note or "").strip()
    call.save(update_fields=["callback_done_at", "callback_done_by", "callback_note"])
    CallEvent.objects.create(
        call=call,
        event=CallEventKind.CALLBACK_DONE,
        at=now,
        received_at=now,
        actor=actor,
        payload={"note": call.callback_note},
    )
    return call
