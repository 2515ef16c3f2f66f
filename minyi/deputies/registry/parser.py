"""Read an uploaded .xlsx or .csv into rows of text keyed by the template's column names.

Row numbers are the spreadsheet's own (the header is row 1), so an error message points at the
line the user sees in Excel. Blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from minyi.deputies.errors import ImportFailed
from minyi.deputies.registry.columns import COLUMNS, REQUIRED
from minyi.uploads.archives import check_archive
from minyi.uploads.errors import UploadRefused

FORMATS = (".xlsx", ".csv")
# A CSV export shields cells that Excel would run as a formula with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: dict[str, str]


def file_format(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise ImportFailed(
            [
                f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件"
                "（Excel 97-2003 的 .xls 请先另存为 .xlsx）。"
            ]
        )
    return suffix


def read_rows(file: IO[bytes], *, filename: str) -> list[SheetRow]:
    """Rows of the first sheet (or the CSV) under the template's column names."""
    if file_format(filename) == ".xlsx":
        table = _xlsx_table(file)
    else:
        table = _csv_table(file.read())
    return _rows(table)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number Excel stored as a number: 13800138000.0
    text = str(value).replace("\u3000", " ").strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def _xlsx_table(file: IO[bytes]) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_zip_bombs(file)
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFailed(
            ["无法读取该 Excel 文件：请确认是 .xlsx 格式且未加密、未损坏。"]
        ) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _refuse_zip_bombs(file: IO[bytes]) -> None:
    """An .xlsx is a zip that openpyxl unpacks as it reads: judge it from its zip directory
    first, with the same limits as every upload (minyi.uploads.archives)."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    try:
        check_archive(file, size=size)
    except UploadRefused as error:
        if error.code == "file_damaged":
            return  # openpyxl says it in its own words below
        raise ImportFailed([error.message]) from None


def _csv_table(data: bytes) -> list[list[str]]:
    # UTF-8 (with or without the BOM Excel writes for "CSV UTF-8"), else GB18030: Excel in China
    # saves plain CSV in GBK, and GB18030 is its superset.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFailed(["无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码。"])
    try:
        return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ImportFailed([f"CSV 文件格式有误：{exc}"]) from None


def _rows(table: list[list[str]]) -> list[SheetRow]:
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise ImportFailed(["文件是空的：第一行应为表头（姓名、手机号码、代表层级、所属人大……）。"])
    header = table[header_at]
    positions: dict[str, int] = {}
    errors = []
    for index, title in enumerate(header):
        if title in COLUMNS:
            if title in positions:
                errors.append(f"第 {header_at + 1} 行：表头中“{title}”出现了两次。")
            positions.setdefault(title, index)
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        errors.append(
            f"第 {header_at + 1} 行：表头缺少必填列 {'、'.join(missing)}"
            f"（应包含：{'、'.join(COLUMNS)}）。"
        )
    if errors:
        raise ImportFailed(errors)
    rows = []
    for number, cells in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(cells):
            continue
        values = {column: (cells[i] if i < len(cells) else "") for column, i in positions.items()}
        for column in COLUMNS:
            values.setdefault(column, "")
        rows.append(SheetRow(line=number, values=values))
    return rows
