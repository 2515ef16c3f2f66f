"""A stored run as one viewer reads it: ranks, trends, shares, the representative example
masked by the privacy rule for this viewer, the click-throughs, the promote link and the charts'
data (``json_script``, drawn by ``ledger/charts.js``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse

from minyi.accounts.models import Role, role_of
from minyi.core.masking import mask_numbers_in
from minyi.deputies.models import DeputyPhone
from minyi.hotissues.models import TopicRun
from minyi.mashang.models import Message
from minyi.orders.models import WorkOrder
from minyi.privacy import rules
from minyi.workbench.list_selectors import detail_url

SHOWN = 50  # topics on the page, the largest first
CHARTED = 10
EXAMPLE_CHARS = 160
PROMOTE_URL = "/work/clues/new/"
# ids in the promote link: an address stays under ~3 KB, short enough for any proxy
PROMOTE_ORDERS = 300
NO_EXAMPLE = "（本话题的工单均为举报或匿名事项，示例不予显示）"
HIDDEN_TITLE = "（举报或匿名事项，请打开工单查看）"
KIND_LABELS = {"o": "工单", "m": "码上找代表留言"}


def may_promote(user) -> bool:
    """The clue library is the liaison officer's (helper "clues")."""
    return role_of(user) == Role.LIAISON


def percent(part: int, whole: int) -> str:
    return "—" if not whole else f"{part * 100 / whole:.0f}%"


def trend_of(size: int, previous: int) -> dict:
    change = size - previous
    if previous == 0:
        text = "新出现"
    else:
        text = f"{'+' if change >= 0 else ''}{change}（{'+' if change >= 0 else ''}{change * 100 / previous:.0f}%）"
    return {"change": change, "text": text, "up": change > 0, "down": change < 0}


def orders_by_id(ids: set[int]) -> dict[int, WorkOrder]:
    phones = Prefetch("deputy__phones", queryset=DeputyPhone.objects.all())
    return (
        WorkOrder.objects.select_related("deputy", "region").prefetch_related(phones).in_bulk(ids)
    )


def order_text(user, order: WorkOrder) -> str | None:
    """The order's title and content as ``user`` may read them in a list, or None: a
    whistle-blower's report or a withheld requester is never an example."""
    if order.protect_identity:
        return None
    person = rules.requester_shown(user, order)
    if person.withheld:
        return None
    return person.listed(f"{order.title}：{order.content}")


def order_line(user, order: WorkOrder) -> dict:
    """One order of a topic's list, linked to its page (which applies its own rules)."""
    person = rules.requester_shown(user, order)
    hidden = order.protect_identity or person.withheld
    return {
        "number": order.number,
        "url": detail_url(order.number),
        "title": HIDDEN_TITLE if hidden else person.listed(order.title),
        "status": order.get_status_display(),
        "created_at": order.created_at,
        "region": order.region.name if order.region_id else "",
    }


def message_text(user, message: Message) -> str | None:
    """A message's text for the liaison officer: the numbers in it masked, the citizen's name
    cut (the page is a list, not the message's own page)."""
    if role_of(user) != Role.LIAISON:
        return None
    text = mask_numbers_in(message.content)
    name = (message.name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, rules.REDACTED)
    return text


def clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + "…"


def examples(user, topics: list[dict]) -> dict[int, dict]:
    """Each topic's example: its first candidate ``user`` may read (two queries in all)."""
    orders = orders_by_id({pk for t in topics for kind, pk in t["candidates"] if kind == "o"})
    messages = Message.objects.in_bulk(
        {pk for t in topics for kind, pk in t["candidates"] if kind == "m"}
    )
    out = {}
    for topic in topics:
        out[topic["id"]] = {"text": NO_EXAMPLE, "kind": ""}
        for kind, pk in topic["candidates"]:
            if kind == "o" and pk in orders:
                text = order_text(user, orders[pk])
            elif kind == "m" and pk in messages:
                text = message_text(user, messages[pk])
            else:
                text = None
            if text:
                out[topic["id"]] = {"text": clip(text), "kind": KIND_LABELS[kind]}
                break
    return out


def terms_text(topic: dict, count: int = 4) -> str:
    return "、".join(topic["key_terms"][:count]) or f"话题 {topic['id']}"


def topic_url(run: TopicRun, topic: dict) -> str:
    return reverse("hot-topic", args=[run.pk, topic["id"]])


def promote_url(run: TopicRun, topic: dict) -> str:
    """The clue library's new-clue form, prefilled (helper "clues": ``orders``, ``title``,
    ``summary``)."""
    params = run.params
    facts = topic["facts"]
    places = "、".join(name for name, _ in facts["regions"][:3])
    summary = (
        f"{params['start']} 至 {params['end']}，关于“{terms_text(topic, 6)}”的诉求 "
        f"{topic['size']} 件（上一期 {topic['previous']} 件）"
        + (f"，涉及{places}" if places else "")
        + "。"
    )
    if len(topic["orders"]) > PROMOTE_ORDERS:
        summary += f"（关联其中最早登记的 {PROMOTE_ORDERS} 件工单。）"
    query = {
        "orders": ",".join(str(pk) for pk in topic["orders"][:PROMOTE_ORDERS]),
        "title": terms_text(topic)[:100],
        "summary": summary,
    }
    return f"{PROMOTE_URL}?{urlencode(query)}"


def rows_of(run: TopicRun, user) -> list[dict]:
    topics = (run.result or {}).get("topics", [])[:SHOWN]
    shown = examples(user, topics)
    promote = may_promote(user)
    out = []
    for rank, topic in enumerate(topics, start=1):
        facts = topic["facts"]
        out.append(
            {
                "rank": rank,
                "id": topic["id"],
                "terms": topic["key_terms"],
                "label": terms_text(topic),
                "size": topic["size"],
                "orders": len(topic["orders"]),
                "messages": len(topic["messages"]),
                "previous": topic["previous"],
                "trend": trend_of(topic["size"], topic["previous"]),
                "example": shown[topic["id"]],
                "regions": facts["regions"],
                "departments": facts["departments"],
                "overdue": {"n": facts["overdue"], "of": facts["pool"]},
                "unsolved": {"n": facts["unsolved"], "of": facts["rated"]},
                "dissatisfied": {"n": facts["dissatisfied"], "of": facts["rated"]},
                "overdue_text": percent(facts["overdue"], facts["pool"]),
                "unsolved_text": percent(facts["unsolved"], facts["rated"]),
                "dissatisfied_text": percent(facts["dissatisfied"], facts["rated"]),
                "url": topic_url(run, topic),
                "promote_url": promote_url(run, topic) if promote else "",
            }
        )
    return out


def charts(rows: list[dict]) -> dict:
    top = rows[:CHARTED]
    categories = [f"{row['rank']}. {row['label']}" for row in top]
    counts = {
        "type": "bar",
        "horizontal": True,
        "categories": categories,
        "series": [
            {"name": "本期", "data": [{"value": r["size"], "url": r["url"]} for r in top]},
            {"name": "上一期", "data": [{"value": r["previous"], "url": r["url"]} for r in top]},
        ],
    }

    def share(key: str) -> list[dict]:
        return [
            {
                "value": None if not r[key]["of"] else round(r[key]["n"] * 100 / r[key]["of"], 1),
                "url": r["url"],
            }
            for r in top
        ]

    shares = {
        "type": "bar",
        "percent": True,
        "categories": [str(r["rank"]) for r in top],
        "series": [
            {"name": "超期", "data": share("overdue")},
            {"name": "未解决", "data": share("unsolved")},
            {"name": "不满意", "data": share("dissatisfied")},
        ],
    }
    return {"counts": counts, "shares": shares}
