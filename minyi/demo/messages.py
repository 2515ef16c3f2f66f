"""码上找代表 demo messages: 20 citizens' messages to demo deputies, so that the inboxes, the
station pages and the responsiveness table show something.

The demo deputy (log-in ``deputy``) gets 12 — enough for the responsiveness table to show their
row (``STATS_MIN_SAMPLE`` 10) — the rest go to deputies of 银田镇. Their fates: answered and rated,
answered waiting for a rating, open (some old enough to have reminded the deputy and been shown
to the station), handed to the township station or to the liaison body, closed. Deterministic:
the seed's own random stream, a fixed list of texts, times counted back from ``now``; the
reminders job runs at the end as the scheduler would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from minyi.accounts.models import User
from minyi.mashang.models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Holder,
    Message,
    MessageEventKind,
    MessageStatus,
    Rating,
)
from minyi.mashang.services.messages import content_digest, message_record, station_of
from minyi.mashang.services.reminders import messages_remind

TEXTS = (
    "小区东门的路灯坏了半个多月，晚上老人出门很不方便，请帮忙反映一下。",
    "村里通往学校的那段路坑洼很多，下雨天孩子上学鞋子全湿，希望能修一修。",
    "菜市场门口早上占道经营，车辆进不去，能否协调规范一下？",
    "我家老人的养老保险待遇资格认证在手机上一直失败，不知道该找哪个部门。",
    "韶山冲景区旁边的公厕晚上不开门，游客很多，希望延长开放时间。",
    "小区二次供水水压太低，六楼以上经常没水，物业说不归他们管。",
    "建议在银田镇卫生院增加周末儿科门诊，孩子周末生病只能跑市里。",
    "河边有人倾倒建筑垃圾，已经堆了一大片，影响环境。",
    "公交 3 路末班车太早，下夜班的人回不了家，能不能延后半小时？",
    "农田灌溉渠堵塞，今年春耕放水困难，请帮忙协调清淤。",
    "小区附近的工地夜间施工噪音很大，已经连续一周到凌晨。",
    "希望在镇上增设一个新能源汽车充电桩，现在充电要跑十几公里。",
    "学校门口上下学时段车辆乱停，孩子过马路很危险，建议设置护学岗。",
    "村里的自来水有时发黄，想问问水质有没有检测。",
    "残疾人两项补贴申请交上去两个月了，还没有消息，麻烦问一下进度。",
    "建议在社区开设老年人智能手机培训班，很多老人不会用手机挂号。",
    "路边的行道树枝叶遮挡了红绿灯，开车看不清，存在安全隐患。",
    "农村危房改造的补助标准是怎样的？我家的房子墙体开裂了。",
    "广场舞音响声音太大，影响附近居民休息，希望能规定时间和音量。",
    "镇上的快递点只有一个，取件排队很久，能否增加网点？",
)
ANSWER = "您好，您反映的问题已收到并联系了相关部门，{}。感谢您的监督和支持！"
ANSWER_ENDINGS = (
    "社区已安排维修，预计本周内完成",
    "镇里已将此事列入本月工作计划",
    "有关部门已到现场核实并答复处理方案",
    "已转交主管部门跟进，我会持续关注",
)
NAMES = ("王", "李", "刘", "陈", "杨", "赵", "黄", "周")

# (count, what happens to the message), for the demo deputy and then for 银田镇's deputies
FATES_DEPUTY = (
    ("rated", 6),
    ("answered", 2),
    ("open_old", 2),
    ("to_station", 1),
    ("open_new", 1),
)
FATES_TOWNSHIP = (
    ("rated", 2),
    ("open_old", 2),
    ("to_station", 2),
    ("to_liaison", 1),
    ("closed", 1),
)


@dataclass
class MessagesLoaded:
    count: int


def _tracking_code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def _citizen(rng: random.Random) -> tuple[str, bool, str]:
    anonymous = rng.random() < 0.3
    name = "" if anonymous else f"{rng.choice(NAMES)}{rng.choice(('先生', '女士'))}"
    phone = f"+86135{rng.randrange(10**8):08d}"
    return name, anonymous, phone


def load_messages(rng: random.Random, people, now: datetime) -> MessagesLoaded:
    """Write the demo messages with their events (module docstring)."""
    demo_deputy = people.deputies[0]
    yintian = [d for d in people.deputies if people.township_of.get(d.pk) == "yt"]
    plan = [(demo_deputy, fate) for fate, n in FATES_DEPUTY for _ in range(n)]
    plan += [(rng.choice(yintian[:4]), fate) for fate, n in FATES_TOWNSHIP for _ in range(n)]
    stations = {}
    texts = list(TEXTS)
    rng.shuffle(texts)
    for (deputy, fate), text in zip(plan, texts, strict=False):
        if deputy.pk not in stations:
            stations[deputy.pk] = station_of(deputy)
        _message(rng, deputy, stations[deputy.pk], fate, text, now)
    messages_remind(now)
    return MessagesLoaded(count=len(plan))


def _message(rng, deputy, station, fate: str, text: str, now: datetime) -> Message:
    days_ago = {"open_new": 1, "open_old": rng.randint(6, 12)}.get(fate, rng.randint(8, 60))
    created = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
    name, anonymous, phone = _citizen(rng)
    message = Message.objects.create(
        tracking_code=_tracking_code(rng),
        deputy=deputy,
        station=station,
        content=text,
        content_digest=content_digest(text),
        name=name,
        is_anonymous=anonymous,
        phone=phone,
        consent_at=created,
        created_at=created,
        updated_at=created,
    )
    message_record(message, MessageEventKind.CREATED, at=created)
    actor = User.objects.filter(deputy=deputy).first()  # the demo deputy's own account
    later = created + timedelta(hours=rng.randint(3, 60))
    if fate in ("rated", "answered"):
        answer = ANSWER.format(rng.choice(ANSWER_ENDINGS))
        _move(
            message,
            MessageEventKind.ANSWERED,
            later,
            status=MessageStatus.ANSWERED,
            answer=answer,
            answered_at=later,
            text=answer,
            actor=actor,
        )
        if fate == "rated":
            rating = rng.choice((Rating.SATISFIED,) * 3 + (Rating.BASICALLY, Rating.UNSATISFIED))
            rated = later + timedelta(hours=rng.randint(1, 30))
            _move(
                message,
                MessageEventKind.RATED,
                rated,
                rating=rating,
                rating_answered=True,
                rated_at=rated,
            )
    elif fate == "to_station":
        _move(
            message,
            MessageEventKind.TO_STATION,
            later,
            holder=Holder.STATION,
            text="属于镇里的事务，请联络站协调办理。",
            actor=actor,
        )
    elif fate == "to_liaison":
        _move(
            message,
            MessageEventKind.TO_LIAISON,
            later,
            holder=Holder.LIAISON,
            text="涉及全市公交线路调整，请市人大联络机构协调。",
            actor=actor,
        )
    elif fate == "closed":
        _move(
            message,
            MessageEventKind.CLOSED,
            later,
            status=MessageStatus.CLOSED,
            closed_at=later,
            text="留言人来电说明问题已自行解决。",
            actor=actor,
        )
    return message


def _move(
    message: Message, kind: str, at: datetime, *, text: str = "", actor=None, **changes
) -> None:
    before = message.status
    for field, value in changes.items():
        setattr(message, field, value)
    message.updated_at = at
    message.save(update_fields=[*changes, "updated_at"])
    message_record(message, kind, at=at, text=text, from_status=before, actor=actor)
