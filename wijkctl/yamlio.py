"""Strict YAML in, canonical YAML out.

Loading composes the node tree (PyYAML's C parser when present) and builds the records
from it, so every problem keeps its line: duplicate keys, anchors and aliases, tabs in
indentation, unknown keys, wrong types, integers where a string belongs, bad dates, a
newer `versie`. Dumping writes the one canonical form: fixed key order, 2-space indent,
no line folding, unicode as is, no anchors. Pure functions on text; no file access.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from wijkctl.errors import Problem
from wijkctl.schema import FILES, FlowMapping, Schema, paused_gc, to_plain

CURRENT_VERSIE = 1

try:  # the C parser is about 6x faster; the pure one gives the same nodes
    _Loader: Any = yaml.CSafeLoader
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

_STR = "tag:yaml.org,2002:str"


class _FastResolve:
    """A fast path in tag resolution, which otherwise takes half the parse time.

    A plain scalar whose first character starts no implicit type (most names) is text;
    short scalars (keys, numbers, dates) are resolved once and remembered.
    """

    _special = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)
    _memo: dict[tuple[str, tuple[bool, bool]], str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers are registered: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered: nothing to track."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and value and value[0] not in self._special:
                return _STR
            if len(value) <= 24:
                key = (value, implicit)
                tag = self._memo.get(key)
                if tag is None:
                    tag = self._memo[key] = super().resolve(kind, value, implicit)  # type: ignore[misc]
                return tag
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _StrictLoader(_FastResolve, _Loader):
    """The parser wijkctl reads with: C when PyYAML has it, with the fast resolver."""


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


# --- loading ------------------------------------------------------------------


@dataclass
class Loaded:
    """One file's records plus what a writer needs to know about its text."""

    records: list[Any]
    problems: list[Problem]
    comments: list[int]  # 1-based lines holding a comment


class _Reader:
    def __init__(self, bestand: str, loader: Any):
        self.bestand = bestand
        self.problems: list[Problem] = []
        self.loader = loader  # a SafeConstructor, for YAML's scalar conversions
        self.spans: list[tuple[int, int, int, int]] = []  # scalar spans, for comments

    def error(self, node: yaml.Node, melding: str) -> None:
        self.problems.append(Problem(self.bestand, node.start_mark.line + 1, melding))

    def document(self, node: yaml.Node | None, list_key: str, schema: Schema) -> list[Any]:
        """The records of a file: `versie: 1` and the list under `list_key`."""
        if node is None:
            self.problems.append(Problem(self.bestand, 1, "het bestand is leeg; verwacht 'versie: 1'"))
            return []
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"verwacht een mapping met 'versie' en '{list_key}'")
            return []
        pairs = self.pairs(node, ("versie", list_key))
        versie_node = pairs.get("versie")
        if versie_node is None:
            self.error(node, "'versie' ontbreekt; verwacht 'versie: 1' bovenaan")
        else:
            versie = self.scalar(versie_node, "int", "versie")
            if versie is not _BAD and versie > CURRENT_VERSIE:
                self.error(
                    versie_node,
                    f"versie {versie} is nieuwer dan deze wijkctl kent (versie {CURRENT_VERSIE}); "
                    "installeer een nieuwere wijkctl",
                )
                return []  # a newer format: nothing else in it can be judged
            if versie is not _BAD and versie < 1:
                self.error(versie_node, f"onbekende versie {versie}; de eerste versie is 1")
        items_node = pairs.get(list_key)
        if items_node is None:
            self.error(node, f"'{list_key}' ontbreekt")
            return []
        return self.records(items_node, schema, list_key)

    def pairs(self, node: yaml.MappingNode, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        """The key -> value nodes of a mapping; reports duplicate and unknown keys."""
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
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
        value = int(node.value) if node.value.isdigit() else self.loader.construct_object(node)
        if value < 0 or (isinstance(value, float) and not math.isfinite(value)):
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
    with paused_gc():
        return _load_text(bestand, text)


def _load_text(bestand: str, text: str) -> Loaded:
    name = bestand.rsplit("/", 1)[-1]
    list_key, schema, _attr = FILES[name]
    problems = [Problem(bestand, n, "tab in de inspringing; gebruik spaties") for n in _tab_lines(text)]
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        waar = ""
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            waar = f" (bij wat op regel {exc.context_mark.line + 1} begint)"
        problems.append(Problem(bestand, line, f"geen geldige YAML: {_dutch_problem(exc.problem or exc.context)}{waar}"))
        return Loaded([], _dedupe(problems), [])
    except yaml.YAMLError as exc:
        problems.append(Problem(bestand, 1, f"geen geldige YAML: {exc}"))
        return Loaded([], _dedupe(problems), [])
    finally:
        loader.dispose()
    if ("&" in text or "*" in text) and _MAYBE_ANCHOR.search(text):
        anchors = _anchor_problems(bestand, text)
        if anchors:  # aliases may even make the tree recursive: stop here
            return Loaded([], _dedupe(problems + anchors), [])
    reader = _Reader(bestand, loader)
    records = reader.document(root, list_key, schema)
    problems.extend(reader.problems)
    comments = _comment_lines(text, reader.spans)
    return Loaded(records, _dedupe(problems), comments)


_YAML_PROBLEMS = (  # libyaml's words -> what a person editing the file needs to hear
    ("did not find expected key", "de inspringing klopt niet, of er staat tekst waar een sleutel hoort"),
    ("mapping values are not allowed", "hier mag geen 'sleutel: waarde' staan; klopt de inspringing, of mist er een aanhalingsteken?"),
    ("did not find expected ',' or ']'", "een lijst tussen [ ] is niet gesloten"),
    ("did not find expected ',' or '}'", "een mapping tussen { } is niet gesloten"),
    ("found unexpected end of stream", "het bestand houdt onverwacht op; is een aanhalingsteken niet gesloten?"),
    ("could not find expected ':'", "na een sleutel ontbreekt ':'"),
    ("found character that cannot start any token", "een teken dat hier niet mag staan (een tab?)"),
    ("found undefined alias", "een alias (*naam) zonder anker"),
    ("block sequence entries are not allowed", "hier mag geen lijstitem ('- ') staan; klopt de inspringing?"),
    ("did not find expected node content", "hier ontbreekt een waarde"),
    ("did not find expected '-' indicator", "een lijstitem mist zijn '- '"),
)


def _dutch_problem(problem: str | None) -> str:
    for english, dutch in _YAML_PROBLEMS:
        if problem and problem.startswith(english):
            return dutch
    return f"onbekende fout van de YAML-lezer ({problem})"


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.regel, p.melding))


def _tab_lines(text: str) -> list[int]:
    if "\t" not in text:
        return []
    return [n for n, line in enumerate(text.split("\n"), 1) if "\t" in line[: len(line) - len(line.lstrip(" \t"))]]


# An anchor (&naam) or alias (*naam) starts a node: after a space, a line start, a flow
# indicator or a sequence dash. Only text that matches is scanned event by event.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]", re.MULTILINE)


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
        i = bisect.bisect_right(keys, pos) - 1  # scalars never overlap: only this one can hold it
        inside = i >= 0 and pos < (starts[i][2], starts[i][3])
        if not inside and (line + 1) not in out:
            out.append(line + 1)
    return out


# --- dumping ------------------------------------------------------------------


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


def _repr_flow(dumper: Any, data: FlowMapping) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_CanonicalDumper.add_representer(str, _repr_str)
_CanonicalDumper.add_representer(FlowMapping, _repr_flow)


def dump_records(bestand: str, records: list[Any]) -> str:
    """The canonical text of one data file."""
    list_key, schema, _attr = FILES[bestand.rsplit("/", 1)[-1]]
    with paused_gc():
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


