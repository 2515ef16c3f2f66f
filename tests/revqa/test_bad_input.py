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
