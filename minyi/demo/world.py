"""Everything a story needs: the people, the reference data, and how a call becomes an order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile

from minyi.accounts.models import User
from minyi.demo.matters import Matter, OutOfScope
from minyi.demo.names import CITIZEN_PREFIXES, NameMaker, PhoneBook, e164
from minyi.demo.people import People
from minyi.demo.reference import PLACES, Reference
from minyi.demo.timeline import Pace
from minyi.deputies.models import Deputy
from minyi.orders.models import Assignment, AssignmentRole, AttachmentKind, Channel, WorkOrder
from minyi.orders.services.dispatch import attachment_add
from minyi.orders.services.intake import order_create
from minyi.reference.models import (
    Complexity,
    Department,
    RequestType,
    ScopeReason,
    TimeLimitRule,
    Urgency,
)

# A tiny but well-formed PDF: enough for the leader's-opinion attachment a return requires.
FAKE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CHANNEL_WEIGHTS = {
    Channel.DEPUTY_CALL: 40,
    Channel.QR_MESSAGE: 15,
    Channel.CITIZEN_CALL: 35,
    Channel.WEB: 10,
}
TOWNSHIP_WEIGHTS = {"qx": 40, "yt": 25, "ssx": 20, "yl": 15}


@dataclass
class Plan:
    """One order to tell: its fate (the story), the matter, where, how it came in."""

    fate: str
    start: datetime
    matter: Matter | OutOfScope
    township: str
    channel: str
    request_type: str
    urgent: bool = False
    times: dict[str, datetime] = field(default_factory=dict)  # steps of a backwards plan
    words: dict = field(default_factory=dict)  # place and address, kept for a duplicate call

    @property
    def complexity(self) -> str:
        return Complexity.COMPLEX if getattr(self.matter, "complex", False) else Complexity.NORMAL

    @property
    def urgency(self) -> str:
        return Urgency.URGENT if self.urgent else Urgency.NORMAL


class World:
    def __init__(self, rng: random.Random, pace: Pace, ref: Reference, people: People):
        self.rng = rng
        self.pace = pace
        self.ref = ref
        self.people = people
        self.names = NameMaker(rng)
        self.citizen_phones = PhoneBook(rng, CITIZEN_PREFIXES)
        self.types = {t.code: t for t in RequestType.objects.all()}
        self.reasons = {r.code: r for r in ScopeReason.objects.all()}
        self.code_of = {d.pk: code for code, d in ref.departments.items()}
        self.rules = list(TimeLimitRule.objects.all())
        users = people.users
        self.operator, self.dispatcher = users["operator"], users["dispatcher"]
        self.agent, self.liaison = users["callback"], users["liaison"]
        self._deputy_weights = self._caller_weights(people)

    # -- who calls ------------------------------------------------------------------------

    def _caller_weights(self, people: People) -> dict[int, float]:
        """Some deputies call often, most rarely: a long tail, with the demo deputy near the top
        so the deputy log-in has a list worth looking at."""
        ids = [d.pk for d in people.deputies]
        self.rng.shuffle(ids)
        weights = {pk: 1 / (rank + 1) ** 1.1 for rank, pk in enumerate(ids)}
        weights[people.provincial[0].pk] = 0.6
        return weights

    def deputy_for(self, township: str) -> Deputy:
        local = [d for d in self.people.deputies if self.people.township_of[d.pk] == township]
        pool = local if self.rng.random() < 0.7 else self.people.deputies
        if self.rng.random() < 0.12:  # the demo deputy calls about anywhere in 韶山
            return self.people.provincial[0]
        return self.rng.choices(pool, [self._deputy_weights[d.pk] for d in pool])[0]

    def township(self) -> str:
        return self.rng.choices(list(TOWNSHIP_WEIGHTS), list(TOWNSHIP_WEIGHTS.values()))[0]

    def channel(self) -> str:
        return self.rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]

    # -- departments ----------------------------------------------------------------------

    def department(self, code: str, township: str) -> Department:
        return self.ref.departments[township if code == "town" else code]

    def lead_of(self, plan: Plan) -> Department:
        return self.department(plan.matter.lead, plan.township)

    def assisting_of(self, plan: Plan) -> list[Department]:
        lead = self.lead_of(plan)
        found = [self.department(code, plan.township) for code in plan.matter.assist]
        return [d for d in dict.fromkeys(found) if d != lead]

    def other_department(self, plan: Plan) -> Department:
        """Where a department that wants to return the order says it belongs."""
        lead = self.lead_of(plan)
        for code in (plan.matter.wrong, "town", "cg"):
            if code and self.department(code, plan.township) != lead:
                return self.department(code, plan.township)
        raise AssertionError("unreachable: the town and 城管局 cannot both be the lead")

    def handler(self, department: Department) -> User:
        return self.people.handlers[self.code_of[department.pk]]

    # -- the order itself -----------------------------------------------------------------

    def create(self, plan: Plan, *, accept: bool = True) -> WorkOrder:
        """The call or message, recorded by the operator (and accepted in the same breath)."""
        rng, matter = self.rng, plan.matter
        region = self.ref.regions[plan.township]
        if not plan.words:
            place = rng.choice(PLACES[plan.township])
            address = f"韶山市{region.name}{place}"
            if rng.random() < 0.5:
                address += rng.choice(
                    ("附近", f"{rng.randint(1, 12)}组", f"{rng.randint(2, 88)}号")
                )
            plan.words = {"place": place, "address": address, "n": rng.randint(2, 9)}
        words = plan.words
        title, content = matter.title.format(**words), matter.content.format(**words)
        request_type = self.types[plan.request_type]
        people: dict = {}
        # A report's text names neither who reported nor how they came (the operators are
        # trained so): the department reads it, and "代表来电" with the town narrows the
        # reporter down to a few dozen deputies.
        plain = request_type.is_report
        if plan.channel in (Channel.DEPUTY_CALL, Channel.QR_MESSAGE):
            deputy = self.deputy_for(plan.township)
            people["deputy"] = deputy
            if plan.channel == Channel.DEPUTY_CALL:
                people["requester_phone"] = self.people.phone_of[deputy.pk]
                content = content if plain else f"代表来电反映：{content}"
            else:
                citizen = self.names.person(unique=False)[0]
                people["requester_name"] = citizen
                people["requester_phone"] = e164(self.citizen_phones.mobile())
                if not plain:
                    content = f"【码上找代表】选民{citizen}留言：{content}（经{deputy.name}代表转交12345）"
        else:
            anonymous = plan.channel == Channel.CITIZEN_CALL and rng.random() < 0.06
            people["is_anonymous"] = anonymous
            if not anonymous:
                people["requester_name"] = self.names.person(unique=False)[0]
            people["requester_phone"] = e164(self.citizen_phones.mobile())
        category = getattr(matter, "category", "")
        return order_create(
            channel=plan.channel,
            request_type=request_type,
            title=title,
            content=content,
            actor=self.operator,
            urgency=plan.urgency,
            complexity=plan.complexity,
            category=self.ref.categories[category] if category else None,
            region=region,
            address=words["address"],
            accept=accept,
            **people,
        )

    def leader_opinion(self, order: WorkOrder, actor: User):
        return attachment_add(
            order=order,
            file=ContentFile(FAKE_PDF, name="leader-opinion.pdf"),
            name="退件审批表（领导签署意见）.pdf",
            kind=AttachmentKind.LEADER_OPINION,
            actor=actor,
        )


def live_lead(order: WorkOrder) -> Assignment:
    """The newest lead assignment (after a return and re-dispatch there are several)."""
    return order.assignments.filter(role=AssignmentRole.LEAD).order_by("-id").first()


def assisting(order: WorkOrder) -> list[Assignment]:
    return list(order.assignments.filter(role=AssignmentRole.ASSISTING).order_by("id"))
