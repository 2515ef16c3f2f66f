"""Personal fields in the admin: masked everywhere, never a lookup, a filter, a search or an
ordering, and shown in full only through a logged reveal (issue 8)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from minyi.accounts.duties import DUTIES, VIEW
from minyi.accounts.models import Role
from minyi.adminsite import protected
from minyi.privacy.models import PersonalDataAccess
from tests.adminsite.conftest import (
    ADMIN_ROLES,
    FULL_VALUES,
    REPORTER_NAME,
    REPORTER_PHONE,
    custom_urls,
    login_as,
    model_urls,
    site_urls,
)

pytestmark = pytest.mark.django_db

SUFFIXES = ("startswith", "regex", "contains", "exact", "iendswith")


def _viewer_role(label: str) -> str:
    return next(role for role in ADMIN_ROLES if VIEW in DUTIES[role].get(label, ()))


def _protected_paths(model) -> list[str]:
    """The model's own protected fields, and those one relation away (forward or reverse)."""
    paths = sorted(protected.protected_fields(model))
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None:
            related = sorted(protected.protected_fields(field.related_model))
            paths += [f"{field.name}__{name}" for name in related]
    return paths


def test_the_walk_covers_the_leaks_the_issue_found():
    from minyi.deputies.models import Deputy
    from minyi.orders.models import OrderEvent, WorkOrder

    assert "requester_phone" in _protected_paths(WorkOrder)
    assert "order__requester_phone" in _protected_paths(OrderEvent)
    assert "phones__number" in _protected_paths(Deputy)


def test_no_admin_accepts_a_lookup_on_a_personal_or_secret_field(client, world):
    """The finding: ?requester_phone__startswith=+86187… recovered a hidden number in ~46
    requests, and __regex too. Every path to every protected field, in every admin, is a 400."""
    tried = 0
    for model in admin.site._registry:
        label = model._meta.label_lower
        client, _ = login_as(client, _viewer_role(label), username=f"walker-{_viewer_role(label)}")
        changelist = model_urls(model, world.rows[label].pk)["changelist"]
        for path in _protected_paths(model):
            for suffix in SUFFIXES:
                response = client.get(changelist, {f"{path}__{suffix}": "+86187"})
                assert response.status_code == 400, (label, path, suffix, response.status_code)
                tried += 1
    assert tried > 100


def test_the_oracle_gives_the_same_answer_whatever_the_guess(client, world):
    client, _ = login_as(client, Role.ADMIN)
    changelist = "/admin/orders/workorder/"
    right = client.get(changelist, {"requester_phone__startswith": REPORTER_PHONE[:6]})
    wrong = client.get(changelist, {"requester_phone__startswith": "+86100"})

    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content


def test_searching_for_a_personal_value_finds_nothing(client, world):
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        label = model._meta.label_lower
        client, _ = login_as(client, _viewer_role(label), username=f"searcher-{label}")
        changelist = model_urls(model, world.rows[label].pk)["changelist"]
        for value in (*FULL_VALUES, REPORTER_PHONE, "+8613800138000", "138"):
            response = client.get(changelist, {"q": value})
            assert response.status_code == 200, (label, value)
            assert response.context["cl"].result_count == 0, (label, value)


def test_no_admin_names_a_protected_field_in_search_filters_ordering_or_columns():
    from django.core import checks

    errors = [e for e in checks.run_checks() if e.id and e.id.startswith("minyi.")]
    assert errors == []
    for model, model_admin in admin.site._registry.items():
        assert model_admin._protected_option_errors() == [], model._meta.label


def test_the_system_check_catches_an_admin_that_names_a_personal_field():
    from minyi.adminsite.base import MinyiModelAdmin
    from minyi.orders.models import WorkOrder

    class Careless(MinyiModelAdmin):
        search_fields = ("number", "requester_phone")
        list_filter = ("requester_name",)

    errors = Careless(WorkOrder, admin.site)._protected_option_errors()

    assert {e.id for e in errors} == {"minyi.E003"} and len(errors) == 2


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_no_admin_page_shows_a_personal_value_in_full(client, world, role):
    client, _ = login_as(client, role)
    urls = dict(site_urls())
    for name, url in custom_urls(world).items():
        if not name.endswith(("_reveal", "_export", "_password_reset", "_unlock", "_totp_reset")):
            urls[name] = url
    for model in admin.site._registry:
        for page, url in model_urls(model, world.rows[model._meta.label_lower].pk).items():
            urls[f"{model._meta.label_lower}:{page}"] = url

    logged = PersonalDataAccess.objects.count()
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for value in FULL_VALUES:
            assert value not in page, (name, value)
    assert PersonalDataAccess.objects.count() == logged  # nothing was revealed on the way


def test_the_order_page_shows_the_requester_masked_with_a_reveal_button(admin_client, world):
    page = admin_client.get(f"/admin/orders/workorder/{world.order.pk}/change/").content.decode()

    assert "赵**人" in page and "187****5678" in page
    assert "显示完整信息" in page


def test_revealing_the_requester_is_logged_on_the_admin_surface(admin_client, world):
    order = world.order

    assert admin_client.get(f"/admin/orders/workorder/{order.pk}/reveal/").status_code == 405
    assert not PersonalDataAccess.objects.filter(order=order, surface="admin").exists()
    response = admin_client.post(f"/admin/orders/workorder/{order.pk}/reveal/")

    page = response.content.decode()
    assert response.status_code == 200
    assert REPORTER_NAME in page and "18712345678" in page and "已记入" in page
    seen = PersonalDataAccess.objects.get(order=order, surface="admin")
    assert seen.user.username == "ada" and "联系电话" in seen.fields
    assert seen.ip == "127.0.0.1"


def test_revealing_a_deputys_numbers_is_logged(admin_client, world, zhang):
    response = admin_client.post(f"/admin/deputies/deputy/{zhang.pk}/reveal/")

    assert "13800138000" in response.content.decode()
    seen = PersonalDataAccess.objects.get(surface="admin", subject__contains="张三")
    assert seen.fields == "电话" and seen.order is None


def test_a_deputys_number_is_replaced_without_being_shown(admin_client, world, zhang):
    phone = zhang.phones.get()
    url = f"/admin/deputies/deputy/{zhang.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        "name": zhang.name,
        "gender": "",
        "is_active": "on",
        "phones-TOTAL_FORMS": "1",
        "phones-INITIAL_FORMS": "1",
        "phones-0-id": phone.pk,
        "phones-0-deputy": zhang.pk,
        "phones-0-new_number": "139 0013 9000",
        "phones-0-is_primary": "on",
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
    }
    assert "number" not in form.fields

    response = admin_client.post(url, data)

    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.number == "+8613900139000"


def test_a_deputys_new_number_must_be_free(admin_client, world, zhang, li):
    phone = zhang.phones.get()
    data = {
        "name": zhang.name,
        "is_active": "on",
        "phones-TOTAL_FORMS": "1",
        "phones-INITIAL_FORMS": "1",
        "phones-0-id": phone.pk,
        "phones-0-deputy": zhang.pk,
        "phones-0-new_number": "0731-85309270",  # 李四's office line
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
    }

    response = admin_client.post(f"/admin/deputies/deputy/{zhang.pk}/change/", data)

    assert response.status_code == 200
    assert "一个号码只能属于一人" in response.content.decode()
    phone.refresh_from_db()
    assert phone.number == "+8613800138000"


def test_the_reveal_page_is_refused_to_the_roles_the_rule_refuses(client, world, zhang):
    logged = PersonalDataAccess.objects.count()
    for role in (Role.SECURITY, Role.AUDIT):
        client, _ = login_as(client, role)
        for url in (
            f"/admin/orders/workorder/{world.order.pk}/reveal/",
            f"/admin/deputies/deputy/{zhang.pk}/reveal/",
            f"/admin/accounts/user/{world.rows['accounts.user'].pk}/reveal/",
        ):
            assert client.post(url).status_code == 403, (role, url)
    assert PersonalDataAccess.objects.count() == logged
