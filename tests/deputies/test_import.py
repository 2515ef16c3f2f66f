"""An administrator imports the deputy registry from the template (xlsx or csv)."""

from __future__ import annotations

import pytest

from minyi.deputies.models import Deputy, DeputyPhone, Mandate, RegistryChange
from minyi.deputies.registry.columns import COLUMNS
from minyi.deputies.services import ImportFailed, deputies_import
from tests.deputies.conftest import GOOD, LI, ZHANG, write_csv, write_xlsx
from tests.factories import DeputyFactory, MandateFactory

pytestmark = pytest.mark.django_db


def import_file(path, **kwargs):
    with path.open("rb") as handle:
        return deputies_import(file=handle, filename=path.name, **kwargs)


def registry() -> dict:
    """Everything an import can touch, to check that a failed one saved nothing."""
    return {
        "deputies": list(Deputy.objects.order_by("id").values_list("id", "name", "is_active")),
        "phones": list(DeputyPhone.objects.order_by("number").values_list("number", "deputy_id")),
        "mandates": list(
            Mandate.objects.order_by("id").values_list(
                "deputy_id", "congress_id", "term", "delegation", "professional_group", "station_id"
            )
        ),
    }


def test_a_good_xlsx_file_creates_each_person_once_with_all_mandates(
    tmp_path, congresses, stations
):
    result = import_file(write_xlsx(tmp_path / "名单.xlsx", GOOD))

    assert (result.deputies_created, result.mandates_created, result.mandates_updated) == (2, 4, 0)
    zhang = Deputy.objects.get(name="张三")
    assert sorted(zhang.phones.values_list("number", flat=True)) == [
        "+8613800138000",
        "+8673185309270",
    ]
    assert zhang.phones.get(is_primary=True).number == "+8613800138000"
    assert sorted(zhang.mandates.values_list("congress__name", flat=True)) == [
        "湖南省人大",
        "湘潭市人大",
        "韶山市人大",
    ]
    county = zhang.mandates.get(congress=congresses["ss"])
    assert (county.level, county.term, county.delegation, county.professional_group) == (
        "county",
        "第十九届",
        "银田镇第3选区",
        "教科文卫",
    )
    assert county.station == stations["yt"]
    assert Deputy.objects.get(name="李四").mandates.get().level == "township"
    assert result.summary.startswith("新增 2 人、新增代表资格 4 个、更新 0 个")
    assert RegistryChange.objects.filter(kind="import").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_a_csv_file_in_utf8_with_or_without_bom_or_in_gbk_imports_the_same(
    tmp_path, congresses, stations, encoding
):
    result = import_file(write_csv(tmp_path / "名单.csv", GOOD, encoding=encoding))

    assert (result.deputies_created, result.mandates_created) == (2, 4)
    assert Deputy.objects.get(name="张三").mandates.count() == 3


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13800138000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("0731-85309270", "+8673185309270"),
        ("073185309270", "+8673185309270"),
    ],
)
def test_every_number_format_is_stored_as_e164(tmp_path, congresses, typed, stored):
    import_file(write_xlsx(tmp_path / "a.xlsx", [["王五", typed, "县", "韶山市人大"]]))

    phone = DeputyPhone.objects.get()
    assert (phone.number, phone.raw) == (stored, typed)


def test_a_number_excel_stored_as_a_number_is_read_as_digits(tmp_path, congresses):
    import_file(write_xlsx(tmp_path / "a.xlsx", [["王五", 13800138000, "县", "韶山市人大"]]))

    assert DeputyPhone.objects.get().number == "+8613800138000"


def test_reimporting_the_same_file_changes_nothing(tmp_path, congresses, stations):
    path = write_xlsx(tmp_path / "名单.xlsx", GOOD)
    import_file(path)
    before = registry()

    again = import_file(path)

    assert registry() == before
    assert not again.changed
    assert again.summary.startswith("新增 0 人、新增代表资格 0 个、更新 0 个")
    assert again.mandates_unchanged == 4


def test_a_reimport_adds_new_numbers_and_mandates_and_updates_changed_fields(
    tmp_path, congresses, stations
):
    import_file(write_xlsx(tmp_path / "a.xlsx", GOOD))
    rows = [
        [
            "张三",
            "13800138000、13700137000",
            "县",
            "韶山市人大",
            "第十九届",
            "清溪镇第1选区",
            "教科文卫",
            "",
        ],
        ["张三", "13700137000", "乡", "银田镇人大", "第十九届", "第2选区", "", ""],
    ]

    result = import_file(write_xlsx(tmp_path / "b.xlsx", rows))

    assert (result.deputies_created, result.mandates_created, result.mandates_updated) == (0, 1, 1)
    assert result.phones_added == 1
    zhang = Deputy.objects.get(name="张三")
    assert zhang.phones.count() == 3
    county = zhang.mandates.get(congress=congresses["ss"])
    assert (county.delegation, county.station) == ("清溪镇第1选区", None)
    assert zhang.mandates.count() == 4


def test_a_person_matches_an_existing_deputy_by_name_and_an_overlapping_number(
    tmp_path, congresses
):
    existing = DeputyFactory(name="赵六", phone__number="+8613600136000", mandate=None)
    namesake = DeputyFactory(name="赵六", phone__number="+8613500135000", mandate=None)

    result = import_file(
        write_xlsx(tmp_path / "a.xlsx", [["赵六", "136-0013-6000", "市", "湘潭市人大", "第十七届"]])
    )

    assert (result.deputies_created, result.deputies_matched) == (0, 1)
    assert existing.mandates.count() == 1
    assert namesake.mandates.count() == 0


def test_the_same_name_with_no_common_number_is_another_person(tmp_path, congresses):
    rows = [
        ["刘七", "13800138000", "县", "韶山市人大"],
        ["刘七", "13900139000", "乡", "银田镇人大"],
    ]

    result = import_file(write_xlsx(tmp_path / "a.xlsx", rows))

    assert result.deputies_created == 2


def test_rows_chained_by_shared_numbers_are_one_person(tmp_path, congresses):
    rows = [
        ["陈八", "13800138000", "省", "湖南省人大"],
        ["陈八", "13800138000、13900139000", "市", "湘潭市人大"],
        ["陈八", "13900139000", "县", "韶山市人大"],
    ]

    import_file(write_xlsx(tmp_path / "a.xlsx", rows))

    chen = Deputy.objects.get()
    assert chen.mandates.count() == 3 and chen.phones.count() == 2


BAD = [
    ["张三", "13800138000", "省", "湖南省人大", "第十四届"],  # 2: fine
    ["李四", "1380013800", "市", "湘潭市人大"],  # 3: invalid number
    ["王五", "13700137000", "区", "韶山市人大"],  # 4: unknown level
    ["赵六", "13600136000", "县", "长沙市人大"],  # 5: unknown congress
    ["钱七", "13500135000", "乡", "湘潭市人大"],  # 6: level does not match the congress
    ["孙八", "138 0013 8000", "县", "韶山市人大"],  # 7: 张三's number under another name
    ["", "13300133000", "县", "韶山市人大"],  # 8: no name
]


def test_bad_rows_abort_the_import_and_each_is_reported_with_its_row_number(tmp_path, congresses):
    DeputyFactory(name="周九", phone__number="+8613100131000")
    before = registry()

    with pytest.raises(ImportFailed) as failure:
        import_file(write_xlsx(tmp_path / "bad.xlsx", BAD))

    errors = failure.value.errors
    assert registry() == before
    assert not RegistryChange.objects.exists()
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in (3, 4, 5, 6, 7, 8)]
    assert errors[0] == "第 3 行：手机号码“1380013800”不是有效的手机号码或带区号的固定电话。"
    assert "代表层级“区”无法识别" in errors[1]
    assert "所属人大“长沙市人大”未登记" in errors[2] and "湘潭市人大" in errors[2]
    assert "与所属人大“湘潭市人大”的层级（市）不一致" in errors[3]
    assert "已在第 2 行登记给“张三”" in errors[4]
    assert "姓名不能为空" in errors[5]


def test_a_number_registered_to_another_person_is_refused(tmp_path, congresses):
    DeputyFactory(name="周九", phone__number="+8613100131000")

    with pytest.raises(ImportFailed) as failure:
        import_file(write_xlsx(tmp_path / "a.xlsx", [["吴十", "13100131000", "县", "韶山市人大"]]))

    assert failure.value.errors == [
        f"第 2 行：号码“13100131000”已登记给代表“周九”（编号 {Deputy.objects.get().pk}），"
        "不能再登记给“吴十”。"
    ]
    assert Deputy.objects.count() == 1


def test_an_unknown_station_and_a_duplicate_mandate_are_errors(tmp_path, congresses, stations):
    rows = [
        ["张三", "13800138000", "县", "韶山市人大", "第十九届", "", "", "不存在的联络站"],
        ["张三", "13800138000", "县", "韶山市人大", "第十九届"],
        ["张三", "13800138000", "县", "韶山市人大", "第十九届"],
    ]

    with pytest.raises(ImportFailed) as failure:
        import_file(write_xlsx(tmp_path / "a.xlsx", rows))

    errors = failure.value.errors
    assert errors[0].startswith("第 2 行：联络站“不存在的联络站”未登记")
    assert errors[1].startswith("第 4 行：与第 3 行重复")
    assert not Deputy.objects.exists()


def test_the_header_may_be_reordered_and_carry_extra_columns(tmp_path, congresses):
    header = ["备注", "所属人大", "姓名", "代表层级", "手机号码"]
    import_file(
        write_xlsx(tmp_path / "a.xlsx", [["无", "韶山市人大", "王五", "县", "13800138000"]], header)
    )

    assert Mandate.objects.get().congress.name == "韶山市人大"


def test_a_missing_required_column_is_an_error(tmp_path, congresses):
    with pytest.raises(ImportFailed) as failure:
        import_file(write_xlsx(tmp_path / "a.xlsx", [["王五", "县"]], ["姓名", "代表层级"]))

    assert "缺少必填列 手机号码、所属人大" in failure.value.errors[0]


def test_a_file_that_is_not_really_xlsx_is_refused_in_chinese(tmp_path, congresses):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")

    with pytest.raises(ImportFailed, match="导入失败") as failure:
        import_file(path)

    assert "无法读取该 Excel 文件" in failure.value.errors[0]


def test_a_dry_run_validates_and_counts_but_saves_nothing(tmp_path, congresses, stations):
    result = import_file(write_xlsx(tmp_path / "a.xlsx", GOOD), dry_run=True)

    assert (result.deputies_created, result.mandates_created) == (2, 4)
    assert not Deputy.objects.exists() and not RegistryChange.objects.exists()


def test_rows_can_be_given_directly_to_the_service(congresses, stations):
    from minyi.deputies.registry.parser import SheetRow

    rows = [
        SheetRow(line=i + 2, values=dict(zip(COLUMNS, r, strict=True))) for i, r in enumerate(LI)
    ]

    result = deputies_import(rows=rows, actor=None)

    assert result.deputies_created == 1


def test_importing_a_new_seat_for_a_former_deputy_makes_them_active_again(
    tmp_path, congresses, stations
):
    former = DeputyFactory(
        name="张三", phone__number="+8613800138000", mandate=None, is_active=False
    )
    MandateFactory(deputy=former, congress=congresses["ss"], ended_on="2024-03-15")

    import_file(write_xlsx(tmp_path / "a.xlsx", ZHANG[:1]))

    former.refresh_from_db()
    assert former.is_active and former.mandates.active().count() == 1


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(tmp_path):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    path = tmp_path / "名单.xlsx"
    path.write_bytes(out.getvalue())

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    assert "压缩炸弹" in failure.value.errors[0]
    assert not Deputy.objects.exists()
