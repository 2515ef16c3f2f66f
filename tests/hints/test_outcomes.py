"""What became of a hint: dispatching (page, console, API: the same action) records the lead
department against the hint's top three; the console's intake records the category. Accepted
(rank 1), overridden (another rank, or none), once per submission, nothing without a model."""

from __future__ import annotations

import pytest

from minyi.hints.models import HintKind, HintOutcome
from minyi.orders.models import Status
from tests.factories import console_intake, hint_text, keyed, make_order

pytestmark = pytest.mark.django_db


def _dispatch(client, order, lead, key=None):
    data = keyed({"lead": lead.pk})
    if key:
        data["idempotency_key"] = key
    return client.post(f"/work/orders/{order.number}/dispatch/", data)


@pytest.fixture
def stall_order(olivia):
    return make_order(
        "accepted", operator=olivia, title="人行道摆摊", content=hint_text("城管", 500)
    )


def test_dispatching_to_the_first_suggestion_records_an_accepted_hint(
    client, dan, trained, stall_order
):
    client.force_login(dan)
    response = _dispatch(client, stall_order, trained["depts"]["城管"])

    assert response.status_code == 302
    outcome = HintOutcome.objects.get()
    assert outcome.kind == HintKind.DEPARTMENT and outcome.order_id == stall_order.pk
    assert outcome.chosen == trained["depts"]["城管"].pk and outcome.rank == 1
    assert outcome.suggested[0][0] == trained["depts"]["城管"].pk
    assert len(outcome.suggested) == 3 and 0 < outcome.suggested[0][1] <= 1
    assert outcome.model_version == 1 and outcome.actor == dan


def test_dispatching_elsewhere_records_the_override_with_its_rank(
    client, dan, trained, stall_order
):
    from tests.factories import DepartmentFactory

    client.force_login(dan)
    _dispatch(client, stall_order, trained["depts"]["住建"])
    other = make_order("accepted", title="人行道摆摊", content=hint_text("城管", 501))
    _dispatch(client, other, DepartmentFactory(name="市水务局"))

    first, second = HintOutcome.objects.order_by("id")
    assert first.chosen == trained["depts"]["住建"].pk and first.rank in (2, 3)
    assert second.rank is None  # not among the three suggested


def test_a_double_submitted_dispatch_records_one_outcome(client, dan, trained, stall_order):
    client.force_login(dan)
    data = keyed({"lead": trained["depts"]["城管"].pk})
    url = f"/work/orders/{stall_order.number}/dispatch/"
    client.post(url, data)
    client.post(url, data)

    assert HintOutcome.objects.count() == 1


def test_without_a_model_the_dispatch_records_no_outcome(client, dan, dept_a, stall_order):
    client.force_login(dan)
    response = _dispatch(client, stall_order, dept_a)

    assert response.status_code == 302
    stall_order.refresh_from_db()
    assert stall_order.status == Status.DISPATCHED
    assert not HintOutcome.objects.exists()


def test_a_hint_that_fails_does_not_stop_the_dispatch(
    client, dan, trained, stall_order, monkeypatch
):
    from minyi.hints import selectors

    def broken(**kwargs):
        raise RuntimeError("model broke")

    monkeypatch.setattr(selectors, "suggest", broken)
    client.force_login(dan)
    _dispatch(client, stall_order, trained["depts"]["城管"])

    stall_order.refresh_from_db()
    assert stall_order.status == Status.DISPATCHED
    assert not HintOutcome.objects.exists()


def test_the_console_intake_records_the_category_against_the_hint(client, olivia, trained):
    client.force_login(olivia)
    category = trained["cats"]["住建"]
    response = client.post(
        "/console/intake/",
        keyed(
            console_intake("", title="楼顶漏水", content=hint_text("住建", 777)),
            category=category.pk,
        ),
    )

    assert response.status_code == 302
    outcome = HintOutcome.objects.get()
    assert outcome.kind == HintKind.CATEGORY and outcome.chosen == category.pk
    assert outcome.rank == 1 and outcome.actor == olivia


def test_an_intake_without_a_category_records_nothing(client, olivia, trained):
    client.force_login(olivia)
    client.post("/console/intake/", keyed(console_intake("")))

    assert not HintOutcome.objects.exists()
