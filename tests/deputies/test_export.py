"""The registry exports in the template's format, and an export imports back unchanged."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from minyi.deputies.models import Mandate, RegistryChange
from minyi.deputies.registry.columns import COLUMNS
from minyi.deputies.registry.parser import read_rows
from minyi.deputies.services import deputies_export, deputies_import, mandate_end, template_bytes
from tests.deputies.conftest import GOOD, write_xlsx
from tests.deputies.test_import import import_file, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path, congresses, stations):
    return import_file(write_xlsx(tmp_path / "名单.xlsx", GOOD))


def export_xlsx(**kwargs) -> bytes:
    out = io.BytesIO()
    deputies_export(out=out, fmt="xlsx", **kwargs)
    return out.getvalue()


def sheet_rows(content: bytes, sheet: int = 0) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def test_the_export_has_the_template_header_and_one_row_per_active_mandate(imported):
    rows = sheet_rows(export_xlsx())

    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + 4
    assert rows[1][:4] == ["张三", "13800138000、0731-85309270", "省", "湖南省人大"]
    assert [r[3] for r in rows[1:]] == ["湖南省人大", "湘潭市人大", "韶山市人大", "银田镇人大"]
    assert RegistryChange.objects.filter(kind="export").count() == 1


def test_an_xlsx_export_imports_back_without_any_change(imported):
    before = registry()

    result = deputies_import(file=io.BytesIO(export_xlsx()), filename="export.xlsx")

    assert not result.changed and result.mandates_unchanged == 4
    assert registry() == before


def test_a_csv_export_imports_back_without_any_change(imported):
    out = io.StringIO()
    deputies_export(out=out, fmt="csv")
    before = registry()

    data = out.getvalue().encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    result = deputies_import(file=io.BytesIO(data), filename="export.csv")

    assert not result.changed
    assert registry() == before


def test_a_name_that_looks_like_a_formula_survives_the_csv_round_trip(congresses):
    deputies_import(
        rows=read_rows(
            io.BytesIO(
                "姓名,手机号码,代表层级,所属人大\n=SUM(A1),13800138000,县,韶山市人大\n".encode()
            ),
            filename="a.csv",
        )
    )
    out = io.StringIO()
    deputies_export(out=out, fmt="csv")

    assert "'=SUM(A1)" in out.getvalue()
    again = deputies_import(file=io.BytesIO(out.getvalue().encode()), filename="b.csv")
    assert not again.changed


def test_ended_mandates_are_left_out_unless_asked_for(imported):
    mandate = Mandate.objects.get(congress__name="银田镇人大")
    mandate_end(mandate=mandate, ended_on=date(2025, 1, 1), reason="resigned")

    assert len(sheet_rows(export_xlsx())) == 1 + 3
    everything = export_xlsx(include_ended=True)
    assert len(sheet_rows(everything)) == 1 + 4
    before = registry()
    result = deputies_import(file=io.BytesIO(everything), filename="all.xlsx")
    assert not result.changed and registry() == before
    assert Mandate.objects.get(pk=mandate.pk).ended_on == date(2025, 1, 1)


def test_the_template_imports_as_zero_rows_and_explains_each_column(congresses):
    content = template_bytes()

    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["代表名单", "说明"]
    assert [tuple(r) for r in book["代表名单"].iter_rows(values_only=True)] == [COLUMNS]
    help_text = "\n".join(
        str(cell) for row in book["说明"].iter_rows(values_only=True) for cell in row if cell
    )
    for needle in (*COLUMNS, "全国", "乡人大代表", "湖南省人大", "银田镇人大", "13800138000"):
        assert needle in help_text
    result = deputies_import(file=io.BytesIO(content), filename="模板.xlsx")
    assert result.rows == 0 and not result.changed
