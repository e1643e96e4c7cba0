"""One renderer for every command that prints data: table | json | yaml | csv.

Commands build a `Report` (the data for scripts, plus blocks of rows for people) and
`render` prints it. A Rich table only on a terminal; piped, the table is plain aligned
text with no colour, no box drawing and no truncation, and Rich is never imported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TextIO

from wijkctl.text import datum, euro, getal, printable


class Format(str, Enum):
    table = "table"
    json = "json"
    yaml = "yaml"
    csv = "csv"
    csv_nl = "csv-nl"  # for Dutch Excel: `;`, UTF-8 BOM, CRLF, decimal comma


@dataclass
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | money | date | pct
    unknown: str = ""  # what a person reads for None
    table: bool = True  # False: only in csv, not in the table people read


@dataclass
class Block:
    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str | None = None
    footer: dict[str, Any] | None = None  # a totals row, on a terminal only
    header: bool = True  # False for a block of "field: value" rows


@dataclass
class Report:
    data: Any  # what json and yaml print
    blocks: list[Block]  # what people read; the first block is what csv prints
    notes: list[str] = field(default_factory=list)  # lines after the tables, for people


def human(value: Any, kind: str = "text", unknown: str = "") -> str:
    """A cell as a person reads it: Dutch numbers, euros and dates."""
    if value is None:
        return unknown
    if kind == "money":
        return euro(value)
    if kind == "int":
        return getal(value)
    if kind == "pct":
        return f"{getal(value, 1)}%"
    if kind == "date" and isinstance(value, dt.date):
        return datum(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):  # a count in a text column, e.g. a field/value block
        return getal(value)
    return printable(str(value))


def _is_decimal(value: Any) -> bool:
    """Without importing decimal: a Decimal exists only when its module was loaded."""
    module = sys.modules.get("decimal")
    return module is not None and isinstance(value, module.Decimal)


def _plain_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_decimal(value):
        return int(value) if value == value.to_integral_value() else float(round(value, 4))
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# JSON escapes C0 controls itself; C1 controls and line separators it leaves raw.
_JSON_RAW = ("\x7f", "\x85", "\u2028", "\u2029", *(chr(c) for c in range(0x80, 0xA0)))


def to_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_plain_json) + "\n"
    if not text.isascii() and any(ch in text for ch in _JSON_RAW):
        text = "".join(f"\\u{ord(ch):04x}" if ch in _JSON_RAW else ch for ch in text)
    return text


def to_yaml(data: Any) -> str:
    import yaml

    plain = json.loads(json.dumps(data, default=_plain_json))  # dates as ISO strings, like JSON
    return yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=1_000_000)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any, decimal_comma: bool = False) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_decimal(value) or isinstance(value, float):
        number = _plain_json(value) if _is_decimal(value) else value
        return str(number).replace(".", ",") if decimal_comma else number
    if isinstance(value, str):
        value = printable(value)  # a CR or LF would split the record
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def to_csv(block: Block, dutch: bool = False) -> str:
    """The block as CSV: `,` and LF; with `dutch`, what Dutch Excel opens by double-click
    (`;`, a UTF-8 BOM, CRLF, decimal comma). Every cell passes the formula guard."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n" if dutch else "\n")
    writer.writerow([c.key for c in block.columns])
    for row in block.rows:
        writer.writerow([csv_cell(row.get(c.key), dutch) for c in block.columns])
    return ("\ufeff" if dutch else "") + buffer.getvalue()


def render_plain(block: Block) -> str:
    """Aligned columns separated by two spaces; nothing cut, no escape codes."""
    columns = [c for c in block.columns if c.table]
    lines = [[c.header for c in columns]] if block.header else []
    lines += [[human(r.get(c.key), c.kind, c.unknown) for c in columns] for r in block.rows]
    widths = [max(len(cell) for cell in col) for col in zip(*lines)]
    right = [c.kind in ("int", "money", "pct") for c in columns]
    out = [printable(block.title)] if block.title else []
    for cells in lines:
        out.append("  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip())
    return "\n".join(out) + "\n"


def fit_widths(natural: list[int], minimum: list[int], available: int) -> list[int] | None:
    """Column widths within `available`: the widest-to-spare columns give way first,
    never below `minimum` (the longest word). None when even the minimums do not fit."""
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        slack, i = max((w - m, i) for i, (w, m) in enumerate(zip(widths, minimum)))
        if slack <= 0:
            return None
        cut = min(slack, excess)
        widths[i] -= cut
        excess -= cut
    return widths


def _rich_tables(report: Report, stream: TextIO) -> None:
    """Rich tables for a terminal, never cropped.

    Column widths are computed here. Numbers never wrap and words stay whole: boxed
    when that fits, else without the box's borders; then long words may fold; on a
    terminal too narrow for even that, the block is printed as plain text.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    for block in report.blocks:
        columns = [c for c in block.columns if c.table]
        numeric = [c.kind in ("int", "money", "pct") for c in columns]
        footers = [human(block.footer.get(c.key), c.kind) if block.footer else "" for c in columns]
        cells = [[human(row.get(c.key), c.kind, c.unknown) for c in columns] for row in block.rows]
        texts = [[c.header if block.header else "", footers[i], *(r[i] for r in cells)] for i, c in enumerate(columns)]
        natural = [max(len(t) for t in col) or 1 for col in texts]
        words = [max((len(w) for t in col for w in t.split()), default=1) for col in texts]
        # a number never wraps, though its header may
        values = [max((len(t) for t in col[1:]), default=1) for col in texts]
        unbroken = [max(v, max((len(w) for w in c.header.split()), default=1)) for v, c in zip(values, columns)]
        whole = [u if num else word for u, word, num in zip(unbroken, words, numeric)]
        folded = [u if num else min(nat, 8) for u, nat, num in zip(unbroken, natural, numeric)]
        n, width = len(columns), console.width
        layouts = (
            (whole, width - 3 * n - 1, box.HEAVY_HEAD if block.header else box.SQUARE),
            (whole, width - 2 * (n - 1), None),
            (folded, width - 2 * (n - 1), None),
        )
        fitted = next(((widths, style) for minimum, room, style in layouts
                       if (widths := fit_widths(natural, minimum, room)) is not None), None)
        if block.title:
            console.print(Text(printable(block.title), style="bold"))
        if fitted is None:
            stream.write(render_plain(Block(block.columns, block.rows, header=block.header)))
            continue
        widths, style = fitted
        table = Table(box=style, pad_edge=style is not None, show_header=block.header,
                      show_footer=bool(block.footer), header_style="bold")
        for i, c in enumerate(columns):
            table.add_column(Text(c.header), footer=Text(footers[i]), width=widths[i], overflow="fold",
                             justify="right" if numeric[i] else "left")
        for row in cells:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    for note in report.notes:
        console.print(Text(printable(note)))


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(report: Report, fmt: Format, stream: TextIO | None = None) -> None:
    """Print `report` to stdout in the chosen format."""
    out = stream or sys.stdout
    if fmt == Format.json:
        out.write(to_json(report.data))
    elif fmt == Format.yaml:
        out.write(to_yaml(report.data))
    elif fmt in (Format.csv, Format.csv_nl):
        out.write(to_csv(report.blocks[0], dutch=fmt == Format.csv_nl))
    elif is_terminal(out) and os.environ.get("TERM") != "dumb":
        _rich_tables(report, out)
    else:
        out.write("\n".join(render_plain(b) for b in report.blocks))
        if report.notes:
            out.write(("\n" if report.blocks else "") + "\n".join(printable(n) for n in report.notes) + "\n")
