"""A deputy's numbers change only through the registry services, each change recorded
(issue 8 review: the admin's phones inline saved numbers through its ModelForm, unrecorded).
The admin's inline, the import and any future page share them."""

from __future__ import annotations

import pytest

from minyi.core.errors import ValidationFailed
from minyi.deputies import services
from minyi.deputies.models import DeputyPhone, RegistryChange
from tests.factories import DeputyPhoneFactory

pytestmark = pytest.mark.django_db

ZHANG = "+8613800138000"


def change_page(client, deputy, *rows: dict, mandates: int = 0):
    """POST the deputy's change page with the phones inline holding ``rows``."""
    existing = [row for row in rows if row.get("id")]
    data = {
        "name": deputy.name,
        "is_active": "on",
        "phones-TOTAL_FORMS": str(len(rows)),
        "phones-INITIAL_FORMS": str(len(existing)),
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if value is not False:
                data[f"phones-{i}-{key}"] = value
        data[f"phones-{i}-deputy"] = deputy.pk
    return client.post(f"/admin/deputies/deputy/{deputy.pk}/change/", data)


def recorded(kind: str) -> list[RegistryChange]:
    return list(RegistryChange.objects.filter(kind=kind).order_by("id"))


def test_a_new_number_from_the_admin_is_added_and_recorded(admin_client, ada, zhang):
    phone = zhang.phones.get()

    response = change_page(
        admin_client,
        zhang,
        {"id": phone.pk, "is_primary": "on"},
        {"new_number": "139 0013 9000"},
    )

    assert response.status_code == 302
    added = zhang.phones.get(number="+8613900139000")
    assert added.raw == "139 0013 9000" and not added.is_primary
    [change] = recorded("phone_add")
    assert change.actor == ada and "张三" in change.summary and "139****9000" in change.summary
    assert "13900139000" not in f"{change.summary}{change.details}"


def test_a_replaced_number_is_recorded_masked(admin_client, ada, zhang):
    phone = zhang.phones.get()

    change_page(
        admin_client, zhang, {"id": phone.pk, "new_number": "13900139000", "is_primary": "on"}
    )

    phone.refresh_from_db()
    assert phone.number == "+8613900139000"
    [change] = recorded("phone_change")
    assert "138****8000" in change.summary and "139****9000" in change.summary
    assert "13800138000" not in f"{change.summary}{change.details}"


def test_a_deleted_number_is_recorded(admin_client, zhang):
    phone = zhang.phones.get()
    second = DeputyPhoneFactory(deputy=zhang, number="+8613900139000", is_primary=False)

    change_page(
        admin_client,
        zhang,
        {"id": phone.pk, "is_primary": "on"},
        {"id": second.pk, "is_primary": False, "DELETE": "on"},
    )

    assert list(zhang.phones.values_list("number", flat=True)) == [ZHANG]
    assert "139****9000" in recorded("phone_remove")[0].summary


def test_making_another_number_primary_moves_the_flag_and_is_recorded(admin_client, zhang):
    phone = zhang.phones.get()
    second = DeputyPhoneFactory(deputy=zhang, number="+8613900139000", is_primary=False)

    change_page(
        admin_client,
        zhang,
        {"id": phone.pk, "is_primary": "on"},
        {"id": second.pk, "is_primary": "on"},
    )

    primaries = list(zhang.phones.filter(is_primary=True).values_list("number", flat=True))
    assert primaries == ["+8613900139000"]  # one 主号码: the SMS to the deputy goes there
    [change] = recorded("phone_primary")
    assert "139****9000" in change.summary


def test_an_unchanged_inline_records_nothing(admin_client, zhang):
    phone = zhang.phones.get()

    change_page(admin_client, zhang, {"id": phone.pk, "is_primary": "on"})

    assert not RegistryChange.objects.exists()


def test_the_same_new_number_twice_is_refused_in_the_form(admin_client, zhang):
    phone = zhang.phones.get()

    response = change_page(
        admin_client,
        zhang,
        {"id": phone.pk, "is_primary": "on"},
        {"new_number": "13900139000"},
        {"new_number": "139-0013-9000"},
    )

    assert response.status_code == 200 and "同一号码填写了两次" in response.content.decode()
    assert zhang.phones.count() == 1 and not RegistryChange.objects.exists()


def test_the_inline_form_cannot_save_a_number_by_itself(zhang):
    from minyi.deputies.admin import PhoneForm

    form = PhoneForm({"new_number": "13900139000"}, instance=DeputyPhone(deputy=zhang))
    assert form.is_valid()

    with pytest.raises(NotImplementedError):
        form.save()


# -- the services themselves -------------------------------------------------------------------


def test_the_services_refuse_a_number_of_another_deputy(zhang, li, ada):
    with pytest.raises(ValidationFailed, match="另一位代表"):
        services.deputy_phone_add(deputy=zhang, raw="0731-85309270", actor=ada)
    with pytest.raises(ValidationFailed, match="另一位代表"):
        services.deputy_phone_replace(phone=zhang.phones.get(), raw="0731-85309270", actor=ada)
    assert not RegistryChange.objects.exists()


def test_the_services_refuse_what_is_not_a_phone_number(zhang, ada):
    with pytest.raises(ValidationFailed):
        services.deputy_phone_add(deputy=zhang, raw="12345", actor=ada)


def test_a_first_number_becomes_the_primary_one(ada):
    from tests.factories import DeputyFactory

    deputy = DeputyFactory(phone=None, mandate=None)

    phone = services.deputy_phone_add(deputy=deputy, raw="13700137000", actor=ada)

    assert phone.is_primary
