"""Every xlsx the product writes opens through minyi/core/xlsx.py (text stays text: no formula
injection from a typed title or name); the code is read for any other ``Workbook(``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "minyi"


def test_no_code_opens_an_xlsx_workbook_outside_the_one_door():
    others = [
        f"{path.relative_to(ROOT.parent)}:{n}"
        for path in ROOT.rglob("*.py")
        if path.name != "xlsx.py" or path.parent.name != "core"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Workbook(" in line and "load_workbook" not in line and not line.lstrip().startswith("#")
    ]
    assert others == []
