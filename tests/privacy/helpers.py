"""Helpers shared by the privacy suites: the whistle-blowers of each channel, and what of them
must never reach a department."""

from __future__ import annotations

import json
from dataclasses import dataclass

from minyi.core.masking import mask_name
from minyi.orders.models import Channel, WorkOrder
from tests.factories import DeputyFactory, make_order


@dataclass(frozen=True)
class Reporter:
    """Who reported, on which channel, and every spelling of them a page could leak."""

    channel: str
    name: str
    phone: str  # E.164

    @property
    def secrets(self) -> tuple[str, ...]:
        national = self.phone.removeprefix("+86")
        return (
            self.name,
            mask_name(self.name),
            national,
            f"{national[:3]}****{national[-4:]}",
            f"{national[:3]} {national[3:7]} {national[7:]}",
        )


# One reporter per channel the hotline takes a 举报 on. The deputy 谭萍 reports herself.
REPORTERS = {
    Channel.CITIZEN_CALL: Reporter(Channel.CITIZEN_CALL, "举报人甲", "+8613900001111"),
    Channel.DEPUTY_CALL: Reporter(Channel.DEPUTY_CALL, "谭萍", "+8613700002222"),
    Channel.WEB: Reporter(Channel.WEB, "网民乙丙", "+8613600003333"),
}


def report(channel: str, state: str, **kwargs) -> WorkOrder:
    """A 举报 order from ``REPORTERS[channel]`` in ``state``, through the services (pass the
    ``deputy`` of an earlier report to report again)."""
    reporter = REPORTERS[channel]
    fields = {"requester_phone": reporter.phone}
    if channel == Channel.DEPUTY_CALL and "deputy" not in kwargs:
        fields["deputy"] = DeputyFactory(name=reporter.name, phone__number=reporter.phone)
    else:
        fields["requester_name"] = reporter.name
    fields.update(kwargs)
    return make_order(state, request_type_code="report", channel=channel, **fields)


def leaked(text: str, reporter: Reporter) -> list[str]:
    """The spellings of ``reporter`` found in ``text`` (empty: nothing leaked)."""
    return [secret for secret in reporter.secrets if secret in text]


def as_text(response) -> str:
    """A page or a JSON body as one string, Chinese unescaped."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()
