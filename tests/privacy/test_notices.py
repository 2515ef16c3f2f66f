"""Texts and notices carry no person: no template can name the requester, and what a
department is sent is the privacy rule's reading of the order."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.notify import texts
from minyi.notify.models import MessageTemplate
from minyi.notify.rules import TEMPLATE_PARAMS
from minyi.orders.services.handling import extension_request
from tests.factories import MONDAY, at, lead_of, make_order

PERSONAL = {"name", "requester", "requester_name", "phone", "requester_phone", "deputy"}


def test_no_template_has_a_placeholder_for_a_person():
    provided = {name for names in TEMPLATE_PARAMS.values() for name in names}

    assert not provided & PERSONAL
    assert not set(texts.SAMPLES) & PERSONAL


@pytest.mark.django_db
def test_an_administrator_cannot_add_a_person_to_a_department_notice():
    template = MessageTemplate.objects.get(code="warning_red_handler")

    with pytest.raises(texts.ValidationFailed, match="未知的占位符"):
        texts.check(template.body + "{phone}", set(TEMPLATE_PARAMS[template.code]))


@pytest.mark.django_db
def test_a_department_notice_about_an_anonymous_requester_cuts_their_name_from_the_title(hana, dan):
    from minyi.notify.models import OutboxMessage

    order = make_order(
        "signed",
        at=MONDAY,
        handler=hana,
        dispatcher=dan,
        is_anonymous=True,
        requester_name="王五",
        title="王五反映楼道堆物",
    )
    with clock.frozen(at(2026, 3, 9, 10)):
        extension_request(
            assignment=lead_of(order), reason="需协调", requested_due=at(2026, 3, 20), actor=hana
        )

    to_hana = OutboxMessage.objects.get(order=order, recipient_user=hana)
    to_dan = OutboxMessage.objects.get(order=order, recipient_user=dan)
    assert "王五" not in to_hana.body and "〔保密〕反映楼道堆物" in to_hana.body
    assert "王五反映楼道堆物" in to_dan.body
