"""Review (rev-qa): bad input to the new panels and pages is a 4xx or a normal page, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_the_console_duplicate_panel_survives_a_strange_request_type(client, olivia, value):
    client.force_login(olivia)
    client.raise_request_exception = False
    response = client.post(
        "/intake/candidates/",
        {"title": "路灯不亮", "content": "路灯坏了", "request_type": value},
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-13",
        "month=²",
        "date_from=2026-02-30",
        "date_from=2026-03-01&date_to=2025-01-01",
        "region=²",
        "department=99999999999999999999999",
        "channel=nope",
        "channel=",
        "category=%00",
        "month=0001-01",
        "month=9999-12",
    ],
)
def test_the_hot_issues_page_survives_bad_filters(client, query):
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="lin", role=Role.LIAISON))
    client.raise_request_exception = False
    assert client.get(f"/work/hot/?{query}").status_code < 500


@pytest.mark.parametrize("query", ["selected=²", "selected=99999999999999999999999", "selected=-1"])
def test_the_category_pick_survives_bad_ids(client, olivia, query):
    client.force_login(olivia)
    client.raise_request_exception = False
    assert client.get(f"/work/hints/categories/?{query}").status_code < 500
