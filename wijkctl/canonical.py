"""A fast reader for text that is already in the canonical form (issue 26).

A data repository's files are canonical (every write and `fmt` make them so), and the
strict loader's node tree costs twice libyaml's bare event stream before a single record
is built. This reader takes a canonical text line by line, driven by the schema, and
builds the records with their lines straight away. It proves what it reads: every scalar
must be written exactly as the canonical writer writes its value (`scalar`), every key
in the declared order at the declared indentation, so a text it accepts is the canonical
dump of the records it returns, and therefore reads as those records through the strict
loader too. Anything else (an older `versie`, a comment, an anchor, a flow mapping, a
block scalar, a quoted number, any doubt) returns None and the caller parses the text
with the strict loader, which names every problem with its line.

`scalar` answers only where it is sure what PyYAML's emitter writes and None elsewhere;
`tests/test_canonical.py` holds it against PyYAML for all strings, and under
`WIJKCTL_CHECK_WRITES=1` (set for every test) `yamlio.load_text` compares every fast read
with the strict loader's records and lines.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml.resolver

from wijkctl.formats import FORMATS
from wijkctl.schema import FILES, Schema

_RESOLVER = yaml.resolver.Resolver()
_SPECIAL = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)
_STR = "tag:yaml.org,2002:str"
_MEMO: dict[str, bool] = {}
# A first character that always makes libyaml quote a plain scalar
_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_NUMBER_LIKE = re.compile(r"[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?")
_PLAIN_INT = re.compile(r"0|[1-9][0-9]{0,14}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEARS: tuple[int, int] = FORMATS["jaar"].bereik  # type: ignore[assignment]
MAX_SCALAR = 4096  # a longer text is left to the emitter (which folds past its width)


class _Miss(Exception):
    """Not canonical text this reader vouches for: the strict loader reads it."""


def _plain_is_text(value: str) -> bool:
    """Whether a plain scalar `value` reads as text (YAML 1.1's implicit types, as PyYAML
    resolves them; only its first character in _SPECIAL can make it anything else)."""
    known = _MEMO.get(value)
    if known is None:
        known = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR
        if len(value) <= 24:
            _MEMO[value] = known
    return known


def scalar(value: str) -> str | None:
    """The text libyaml's emitter writes for the string `value` as the canonical writer
    asks (block context, unicode as is, no folding, `yamlio._repr_str`'s styles), when
    sure; None otherwise (empty, long, multi-line, a character it escapes)."""
    if not value or len(value) > MAX_SCALAR or not value.isprintable():
        return None
    if not value.isascii() and max(value) > "\uffff":
        return None  # libyaml writes a character beyond the BMP escaped, in double quotes
    first = value[0]
    if (first == " " or value[-1] == " " or _block_indicator(value)
            or ((first in "+-.eE" or first.isdigit()) and number_like(value))
            or (first in _SPECIAL and not _plain_is_text(value))):
        return "'" + value.replace("'", "''") + "'"
    return value


def _block_indicator(value: str) -> bool:
    """Whether libyaml's analysis finds an indicator that rules out a plain scalar in block
    context (`yaml_emitter_analyze_scalar`): a document marker, an indicator first, `: `
    or a final `:`, or ` #`."""
    first = value[0]
    return (first in _INDICATORS or (first in "?:-" and (len(value) == 1 or value[1] == " "))
            or value.startswith(("---", "...")) or ": " in value or (len(value) > 1 and value[-1] == ":")
            or " #" in value)


def number_like(value: str) -> bool:
    """Digit strings that PyYAML (YAML 1.1) would leave plain but a YAML 1.2 reader takes
    for a number, like the phone number 0612345678: the canonical writer quotes them."""
    return bool(_NUMBER_LIKE.fullmatch(value)) and any(c.isdigit() for c in value)


def _text(raw: str) -> str:
    """The string a canonical scalar `raw` writes (plain or single-quoted), proven by writing it again."""
    if not raw:
        raise _Miss
    if raw[0] == "'":
        inner = raw[1:-1]
        if len(raw) < 2 or raw[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Miss
        value = inner.replace("''", "'")
    else:
        value = raw
    if scalar(value) != raw:
        raise _Miss
    return value


def valid_mmdd(value: str) -> bool:
    """MM-DD with ASCII digits, a day that every year has (so not 02-29)."""
    if not re.fullmatch(r"[0-9][0-9]-[0-9][0-9]", value):
        return False
    try:
        dt.date(2023, int(value[:2]), int(value[3:]))  # not a leap year
    except ValueError:
        return False
    return True


def _value(raw: str, kind: str) -> Any:
    if not raw:
        raise _Miss
    if kind == "str":
        return _text(raw)
    if kind in ("int", "num"):
        if _PLAIN_INT.fullmatch(raw):
            return int(raw)
        raise _Miss  # floats and anything odd: the strict loader
    if kind == "date":
        if not _DATE.fullmatch(raw):
            raise _Miss
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            raise _Miss from None
        if not _YEARS[0] <= value.year <= _YEARS[1]:
            raise _Miss
        return value
    if kind == "bool":
        if raw in ("true", "false"):
            return raw == "true"
        raise _Miss
    if kind == "mmdd":
        value = _text(raw)
        if not valid_mmdd(value):
            raise _Miss
        return value
    raise _Miss


_PLANS: dict[int, tuple[dict[str, tuple[int, Any]], tuple[str, ...]]] = {}


def _plan(schema: Schema) -> tuple[dict[str, tuple[int, Any]], tuple[str, ...]]:
    """A schema's keys -> (position, field), and its required keys."""
    plan = _PLANS.get(id(schema))
    if plan is None:
        plan = _PLANS[id(schema)] = ({f.key: (i, f) for i, f in enumerate(schema.fields)},
                                     tuple(f.key for f in schema.fields if f.required))
    return plan


class _Lines:
    """The lines of a text and where the reader stands (0-based)."""

    __slots__ = ("at", "lines")

    def __init__(self, lines: list[str]):
        self.lines, self.at = lines, 0

    def record(self, schema: Schema, indent: int, item: bool) -> Any:
        """The record whose keys stand at `indent` from the current line on (`item`: its
        first line starts with `- ` two columns before them)."""
        if schema.flow:
            raise _Miss
        lines, (keys, required) = self.lines, _plan(schema)
        pad, end = " " * indent, len(lines)
        start = at = self.at
        if item:  # the first line: `- key: ...` two columns to the left
            if not lines[at].startswith(" " * (indent - 2) + "- "):
                raise _Miss
            lines[at] = pad + lines[at][indent:]
        kwargs: dict[str, Any] = {}
        regels: dict[str, int] = {}
        last = -1
        while at < end:
            line = lines[at]
            if not line.startswith(pad):
                break
            key, sep, raw = line[indent:].partition(":")
            place = keys.get(key)
            if place is None or place[0] <= last or not sep:
                raise _Miss  # not a key of this record in its place (unknown, twice, out of order)
            last, f = place
            at += 1
            if raw:
                if raw[0] != " " or f.kind in _NESTED:
                    raise _Miss
                regels[key] = at
                kwargs[key] = _text(raw[1:]) if f.kind == "str" else _value(raw[1:], f.kind)
                continue
            regels[key] = at + 1
            self.at = at
            if f.kind == "record":
                kwargs[key] = self.record(f.schema, indent + 2, False)
            elif f.kind == "records":
                kwargs[key] = self.items(f.schema, indent)
            elif f.kind == "strlist":
                kwargs[key] = self.strings(indent)
            else:
                raise _Miss
            at = self.at
        self.at = at
        if at == start:
            raise _Miss
        for key in required:
            if key not in kwargs:
                raise _Miss
        return schema.cls(**kwargs, regel=start + 1, regels=regels)

    def items(self, schema: Schema, indent: int) -> list[Any]:
        """The records of a block sequence whose `- ` stand at `indent`; at least one."""
        out = []
        dash, lines = " " * indent + "- ", self.lines
        read = self.flow_record if schema.flow else self.record
        while self.at < len(lines) and lines[self.at].startswith(dash):
            out.append(read(schema, indent + 2, True))
        if not out:
            raise _Miss
        return out

    def flow_record(self, schema: Schema, indent: int, item: bool) -> Any:
        """A one-line flow mapping item `- {key: value, ...}` whose `- ` stands two columns
        before `indent`, when every value is one `flow_text` vouches for."""
        line = self.lines[self.at]
        prefix = " " * (indent - 2) + "- {"
        if not item or not line.startswith(prefix) or not line.endswith("}"):
            raise _Miss
        keys, required = _plan(schema)
        kwargs: dict[str, Any] = {}
        last = -1
        for part in line[len(prefix):-1].split(", "):
            key, sep, raw = part.partition(": ")
            place = keys.get(key)
            if place is None or place[0] <= last or not sep or place[1].kind in _NESTED:
                raise _Miss
            last, f = place
            if f.kind in ("str", "mmdd"):
                if flow_text(raw) != raw or (f.kind == "mmdd" and not valid_mmdd(raw)):
                    raise _Miss
                kwargs[key] = raw
            else:
                kwargs[key] = _value(raw, f.kind)
        for key in required:
            if key not in kwargs:
                raise _Miss
        self.at += 1
        return schema.cls(**kwargs, regel=self.at, regels=dict.fromkeys(kwargs, self.at))

    def strings(self, indent: int) -> list[str]:
        out = []
        dash, lines = " " * indent + "- ", self.lines
        while self.at < len(lines) and lines[self.at].startswith(dash):
            out.append(_text(lines[self.at][len(dash):]))
            self.at += 1
        if not out:
            raise _Miss
        return out


_NESTED = frozenset(("record", "records", "strlist"))


def read(name: str, text: str) -> tuple[list[Any], dict[str, Any]] | None:
    """The records and head records of canonical text of data file `name` in its current
    version, with their lines; None when the text is not canonical text this reader
    vouches for (then the strict loader reads it)."""
    declared = FILES[name]
    if not text.endswith("\n") or "\r" in text or text.startswith("\ufeff"):
        return None
    reader = _Lines(text.split("\n"))
    lines = reader.lines
    if lines.pop() != "" or lines[0] != f"versie: {declared.versie}":
        return None
    reader.at = 1
    head: dict[str, Any] = {}
    try:
        for key, head_schema in declared.heads.items():
            if reader.at < len(lines) and lines[reader.at] == f"{key}:":
                reader.at += 1
                head[key] = reader.record(head_schema, 2, False)
        if reader.at >= len(lines) or lines[reader.at] != f"{declared.list_key}:":
            return None
        reader.at += 1
        records = reader.items(declared.schema, 0)
    except _Miss:
        return None
    if reader.at != len(lines):
        return None
    return records, head


# --- the writer: the inverse of the reader -------------------------------------


def record_text(schema: Schema, record: Any) -> str | None:
    """The canonical lines of one top-level record (`- key: ...`, as it stands in its
    file), written here without PyYAML's representer and emitter, when sure of every line:
    each scalar as `scalar` writes it, each key in the schema's order at its indentation,
    as the reader above demands. None at any doubt (a flow mapping, a block scalar, an
    empty nested record, a value of an unexpected type): `yamlio.dump_record` then dumps
    with PyYAML, and under `WIJKCTL_CHECK_WRITES=1` it compares every text made here with
    PyYAML's."""
    out: list[str] = []
    try:
        _write(schema, record, 2, True, out)
    except _Miss:
        return None
    return "\n".join(out) + "\n"


def _write(schema: Schema, record: Any, indent: int, item: bool, out: list[str]) -> None:
    """The lines of `record` whose keys stand at `indent` (`item`: its first line starts
    with `- ` two columns before them), appended to `out`."""
    if schema.flow:
        raise _Miss
    pad, first = " " * indent, len(out)
    for f in schema.fields:
        value = getattr(record, f.key)
        if value is None or (isinstance(value, list) and not value):
            continue  # as `schema.to_plain`: absent and empty values are left out
        kind = f.kind
        if kind == "record":
            out.append(f"{pad}{f.key}:")
            _write(f.schema, value, indent + 2, False, out)  # type: ignore[arg-type]
        elif kind == "records":
            out.append(f"{pad}{f.key}:")
            if f.schema.flow:  # type: ignore[union-attr]
                out.extend(_flow_line(f.schema, v, pad) for v in value)  # type: ignore[arg-type]
                continue
            for v in value:
                _write(f.schema, v, indent + 2, True, out)  # type: ignore[arg-type]
        elif kind == "strlist":
            out.append(f"{pad}{f.key}:")
            out.extend(f"{pad}- {_scalar_text(v)}" for v in value)
        else:
            out.append(f"{pad}{f.key}: {_written(kind, value)}")
    if len(out) == first:
        raise _Miss  # an empty record: the emitter writes `{}`
    if item:
        out[first] = " " * (indent - 2) + "- " + out[first][indent:]


_FLOW_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")


def flow_text(value: str) -> str | None:
    """The text libyaml's emitter writes for `value` inside a flow mapping, when sure: only
    a plain scalar of letters, digits and `_./-` that block context writes plain too (no
    flow indicator, no space, nothing that reads as another type); None otherwise."""
    if len(value) <= MAX_SCALAR and _FLOW_PLAIN.fullmatch(value) and scalar(value) == value:
        return value
    return None


def _flow_line(schema: Schema, record: Any, pad: str) -> str:
    """One flow mapping item `- {key: value, ...}` (`schema.flow`), its `- ` at `pad`."""
    parts = []
    for f in schema.fields:
        value = getattr(record, f.key)
        if value is None or (isinstance(value, list) and not value):
            continue
        if f.kind in _NESTED:
            raise _Miss
        text = flow_text(value) if f.kind in ("str", "mmdd") and type(value) is str else None
        parts.append(f"{f.key}: {text if text is not None else _written(f.kind, value, flow=True)}")
    if not parts:
        raise _Miss
    return pad + "- {" + ", ".join(parts) + "}"


def _scalar_text(value: Any) -> str:
    text = scalar(value) if type(value) is str else None
    if text is None:
        raise _Miss
    return text


def _written(kind: str, value: Any, *, flow: bool = False) -> str:
    """A scalar of `kind` as the canonical writer writes it (the reader's `_value`, inverted);
    `flow`: inside a flow mapping, where a text is left to PyYAML (`flow_text` said no)."""
    if kind in ("str", "mmdd"):
        if flow:
            raise _Miss
        return _scalar_text(value)
    if kind in ("int", "num") and type(value) is int and 0 <= value < 10**15:
        return str(value)
    if kind == "date" and type(value) is dt.date and _YEARS[0] <= value.year <= _YEARS[1]:
        return value.isoformat()
    if kind == "bool" and type(value) is bool:
        return "true" if value else "false"
    raise _Miss
