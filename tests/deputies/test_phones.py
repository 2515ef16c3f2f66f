"""Every number format the registry and the PBX send ends up as one E.164 number."""

from __future__ import annotations

import pytest

from minyi.deputies.phones import PhoneError, caller_e164, normalize_phone, split_numbers

MOBILE = "+8613800138000"
LANDLINE = "+8673185309270"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("13800138000", MOBILE),
        ("+86 138-0013-8000", MOBILE),
        ("008613800138000", MOBILE),
        ("138 0013 8000", MOBILE),
        ("0731-85309270", LANDLINE),
        ("073185309270", LANDLINE),
        ("(0731)85309270", LANDLINE),
        ("+86-731-85309270", LANDLINE),
    ],
)
def test_a_typed_number_is_stored_in_e164(typed, expected):
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", ["", "1380013800", "10086", "85309270", "电话"])
def test_a_number_that_is_not_a_phone_is_refused_in_chinese(typed):
    with pytest.raises(PhoneError) as error:
        normalize_phone(typed)
    assert "号码" in error.value.message


@pytest.mark.parametrize(
    "caller_id, expected",
    [
        ("13800138000", MOBILE),
        ("013800138000", MOBILE),  # trunk 0 before an out-of-area mobile
        ("+8613800138000", MOBILE),
        ("85309270", LANDLINE),  # local landline without the area code (湘潭 0731)
        ("073185309270", LANDLINE),
    ],
)
def test_a_caller_id_is_matched_however_the_pbx_writes_it(caller_id, expected):
    assert caller_e164(caller_id) == expected


@pytest.mark.parametrize("caller_id", ["", "anonymous", "10086", "12345", "unknown"])
def test_a_hidden_or_short_caller_id_identifies_nobody(caller_id):
    assert caller_e164(caller_id) is None


def test_a_cell_with_several_numbers_is_split_on_chinese_and_latin_separators():
    cell = "13800138000，13900139000;0731-85309270、13700137000；13600136000,13500135000"

    assert split_numbers(cell) == [
        "13800138000",
        "13900139000",
        "0731-85309270",
        "13700137000",
        "13600136000",
        "13500135000",
    ]
