"""Strict YAML in, canonical YAML out.

Loading composes the node tree (PyYAML's C parser when present) and builds the records
from it, so every problem keeps its line: duplicate keys, anchors and aliases, tabs in
indentation, unknown keys, wrong types, integers where a string belongs, bad dates, a
newer `versie`. Dumping writes the one canonical form: fixed key order, 2-space indent,
no line folding, unicode as is, no anchors. Pure functions on text; no file access.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from wijkctl import model

CURRENT_VERSIE = 1

try:  # the C parser is about 6x faster; the pure one gives the same nodes
    _Loader: Any = yaml.CSafeLoader
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TYPE_NAMES = {
    _STR: "tekst",
    _INT: "een geheel getal",
    _FLOAT: "een kommagetal",
    _NULL: "leeg",
    _TIMESTAMP: "een datum",
    "tag:yaml.org,2002:bool": "ja/nee",
    "tag:yaml.org,2002:map": "een mapping",
    "tag:yaml.org,2002:seq": "een lijst",
}


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or the validator, at a place in a file."""

    bestand: str
    regel: int
    melding: str
    ernst: str = "fout"  # fout | waarschuwing

    def __str__(self) -> str:
        return f"{self.bestand}:{self.regel}: {self.melding}"


# --- schema -------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # str | int | num | date | mmdd | strlist | record | records
    required: bool = False
    schema: Schema | None = None


@dataclass(frozen=True)
class Schema:
    cls: type
    fields: tuple[Field, ...]
    flow: bool = False  # dumped as a one-line {key: value} mapping

    def field(self, key: str) -> Field | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


def _s(cls: type, *fields: Field, flow: bool = False) -> Schema:
    return Schema(cls, fields, flow)


KERN = _s(model.KernLid, Field("naam", "str", True), Field("email", "str"), Field("telefoon", "str"))
ORGANISATIE = _s(
    model.Organisatie,
    Field("soort", "str", True),
    Field("naam", "str", True),
    Field("van", "date", True),
    Field("tot", "date"),
    Field("reden_einde", "str"),
    Field("opvolger_van", "str"),
    Field("rechtsvorm", "str"),
    Field("kvk", "str"),
    Field("email", "str"),
    Field("website", "str"),
    Field("kern", "records", schema=KERN),
    Field("opmerking", "str"),
)
CIJFERS = _s(
    model.Cijfers,
    Field("peiljaar", "int"),
    Field("bron", "str"),
    Field("inwoners", "int"),
    Field("woningen", "int"),
    Field("sociale_huurwoningen", "int"),
    Field("uitkeringen", "int"),
)
WIJK = _s(
    model.Wijk,
    Field("code", "str", True),
    Field("naam", "str", True),
    Field("cbs_code", "str"),
    Field("cbs_buurten", "strlist"),
    Field("gebied", "str", True),
    Field("buurten", "strlist"),
    Field("opmerking", "str"),
    Field("cijfers", "record", schema=CIJFERS),
    Field("organisaties", "records", schema=ORGANISATIE),
)
VERBINDER = _s(model.Verbinder, Field("naam", "str", True), Field("email", "str"))
GEBIED = _s(
    model.Gebied,
    Field("code", "str", True),
    Field("naam", "str", True),
    Field("verbinder", "record", schema=VERBINDER),
    Field("opmerking", "str"),
)
STAFFEL = _s(model.Staffel, Field("vanaf", "num", True), Field("bedrag", "int", True), flow=True)
TOESLAG = _s(
    model.Toeslag,
    Field("naam", "str", True),
    Field("maatstaf", "str", True),
    Field("staffels", "records", schema=STAFFEL),
    Field("boven_gemiddelde", "int"),
    Field("opmerking", "str"),
)
REGELING = _s(
    model.Regeling,
    Field("jaar", "int", True),
    Field("naam", "str", True),
    Field("bron", "str"),
    Field("status", "str", True),
    Field("basisbedrag", "int", True),
    Field("maximum", "int", True),
    Field("aanvragen_voor", "mmdd"),
    Field("plafond", "int"),
    Field("toeslagen", "records", schema=TOESLAG),
    Field("opmerking", "str"),
)

WIJKEN = "wijken.yaml"
VERBINDERS = "verbinders.yaml"
REGELINGEN = "subsidieregeling.yaml"
# file name -> (the list key, the schema of its items, the Dataset attribute)
FILES: dict[str, tuple[str, Schema, str]] = {
    WIJKEN: ("wijken", WIJK, "wijken"),
    VERBINDERS: ("gebieden", GEBIED, "gebieden"),
    REGELINGEN: ("regelingen", REGELING, "regelingen"),
}

# Migrations from an older `versie` to the next one, on the plain data, keyed by the
# version they upgrade from. Version 1 is the first, so there are none yet.
MIGRATIONS: dict[int, Any] = {}


# --- loading ------------------------------------------------------------------


@dataclass
class Loaded:
    """One file's records plus what a writer needs to know about its text."""

    records: list[Any]
    versie: int
    problems: list[Problem]
    comments: list[int]  # 1-based lines holding a comment


class _Reader:
    def __init__(self, bestand: str, loader: Any):
        self.bestand = bestand
        self.problems: list[Problem] = []
        self.loader = loader  # a SafeConstructor, for YAML's scalar conversions
        self.seen: set[int] = set()
        self.spans: list[tuple[int, int, int, int]] = []  # scalar spans, for comments

    def error(self, node: yaml.Node, melding: str) -> None:
        self.problems.append(Problem(self.bestand, node.start_mark.line + 1, melding))

    def _visit(self, node: yaml.Node) -> bool:
        """Record a node; False (with an error) when it was met before: an alias."""
        if id(node) in self.seen:
            self.error(node, "aliassen (*naam) zijn niet toegestaan; schrijf de waarde uit")
            return False
        self.seen.add(id(node))
        return True

    def document(self, node: yaml.Node | None, list_key: str, schema: Schema) -> tuple[int, list[Any]]:
        if node is None:
            self.problems.append(Problem(self.bestand, 1, "het bestand is leeg; verwacht 'versie: 1'"))
            return CURRENT_VERSIE, []
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"verwacht een mapping met 'versie' en '{list_key}'")
            return CURRENT_VERSIE, []
        pairs = self.pairs(node, ("versie", list_key))
        versie_node = pairs.get("versie")
        if versie_node is None:
            self.error(node, "'versie' ontbreekt; verwacht 'versie: 1' bovenaan")
            versie = CURRENT_VERSIE
        else:
            versie = self.scalar(versie_node, "int", "versie")
            if versie is _BAD:
                versie = CURRENT_VERSIE
            elif versie > CURRENT_VERSIE:
                self.error(
                    versie_node,
                    f"versie {versie} is nieuwer dan deze wijkctl kent (versie {CURRENT_VERSIE}); "
                    "installeer een nieuwere wijkctl",
                )
                return versie, []
            elif versie < 1:
                self.error(versie_node, f"onbekende versie {versie}; de eerste versie is 1")
                versie = CURRENT_VERSIE
        items_node = pairs.get(list_key)
        if items_node is None:
            self.error(node, f"'{list_key}' ontbreekt")
            return versie, []
        return versie, self.records(items_node, schema, list_key)

    def pairs(self, node: yaml.MappingNode, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        """The key -> value nodes of a mapping; reports duplicate and unknown keys."""
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            self._visit(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.error(key_node, "een sleutel moet tekst zijn")
                continue
            key = key_node.value
            if key in out:
                self.error(key_node, f"dubbele sleutel '{key}'")
                continue
            if key not in allowed:
                self.error(key_node, f"onbekende sleutel '{key}'; toegestaan: {', '.join(allowed)}")
                continue
            out[key] = value_node
        return out

    def records(self, node: yaml.Node, schema: Schema, key: str) -> list[Any]:
        if not self._visit(node):
            return []
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"'{key}' moet een lijst zijn")
            return []
        out = []
        for item in node.value:
            record = self.record(item, schema)
            if record is not None:
                out.append(record)
        return out

    def record(self, node: yaml.Node, schema: Schema) -> Any:
        if not self._visit(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"verwacht een mapping met {', '.join(f.key for f in schema.fields if f.required)}")
            return None
        pairs = self.pairs(node, tuple(f.key for f in schema.fields))
        kwargs: dict[str, Any] = {}
        lines: dict[str, int] = {}
        ok = True
        for f in schema.fields:
            value_node = pairs.get(f.key)
            if value_node is None:
                if f.required:
                    self.error(node, f"'{f.key}' ontbreekt")
                    ok = False
                continue
            lines[f.key] = value_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == _NULL and not f.required:
                self._visit(value_node)
                continue  # an explicit null is the same as an absent key
            if f.kind == "record":
                value = self.record(value_node, f.schema)  # type: ignore[arg-type]
            elif f.kind == "records":
                value = self.records(value_node, f.schema, f.key)  # type: ignore[arg-type]
            elif f.kind == "strlist":
                value = self.strlist(value_node, f.key)
            else:
                value = self.scalar(value_node, f.kind, f.key)
            if value is _BAD or value is None:
                ok = ok and not f.required
                continue
            kwargs[f.key] = value
        if not ok:
            return None
        return schema.cls(**kwargs, regel=node.start_mark.line + 1, regels=lines)

    def strlist(self, node: yaml.Node, key: str) -> list[str] | None:
        if not self._visit(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"'{key}' moet een lijst van teksten zijn")
            return None
        out = []
        for item in node.value:
            value = self.scalar(item, "str", key)
            if value is not _BAD:
                out.append(value)
        return out

    def scalar(self, node: yaml.Node, kind: str, key: str) -> Any:
        if not self._visit(node):
            return _BAD
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"'{key}' moet {_KIND_NAMES[kind]} zijn, niet {_TYPE_NAMES.get(node.tag, node.tag)}")
            return _BAD
        self.spans.append(
            (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
        )
        tag = node.tag
        if kind in ("str", "mmdd"):
            if tag != _STR:
                hint = ""
                if tag in (_INT, _FLOAT, _TIMESTAMP, "tag:yaml.org,2002:bool"):
                    hint = f"; zet de waarde tussen aanhalingstekens: '{node.value}'"
                self.error(node, f"'{key}' moet tekst zijn, niet {_TYPE_NAMES.get(tag, tag)}{hint}")
                return _BAD
            if kind == "mmdd" and not _valid_mmdd(node.value):
                self.error(node, f"'{key}' moet een dag als MM-DD zijn, zoals 10-01; niet '{node.value}'")
                return _BAD
            return node.value
        if kind == "date":
            if tag != _TIMESTAMP:
                self.error(node, f"'{key}' moet een datum JJJJ-MM-DD zijn, niet '{node.value}'")
                return _BAD
            try:
                value = self.loader.construct_object(node)
            except (ValueError, yaml.YAMLError):
                self.error(node, f"ongeldige datum '{node.value}'")
                return _BAD
            if isinstance(value, dt.datetime):
                self.error(node, f"'{key}' moet een datum zijn zonder tijd, niet '{node.value}'")
                return _BAD
            return value
        # int and num
        allowed = (_INT,) if kind == "int" else (_INT, _FLOAT)
        if tag not in allowed:
            self.error(node, f"'{key}' moet {_KIND_NAMES[kind]} zijn, niet '{node.value}'")
            return _BAD
        value = self.loader.construct_object(node)
        if value < 0 or value != value or value in (float("inf"),):
            self.error(node, f"'{key}' moet 0 of groter zijn, niet {node.value}")
            return _BAD
        return value


_BAD = object()
_KIND_NAMES = {
    "str": "tekst",
    "mmdd": "tekst (MM-DD)",
    "int": "een geheel getal",
    "num": "een getal",
    "date": "een datum",
    "strlist": "een lijst van teksten",
    "record": "een mapping",
    "records": "een lijst",
}


def _valid_mmdd(value: str) -> bool:
    if not re.fullmatch(r"\d\d-\d\d", value):
        return False
    try:
        dt.date(2024, int(value[:2]), int(value[3:]))  # a leap year admits 02-29
    except ValueError:
        return False
    return True


def load_text(bestand: str, text: str) -> Loaded:
    """Parse one data file strictly into records, collecting every problem."""
    name = bestand.rsplit("/", 1)[-1]
    list_key, schema, _attr = FILES[name]
    problems = [Problem(bestand, n, "tab in de inspringing; gebruik spaties") for n in _tab_lines(text)]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        waar = ""
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            waar = f" (bij wat op regel {exc.context_mark.line + 1} begint)"
        problems.append(Problem(bestand, line, f"geen geldige YAML: {exc.problem or exc.context}{waar}"))
        return Loaded([], CURRENT_VERSIE, _dedupe(problems), [])
    except yaml.YAMLError as exc:
        problems.append(Problem(bestand, 1, f"geen geldige YAML: {exc}"))
        return Loaded([], CURRENT_VERSIE, _dedupe(problems), [])
    finally:
        loader.dispose()
    reader = _Reader(bestand, loader)
    if "&" in text or "*" in text:
        problems.extend(_anchor_problems(bestand, text))
    versie, records = reader.document(root, list_key, schema)
    problems.extend(reader.problems)
    comments = _comment_lines(text, reader.spans)
    return Loaded(records, versie, _dedupe(problems), comments)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.regel, p.melding))


def _tab_lines(text: str) -> list[int]:
    if "\t" not in text:
        return []
    return [n for n, line in enumerate(text.split("\n"), 1) if "\t" in line[: len(line) - len(line.lstrip(" \t"))]]


def _anchor_problems(bestand: str, text: str) -> list[Problem]:
    out = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is None:
                continue
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                out.append(Problem(bestand, line, f"alias *{anchor} is niet toegestaan; schrijf de waarde uit"))
            else:
                out.append(Problem(bestand, line, f"anker &{anchor} is niet toegestaan"))
    except yaml.YAMLError:
        pass  # the syntax error is reported by the composer
    return out


_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)


def _comment_lines(text: str, spans: list[tuple[int, int, int, int]]) -> list[int]:
    """Lines with a `#` that starts a comment, i.e. not inside any scalar."""
    if "#" not in text:
        return []
    starts = sorted(spans)
    keys = [(s[0], s[1]) for s in starts]
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())
    out = []
    for m in _COMMENT.finditer(text):
        line = bisect.bisect_right(line_starts, m.start()) - 1
        pos = (line, m.start() - line_starts[line])
        i = bisect.bisect_right(keys, pos) - 1
        # spans do not nest, but a long one may start before a shorter one: look back a little
        inside = any(
            (s[0], s[1]) <= pos < (s[2], s[3]) for s in starts[max(0, i - 8) : i + 1]
        )
        if not inside and (line + 1) not in out:
            out.append(line + 1)
    return out


# --- dumping ------------------------------------------------------------------


class _Flow(dict):
    """A mapping the canonical form writes on one line."""


class _CanonicalDumper(_Dumper):
    def ignore_aliases(self, data: Any) -> bool:  # never an anchor, even for a shared date
        return True


# Digit strings that PyYAML (YAML 1.1) would leave plain but a YAML 1.2 reader takes for a
# number, like the phone number 0612345678: quoted, so every reader sees a string.
_NUMBER_LIKE = re.compile(r"[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _repr_str(dumper: Any, data: str) -> yaml.Node:
    if "\n" in data:
        style: str | None = "|"
    elif data and any(c.isdigit() for c in data) and _NUMBER_LIKE.fullmatch(data):
        style = "'"
    else:
        style = None
    return dumper.represent_scalar(_STR, data, style=style)


def _repr_flow(dumper: Any, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_CanonicalDumper.add_representer(str, _repr_str)
_CanonicalDumper.add_representer(_Flow, _repr_flow)


def to_plain(record: Any, schema: Schema) -> dict[str, Any]:
    """A record as a plain dict in canonical key order; absent and empty values left out."""
    out: dict[str, Any] = _Flow() if schema.flow else {}
    for f in schema.fields:
        value = getattr(record, f.key)
        if value is None or (isinstance(value, list) and not value):
            continue
        if f.kind == "record":
            value = to_plain(value, f.schema)  # type: ignore[arg-type]
        elif f.kind == "records":
            value = [to_plain(v, f.schema) for v in value]  # type: ignore[arg-type]
        elif f.kind == "strlist":
            value = list(value)
        out[f.key] = value
    return out


def dump_records(bestand: str, records: list[Any]) -> str:
    """The canonical text of one data file."""
    list_key, schema, _attr = FILES[bestand.rsplit("/", 1)[-1]]
    doc = {"versie": CURRENT_VERSIE, list_key: [to_plain(r, schema) for r in records]}
    return yaml.dump(
        doc,
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=1_000_000,
    )


def replace_record(record: Any, **changes: Any) -> Any:
    """A copy of a record with some fields changed (keeps its line numbers)."""
    return dataclasses.replace(record, **changes)
