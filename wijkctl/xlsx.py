"""`-o xlsx`: the renderer's blocks as a real spreadsheet, with typed cells.

Imported only when a spreadsheet is asked for (XlsxWriter costs start-up). Each block is
a worksheet: a header row of Dutch labels, frozen below it, with an autofilter; money as
euro numbers with a euro format, counts as numbers, dates as dates, everything else
(codes, KvK and CBS numbers) as text, so `01234567` keeps its zero and a text cell is
never run as a formula; the block's totals rows last, in bold. The same data gives the
same bytes: the workbook's creation date is fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any

import xlsxwriter

from wijkctl.text import printable

# Excel formats: the currency and separators follow the reader's locale; `-413` is nl-NL.
NUMBER_FORMATS = {
    "money": '[$€-413] #,##0;[$€-413] -#,##0',
    "int": "#,##0",
    "year": "0",
    "pct": '0.0"%"',
    "date": "d-m-yyyy",
}
FIXED_CREATED = dt.datetime(2000, 1, 1)  # byte-stable output: no run's clock in the file
MAX_WIDTH = 60
_SHEET_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})


class _Styles:
    """One cell format per (kind, bold), made once per workbook."""

    def __init__(self, book: Any):
        self._book, self._made = book, {}

    def get(self, kind: str, bold: bool = False) -> Any:
        key = (NUMBER_FORMATS.get(kind), bold)
        if key not in self._made:
            props: dict[str, Any] = {"bold": True} if bold else {}
            if key[0]:
                props["num_format"] = key[0]
            self._made[key] = self._book.add_format(props)
        return self._made[key]


def workbook(blocks: list[Any]) -> bytes:
    """The bytes of an .xlsx file holding `blocks` (output.Block), one worksheet each."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": FIXED_CREATED})
    styles, names = _Styles(book), set()
    for block in blocks:
        _write_block(book.add_worksheet(_sheet_name(block.title or block.sheet, names)), block, styles)
    if not blocks:
        book.add_worksheet("Leeg")
    book.close()
    return buffer.getvalue()


def _sheet_name(title: str | None, taken: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of `[]:*?/\\`."""
    base = " ".join(printable(title or "").translate(_SHEET_FORBIDDEN).split())[:31].strip("'") or "Blad"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    taken.add(name.lower())
    return name


def _write_block(sheet: Any, block: Any, styles: _Styles) -> None:
    columns = block.columns
    first = 0
    if block.header:
        for col, c in enumerate(columns):
            sheet.write_string(0, col, printable(c.header), styles.get("text", bold=True))
        first = 1
    widths = [len(c.header) if block.header else 4 for c in columns]
    for r, row in enumerate(block.rows, start=first):
        _write_row(sheet, r, columns, row, styles, widths, bold=False)
    end = first + len(block.rows)
    for r, row in enumerate(block.totals, start=end):
        _write_row(sheet, r, columns, row, styles, widths, bold=True)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, MAX_WIDTH))
    if block.header and columns:
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(end - 1, 0), len(columns) - 1)  # the totals stay out of the filter


def _write_row(sheet: Any, r: int, columns: list[Any], row: dict[str, Any], styles: _Styles,
               widths: list[int], *, bold: bool) -> None:
    for col, c in enumerate(columns):
        shown = _write_cell(sheet, r, col, row.get(c.key), c.kind, styles, bold)
        widths[col] = max(widths[col], shown)


def _is_number(value: Any) -> bool:
    decimal = sys.modules.get("decimal")
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (decimal is not None and isinstance(value, decimal.Decimal))


def _write_cell(sheet: Any, r: int, col: int, value: Any, kind: str, styles: _Styles, bold: bool) -> int:
    """Write one typed cell; returns about how wide it shows."""
    if value is None or value == "" or value == []:
        if bold:
            sheet.write_blank(r, col, None, styles.get(kind, bold))
        return 0
    if _is_number(value):
        number = int(value) if value == int(value) else float(value)
        sheet.write_number(r, col, number, styles.get(kind if kind != "text" else "number", bold))
        return len(f"{number:,}") + (2 if kind == "money" else 0)
    if isinstance(value, dt.datetime):  # never from the data; a date-time would lose its time
        value = value.date()
    if isinstance(value, dt.date):
        sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), styles.get("date", bold))
        return 10
    if isinstance(value, bool):
        cell = "ja" if value else "nee"
    elif isinstance(value, (list, tuple)):
        cell = ", ".join(printable(str(v)) for v in value)
    else:
        cell = printable(str(value))
    sheet.write_string(r, col, cell, styles.get("text", bold))  # a string cell: never a formula
    return len(cell)
