"""One renderer for every command that prints data: table | wide | json | yaml | csv | csv-nl | xlsx.

Commands build a `Report` (the data for scripts, plus blocks of rows for people) and
`render` prints it, all formats from the same rows. A Rich table only on a terminal;
piped, the table is plain aligned text with no colour, no box drawing and no truncation,
and Rich is never imported. A column has a key (csv and json) and a Dutch label (the
header of table, csv-nl and xlsx); a block's totals rows belong to it and come last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from wijkctl.records import record
from wijkctl.text import datum, euro, getal, printable


class Format(str, Enum):
    table = "table"
    json = "json"
    yaml = "yaml"
    csv = "csv"
    csv_nl = "csv-nl"  # for Dutch Excel: `;`, UTF-8 BOM, CRLF, decimal comma
    wide = "wide"  # a table with every column, even where the terminal is too narrow
    xlsx = "xlsx"  # a spreadsheet with typed cells (wijkctl.xlsx), to --file or a pipe


class WriteFormat(str, Enum):
    """What a command that changes data prints: its one-line report (table), or the
    record(s) written for scripts."""

    table = "table"
    json = "json"
    yaml = "yaml"


@record(kw_only=False)
class Column:
    key: str  # the name scripts read: the csv header and the JSON key
    header: str  # the Dutch label people read: the header of table, csv-nl and xlsx
    kind: str = "text"  # text | int | money | date | pct | year
    unknown: str = ""  # what a person reads for None
    table: bool = True  # False: only in csv, not in the table people read
    drop: int = 0  # on a narrow terminal: 0 always shown; otherwise the highest goes first


@record(kw_only=False)
class Block:
    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str | None = None
    totals: list[dict[str, Any]] = field(default_factory=list)  # rows after the data, never wrapped;
    # in the table, csv-nl and xlsx, not in csv (for scripts) nor json (whose data says it)
    header: bool = True  # False for a block of "field: value" rows
    sheet: str | None = None  # the worksheet's name in xlsx when the block has no title


@record(kw_only=False)
class Report:
    data: Any  # what json and yaml print
    blocks: list[Block]  # what people read; the first block is what csv prints
    notes: list[str] = field(default_factory=list)  # lines after the tables, for people (stderr when piped)
    text: list[str] = field(default_factory=list)  # lines after the tables that were asked for (stdout)
    plain: list[str] | None = None  # when set, what table and wide print instead of the blocks
    # (check's `file:line: message` for editors, due's one line per item for cron)
    wrap: bool = False  # the plain lines wrapped at words on a terminal (diff's sentences)


def human(value: Any, kind: str = "text", unknown: str = "") -> str:
    """A cell as a person reads it: Dutch numbers, euros and dates."""
    if value is None:
        return unknown
    if kind == "money":
        return euro(value)
    if kind == "int":
        return getal(value)
    if kind == "year":  # a year is a number without a thousands separator: 2027, never 2.027
        return str(value)
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


_ESCAPE = json.encoder.encode_basestring  # the C function (json imports json.encoder)


class _Unusual(Exception):
    """A value the fast encoder leaves to `json.dumps` (a non-text key, a float that is not finite)."""


_KEYS: dict[str, str] = {}  # a text key -> its escaped form and ": " (the same few keys, row after row)
_MAX_KEYS = 4096


def _indented(value: Any, out: list[str], pad: str) -> None:
    """`value` as `json.dumps(..., ensure_ascii=False, indent=2, default=_plain_json)` writes
    it, appended to `out` (`pad`: the indentation of its line). The standard library's
    encoder with an indent is pure Python generators, a token costing a frame per level;
    this costs one call per value that is not a text, a whole number or None
    (`tests/test_render.py` holds them equal)."""
    esc = _ESCAPE
    if isinstance(value, str):
        out.append(esc(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif type(value) is int:
        out.append(int.__repr__(value))
    elif type(value) is float and value - value == 0:  # finite
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        sep, prefix = ",\n" + inner, "{\n" + inner
        keys = _KEYS
        for key, item in value.items():  # the commonest scalars written here, without a call
            if type(key) is not str:  # before the look-up: a key equal to a text is not one
                raise _Unusual
            name = keys.get(key)
            if name is None:
                name = esc(key) + ": "
                if len(keys) < _MAX_KEYS:
                    keys[key] = name
            kind = type(item)
            if kind is str:
                out.append(prefix + name + esc(item))
            elif kind is int:
                out.append(prefix + name + int.__repr__(item))
            elif item is None:
                out.append(prefix + name + "null")
            else:
                out.append(prefix + name)
                _indented(item, out, inner)
            prefix = sep
        out.append("\n" + pad + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep, prefix = ",\n" + inner, "[\n" + inner
        for item in value:
            kind = type(item)
            if kind is str:
                out.append(prefix + esc(item))
            elif kind is int:
                out.append(prefix + int.__repr__(item))
            elif item is None:
                out.append(prefix + "null")
            else:
                out.append(prefix)
                _indented(item, out, inner)
            prefix = sep
        out.append("\n" + pad + "]")
    elif isinstance(value, (int, float)):
        raise _Unusual
    else:
        _indented(_plain_json(value), out, pad)


class JsonText(str):
    """A JSON document written before (`json_list`), which `to_json` prints as it is."""


def to_json(data: Any) -> str:
    if isinstance(data, JsonText):
        return str(data)
    return _escaped(_json(data, "")) + "\n"


def _json(value: Any, pad: str) -> str:
    """`value` in JSON as `to_json` writes it, on a line indented by `pad`."""
    out: list[str] = []
    try:
        _indented(value, out, pad)
        return "".join(out)
    except _Unusual:
        return json.dumps(value, ensure_ascii=False, indent=2, default=_plain_json).replace("\n", "\n" + pad)


def _escaped(text: str) -> str:
    if (not text.isascii() or "\x7f" in text) and any(ch in text for ch in _JSON_RAW):
        text = "".join(f"\\u{ord(ch):04x}" if ch in _JSON_RAW else ch for ch in text)
    return text


def json_item(value: Any) -> str:
    """`value` as `to_json` writes it as an item of a list (`json_list`): a text that
    depends on the value alone, so it can be kept and printed again."""
    return _escaped(_json(value, "  "))


def json_list(items: list[str]) -> JsonText:
    """The JSON document of a list whose items `json_item` wrote: `to_json` of the list."""
    return JsonText("[\n  " + ",\n  ".join(items) + "\n]\n" if items else "[]\n")


def to_yaml(data: Any) -> str:
    import yaml

    plain = json.loads(json.dumps(data, default=_plain_json))  # dates as ISO strings, like JSON
    return yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=1_000_000)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width ＝＋－＠


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
    """The block as CSV: `,` and LF, the keys as header, one row per record; with `dutch`,
    what Dutch Excel opens by double-click (`;`, a UTF-8 BOM, CRLF, decimal comma), the
    Dutch labels as header and the totals rows last. Every cell passes the formula guard."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n" if dutch else "\n")
    writer.writerow([csv_cell(c.header if dutch else c.key) for c in block.columns])
    rows = block.rows + (block.totals if dutch else [])  # a spreadsheet shows the total
    for row in rows:
        writer.writerow([csv_cell(row.get(c.key), dutch) for c in block.columns])
    return ("\ufeff" if dutch else "") + buffer.getvalue()


def render_plain(block: Block) -> str:
    """Aligned columns separated by two spaces; nothing cut, no escape codes."""
    columns = [c for c in block.columns if c.table]
    lines = [[c.header for c in columns]] if block.header else []
    lines += [[human(r.get(c.key), c.kind, c.unknown) for c in columns] for r in block.rows]
    lines += [[human(r.get(c.key), c.kind) for c in columns] for r in block.totals]
    widths = [max(len(cell) for cell in col) for col in zip(*lines)]
    right = [c.kind in ("int", "money", "pct", "year") for c in columns]
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


class _Measure(NamedTuple):
    """What one table column needs: its natural width and the least it can do with."""

    natural: int
    whole: int  # no word broken inside itself (and a number never wrapped)
    folded: int  # long words folded


def _measure(column: Column, header: str, totals: list[str], cells: list[str]) -> _Measure:
    """A totals cell is never wrapped: its whole length is the least the column can do with."""
    texts = [header, *totals, *cells]
    natural = max(len(t) for t in texts) or 1
    total = max((len(t) for t in totals), default=0)
    if column.kind in ("int", "money", "pct", "date", "year"):  # a number or date never wraps, though its header may
        head = max((len(w) for w in header.split()), default=1)
        unbroken = max(max((len(t) for t in texts[1:]), default=1), head)
        return _Measure(natural, unbroken, unbroken)
    words = max((len(w) for t in texts for w in t.split()), default=1)
    return _Measure(natural, max(words, total), max(min(natural, 8), total))


def _fit(measures: list[_Measure], width: int, header: bool, folding: bool):
    """Widths and box style for these columns within `width`, or None: boxed when that
    fits, else without the box's borders."""
    from rich import box

    natural = [m.natural for m in measures]
    minimum = [m.folded if folding else m.whole for m in measures]
    n = len(measures)
    for room, style in ((width - 3 * n - 1, box.HEAVY_HEAD if header else box.SQUARE), (width - 2 * (n - 1), None)):
        if (widths := fit_widths(natural, minimum, room)) is not None:
            return widths, style
    return None


def layout(block: Block, width: int, wide: bool = False):
    """Which columns a terminal `width` shows, how wide, in which style, and which were dropped.

    Words stay whole. When all columns do not fit, droppable columns go, highest `drop`
    first, as kubectl does; `wide` keeps them all and folds long words instead. None when
    not even that fits (the block is then printed as plain text)."""
    columns = [c for c in block.columns if c.table]
    measures = [
        _measure(c, c.header if block.header else "", [human(t.get(c.key), c.kind) for t in block.totals],
                 [human(r.get(c.key), c.kind, c.unknown) for r in block.rows])
        for c in columns
    ]
    shown = list(range(len(columns)))
    droppable = (i for i, c in enumerate(columns) if c.drop)
    dropping = [] if wide else sorted(droppable, key=lambda i: (-columns[i].drop, -i))
    while True:
        fitted = _fit([measures[i] for i in shown], width, block.header, folding=False)
        if fitted or not dropping:
            break
        shown.remove(dropping.pop(0))
    fitted = fitted or _fit([measures[i] for i in shown], width, block.header, folding=True)
    if fitted is None:
        return None
    dropped = [c for i, c in enumerate(columns) if i not in shown]
    return [columns[i] for i in shown], *fitted, dropped


def _rich_tables(report: Report, stream: TextIO, wide: bool = False) -> None:
    """Rich tables for a terminal, never cropped; see `layout`."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    for block in report.blocks:
        if block.title:
            console.print(Text(printable(block.title), style="bold"))
        fitted = layout(block, console.width, wide)
        if fitted is None:
            stream.write(render_plain(Block(block.columns, block.rows, totals=block.totals, header=block.header)))
            continue
        columns, widths, style, dropped = fitted
        table = Table(box=style, pad_edge=style is not None, show_header=block.header,
                      show_footer=bool(block.totals), header_style="bold")
        for c, w in zip(columns, widths):
            footer = "\n".join(human(t.get(c.key), c.kind) for t in block.totals)  # one line per totals row
            table.add_column(Text(c.header), footer=Text(footer), width=w, overflow="fold",
                             justify="right" if c.kind in ("int", "money", "pct", "year") else "left")
        for row in block.rows:
            table.add_row(*(Text(human(row.get(c.key), c.kind, c.unknown)) for c in columns))
        console.print(table)
        if dropped:
            names = ", ".join(c.header for c in dropped)
            console.print(Text(f"Niet getoond om in {console.width} kolommen te passen: {names} (-o wide toont alles).",
                               style="dim"))
    for line in report.notes + report.text:
        console.print(Text(printable(line)))


def wrapped(lines: list[str], width: int) -> list[str]:
    """`lines` wrapped at spaces to `width`, each continuation indented under its line's
    text; a word is never broken, not at a hyphen either (an e-mail address or a URL longer
    than the line stands alone on its line)."""
    import textwrap

    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(line, width, subsequent_indent=indent + "    ", break_long_words=False,
                             break_on_hyphens=False, drop_whitespace=True) or [""]
    return out


def _terminal_width(out: TextIO) -> int:
    import shutil

    return max(shutil.get_terminal_size().columns, 20)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(report: Report, fmt: Format | WriteFormat, file: Path | None = None, stream: TextIO | None = None) -> None:
    """Print `report` in the chosen format: to stdout, or to `file` (`--file`)."""
    fmt = Format(getattr(fmt, "value", fmt))
    if fmt == Format.xlsx:
        from wijkctl import xlsx

        _deliver(xlsx.workbook(report.blocks), file, stream or sys.stdout)
    elif file is not None:
        import io

        buffer = io.StringIO()
        _render_text(report, fmt, buffer)
        write_file(file, buffer.getvalue().encode("utf-8"))
    else:
        _render_text(report, fmt, stream or sys.stdout)


def _render_text(report: Report, fmt: Format, out: TextIO) -> None:
    if fmt == Format.json:
        out.write(to_json(report.data))
    elif fmt == Format.yaml:
        out.write(to_yaml(report.data))
    elif fmt in (Format.csv, Format.csv_nl):
        if report.blocks:
            out.write(to_csv(report.blocks[0], dutch=fmt == Format.csv_nl))
    elif report.plain is not None:
        lines = [printable(line) for line in report.plain]
        if report.wrap and is_terminal(out):
            lines = wrapped(lines, _terminal_width(out))
        out.write("".join(line + "\n" for line in lines))
    elif is_terminal(out) and os.environ.get("TERM") != "dumb":
        _rich_tables(report, out, wide=fmt == Format.wide)
    else:
        # piped: the tables alone on stdout, whole; the notes are for people, on stderr
        out.write("\n".join(render_plain(b) for b in report.blocks))
        if report.text:
            out.write(("\n" if report.blocks else "") + "\n".join(printable(t) for t in report.text) + "\n")
        if report.notes:
            sys.stderr.write("\n".join(printable(n) for n in report.notes) + "\n")


def _deliver(content: bytes, file: Path | None, out: TextIO) -> None:
    """A binary document to `file`, or to stdout when that is not a terminal."""
    if file is not None:
        write_file(file, content)
        return
    if is_terminal(out):
        from wijkctl.errors import UsageError

        raise UsageError("Een spreadsheet (-o xlsx) hoort niet in de terminal: geef --file BESTAND.xlsx "
                         "of stuur de uitvoer naar een bestand (> overzicht.xlsx).")
    write_bytes = getattr(out, "write_bytes", None)  # the CLI's guarded stdout
    if write_bytes is not None:
        write_bytes(content)
    else:
        out.flush()
        out.buffer.write(content)  # type: ignore[attr-defined]


def write_file(path: Path, content: bytes) -> None:
    """`content` as the file `path`, whole or not at all (a temporary file renamed over it)."""
    import tempfile

    from wijkctl.errors import UsageError, WriteFailed
    from wijkctl.fileio import reason

    path = Path(path)
    if path.is_dir():
        raise UsageError(f"--file {path} is een map; geef een bestandsnaam.")
    if not path.parent.is_dir():
        raise UsageError(f"--file {path}: de map {path.parent} bestaat niet.")
    temp = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
            temp = handle.name
            handle.write(content)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise WriteFailed(f"Kan {path} niet schrijven: {reason(exc)}.") from None
