"""The one door to a new xlsx workbook: every workbook the product writes opens here.

Text stays text: xlsxwriter's ``write()`` would turn "=…" into a live formula and "http…" into a
link, and a title, a name, a department's or a category's name, an officer's note is text typed
by someone else (formula injection). A test reads the code for any other ``Workbook(``.
"""

from __future__ import annotations

from typing import BinaryIO

import xlsxwriter

TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def workbook(out: BinaryIO | str, **options) -> xlsxwriter.Workbook:
    """A workbook on ``out`` (a path or a binary file) with ``options`` (``in_memory``,
    ``constant_memory`` …) and text kept as text, whatever the options say."""
    return xlsxwriter.Workbook(out, {**options, **TEXT_ONLY})
