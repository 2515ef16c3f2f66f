"""Department search in dispatch starts from the order's region and category (issue 9)."""

from __future__ import annotations

import re

import pytest

from minyi.core import clock
from minyi.orders.models import Status
from minyi.reference.models import Category, Department, Region
from tests.factories import MONDAY, keyed, make_order
from tests.workbench.detail_helpers import detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def shaoshan():
    """韶山市 with a town, a category with its parent, and departments in and out of charge."""
    city = Region.objects.create(name="韶山市", level="county", code="430382")
    town = Region.objects.create(name="银田镇", level="township", parent=city)
    other = Region.objects.create(name="湘乡市", level="county")
    lights = Category.objects.create(name="路灯照明", parent=Category.objects.create(name="城管"))
    schools = Category.objects.create(name="学校管理")
    bureau = Department.objects.create(name="韶山市城市管理局", region=city)
    bureau.categories.add(lights.parent)
    township = Department.objects.create(name="银田镇人民政府", region=town)
    township.categories.add(lights)
    Department.objects.create(name="韶山市教育局", region=city).categories.add(schools)
    far = Department.objects.create(name="湘乡市城市管理局", region=other)
    far.categories.add(lights.parent)
    return {"town": town, "lights": lights, "schools": schools, "far": far}


def lead_options(html: str) -> list[str]:
    select = html.split('id="id_dispatch_lead"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_the_dispatch_form_opens_with_the_regions_departments_in_charge_of_the_category(
    client, dan, shaoshan
):
    order = make_order("accepted", region=shaoshan["town"], category=shaoshan["lights"])
    client.force_login(dan)

    html = client.get(detail_url(order), {"do": "dispatch"}).content.decode()

    assert lead_options(html) == ["银田镇人民政府", "韶山市城市管理局"]
    assert "请选择主办单位" in html


def test_with_nobody_in_charge_of_the_category_the_regions_departments_are_offered(
    client, dan, shaoshan
):
    order = make_order("accepted", region=shaoshan["town"], category=shaoshan["schools"])
    order_elsewhere = make_order("accepted")  # no region, no category: every department
    client.force_login(dan)

    html = client.get(detail_url(order), {"do": "dispatch"}).content.decode()
    everything = client.get(detail_url(order_elsewhere), {"do": "dispatch"}).content.decode()

    assert lead_options(html) == ["韶山市教育局"]
    assert "湘乡市城市管理局" in lead_options(everything)


def test_a_department_found_by_search_outside_the_preselection_may_still_lead(
    client, dan, shaoshan
):
    order = make_order("accepted", region=shaoshan["town"], category=shaoshan["lights"])
    client.force_login(dan)

    response = client.post(detail_url(order, "dispatch"), keyed({"lead": shaoshan["far"].pk}))

    assert response.status_code == 302
    assert type(order).objects.get(pk=order.pk).status == Status.DISPATCHED


def test_a_typed_name_searches_all_departments_with_the_regions_first(client, dan, shaoshan):
    client.force_login(dan)
    params = {"q": "城市管理", "region": shaoshan["town"].pk, "category": shaoshan["lights"].pk}

    html = client.get("/work/orders/_departments/", params).content.decode()

    first, others = html.split('<optgroup label="其他区域或分类">')
    assert "韶山市城市管理局" in first and "湘乡市城市管理局" not in first
    assert "湘乡市城市管理局" in others


def test_a_posted_choice_from_the_search_stays_chosen_when_the_form_comes_back(
    client, dan, shaoshan
):
    order = make_order("accepted", region=shaoshan["town"], category=shaoshan["lights"])
    far = shaoshan["far"]
    client.force_login(dan)

    response = client.post(
        detail_url(order, "dispatch"), keyed({"lead": far.pk, "assisting": [far.pk]})
    )  # the lead cannot also assist: the form comes back

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<option value="{far.pk}" selected>湘乡市城市管理局</option>' in html


def test_the_operator_searches_departments_for_the_consoles_dispatch_and_a_deputy_may_not(
    client, olivia, zhang, shaoshan
):
    from tests.workbench.detail_helpers import deputy_user

    client.force_login(olivia)
    found = client.get("/work/orders/_departments/", {"q": "城市管理"})
    client.force_login(deputy_user(zhang))
    refused = client.get("/work/orders/_departments/", {"q": "城市管理"})

    assert found.status_code == 200 and "湘乡市城市管理局" in found.content.decode()
    assert refused.status_code == 403
