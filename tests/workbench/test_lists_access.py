"""Who may open which list: the whole matrix of personas × list pages, refusals included."""

from __future__ import annotations

import pytest

from tests.logins import sign_in
from tests.workbench.lists_helpers import URLS, deputy_user, liaison_user

pytestmark = pytest.mark.django_db

ALLOWED = {
    "olivia": set(),
    "dan": {"dispatch"},
    "hana": {"department"},
    "henry": {"department"},
    "carl": {"callback"},
    "ada": set(),  # the administrators have no workbench: the admin is theirs
    "lena": {"ledger"},
    "dora": {"mine"},
}


@pytest.fixture
def persona(request, deputy):
    def get(name):
        if name == "lena":
            return liaison_user()
        if name == "dora":
            return deputy_user(deputy)
        return request.getfixturevalue(name)

    return get


@pytest.mark.parametrize("page", sorted(URLS))
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_persona_opens_only_its_own_lists(client, persona, name, page):
    sign_in(client, persona(name))
    response = client.get(URLS[page])
    expected = 200 if page in ALLOWED[name] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("page", sorted(URLS) + ["home"])
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    url = URLS.get(page, "/work/")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


def test_a_user_without_a_role_has_no_workbench(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", role=""))
    assert client.get("/work/").status_code == 403


def test_lists_are_read_only(client, dan):
    client.force_login(dan)
    assert client.post(URLS["dispatch"]).status_code == 405
