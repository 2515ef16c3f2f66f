"""An anonymous (匿名) requester: only the hotline may see who it is, and each look is logged.

The citizen gave a name and a number for the callback but asked to stay anonymous. Outside
the hotline (a department, the liaison committee, a deputy) they are "匿名" and nothing more;
inside it (dispatcher, callback agent, the operator who recorded them) they are masked, and
"查看完整信息" shows them in full with a row in the access log.
"""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.privacy.models import PersonalDataAccess, Surface
from tests.factories import UserFactory, make_order
from tests.privacy.helpers import as_text

pytestmark = pytest.mark.django_db

NAME, PHONE = "王五", "+8613511112222"
SECRETS = (NAME, "王*", "13511112222", "135****2222")


def anonymous(state: str, **kwargs):
    return make_order(
        state, is_anonymous=True, requester_name=NAME, requester_phone=PHONE, **kwargs
    )


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.fixture
def signed(hana, dan, olivia):
    return anonymous("signed", handler=hana, dispatcher=dan, operator=olivia)


def test_the_department_sees_only_that_the_requester_is_anonymous(client, hana, signed):
    client.force_login(hana)

    pages = [
        client.get("/work/department/?tab=handling"),
        client.get(f"/work/orders/{signed.number}/"),
        client.get("/api/orders/"),
        client.get(f"/api/orders/{signed.number}/"),
    ]

    for response in pages:
        assert response.status_code == 200
        assert "匿名" in as_text(response)
        assert leaked(as_text(response)) == []
    assert "查看完整信息" not in pages[1].content.decode()


def test_the_department_cannot_reveal_an_anonymous_requester(client, hana, signed):
    client.force_login(hana)

    page = client.post(f"/work/orders/{signed.number}/reveal/")
    api = client.post(f"/api/orders/{signed.number}/reveal/")

    assert (page.status_code, api.status_code) == (403, 403)
    assert leaked(page.content.decode() + as_text(api)) == []
    assert not PersonalDataAccess.objects.exists()


def test_nor_after_the_order_is_archived(client, hana, dan, carl):
    archived = anonymous("archived", handler=hana, dispatcher=dan, agent=carl)
    client.force_login(hana)

    assert client.post(f"/work/orders/{archived.number}/reveal/").status_code == 403
    assert client.post(f"/api/orders/{archived.number}/reveal/").status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.LIAISON, Role.DEPUTY])
def test_readers_outside_the_hotline_see_only_anonymous(client, role, zhang, dan, hana):
    order = anonymous("signed", handler=hana, dispatcher=dan, deputy=zhang, channel="deputy_call")
    user = UserFactory(role=role, deputy=zhang if role == Role.DEPUTY else None)
    client.force_login(user)

    detail = client.get(f"/work/orders/{order.number}/")
    api = client.get(f"/api/orders/{order.number}/")

    assert detail.status_code == api.status_code == 200
    assert leaked(detail.content.decode() + as_text(api)) == []
    assert client.post(f"/work/orders/{order.number}/reveal/").status_code == 403


@pytest.mark.parametrize("persona", ["dan", "olivia"])
def test_the_hotline_reveals_an_anonymous_requester_and_the_look_is_logged(
    client, request, persona, signed
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    masked = client.get(f"/work/orders/{signed.number}/").content.decode()
    shown = client.post(f"/work/orders/{signed.number}/reveal/", HTTP_HX_REQUEST="true")

    assert "匿名" in masked and "135****2222" in masked and "13511112222" not in masked
    assert shown.status_code == 200
    assert "匿名（王五）" in shown.content.decode() and "13511112222" in shown.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.order, row.surface) == (user, signed, Surface.WORKBENCH)


def test_the_callback_agent_reveals_to_call_back(client, carl, hana, dan):
    replied = anonymous("replied", handler=hana, dispatcher=dan)
    client.force_login(carl)

    response = client.post(f"/api/orders/{replied.number}/reveal/")

    assert response.status_code == 200
    assert response.json()["requester"]["phone"] == "13511112222"
    assert PersonalDataAccess.objects.get().surface == Surface.API


# -- the filters say no more than the rows ------------------------------------------------------


def test_the_ledger_cannot_find_an_anonymous_deputy_by_name_or_level(client, zhang, li):
    from tests.workbench.lists_helpers import liaison_user, numbers

    hidden = anonymous("accepted", deputy=zhang, channel="deputy_call")
    shown = make_order("accepted", deputy=li, channel="deputy_call")
    client.force_login(liaison_user())

    row = client.get("/work/ledger/").content.decode()
    assert hidden.number in row and "张三" not in row  # the row: 匿名, no deputy

    # a filter on a person answers only for orders whose person the liaison may see
    assert numbers(client.get("/work/ledger/?deputy=张三")) == []
    assert numbers(client.get("/work/ledger/?deputy=李四")) == [shown.number]
    assert numbers(client.get("/work/ledger/?level=provincial")) == []
    assert numbers(client.get("/work/ledger/?level=city")) == [shown.number]
    # filters that read no person still find the order
    assert hidden.number in numbers(client.get("/work/ledger/?channel=deputy_call"))
