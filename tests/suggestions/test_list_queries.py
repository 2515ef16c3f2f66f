"""Review (rev-qa): the new list pages run a fixed number of queries, not one per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.suggestions.services import suggestion_accept, suggestion_assign, suggestion_create
from tests.factories import MONDAY, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def lin(db):
    return UserFactory(username="lin", role=Role.LIAISON)


@pytest.fixture
def wang(deputy):
    return UserFactory(username="wang", role=Role.DEPUTY, deputy=deputy)


def _assigned(n, wang, lin, dept_a):
    for i in range(n):
        s = suggestion_create(
            title=f"建议{i}", content="内容", lead_deputy=wang.deputy, actor=wang, source="deputy"
        )
        suggestion_accept(suggestion=s, actor=lin)
        suggestion_assign(suggestion=s, actor=lin, lead_department=dept_a)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    import os

    if os.environ.get("SHOWQ"):
        for q in ctx.captured_queries:
            print("Q:", q["sql"][:160])
    return len(ctx)


def test_the_department_suggestion_list_has_no_query_per_row(client, wang, lin, dept_a, hana):
    client.force_login(hana)
    _assigned(2, wang, lin, dept_a)
    few = _queries(client, "/work/suggestions/department/")
    _assigned(6, wang, lin, dept_a)
    many = _queries(client, "/work/suggestions/department/")
    assert many == few, f"{few} queries for 2 rows, {many} for 8"


def _escalated(n, lin):
    from minyi.suggestions.services import suggestion_escalate
    from tests.factories import make_order

    for i in range(n):
        suggestion_escalate(
            order=make_order("accepted", title=f"工单{i}"), note="难度大", actor=lin
        )


def test_the_committee_suggestion_list_has_no_query_per_row(client, lin):
    client.force_login(lin)
    _escalated(2, lin)
    few = _queries(client, "/work/suggestions/")
    _escalated(6, lin)
    many = _queries(client, "/work/suggestions/")
    assert many == few, f"{few} queries for 2 rows, {many} for 8"


def _escalated_deputy_calls(n, lin, deputy):
    from minyi.orders.models import Channel
    from minyi.suggestions.services import suggestion_escalate
    from tests.factories import make_order

    for i in range(n):
        order = make_order("accepted", title=f"工单{i}", channel=Channel.DEPUTY_CALL, deputy=deputy)
        suggestion_escalate(order=order, note="难度大", actor=lin)


@pytest.mark.parametrize(
    "url",
    [
        "/work/suggestions/ledger/",
        "/work/suggestions/",
        "/work/suggestions/ledger/export.xlsx",
    ],
    ids=["the ledger page", "the committee list", "the ledger export"],
)
def test_a_list_of_escalated_deputy_calls_has_no_query_per_row(client, lin, deputy, url):
    client.force_login(lin)
    _escalated_deputy_calls(2, lin, deputy)
    few = _queries(client, url)
    _escalated_deputy_calls(6, lin, deputy)
    many = _queries(client, url)
    assert many == few, f"{few} queries for 2 rows, {many} for 8"
