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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from wijkctl import canonical
from wijkctl.canonical import valid_mmdd
from wijkctl.errors import Problem
from wijkctl.formats import FORMATS
from wijkctl.schema import (
    FILES,
    REGELINGEN,
    VERBINDERS,
    WIJKEN,
    FlowMapping,
    Schema,
    head_records,
    paused_gc,
    to_plain,
)
from wijkctl.text import control_character, slug, unique_id

# The format version each file is written in (`versie: N` on its first line; declared
# with the file, `schema.FILES`), and the steps that bring an older one up to it:
# (file, N) -> a function that rewrites, in place,
# the node tree of the list in a file of version N into version N + 1. Working on nodes
# keeps every line number, so problems in a migrated file point at its own lines. A file
# is migrated in memory when read and written in the current version on its next change.
CURRENT_VERSIE: dict[str, int] = {name: f.versie for name, f in FILES.items()}
MIGRATIONS: dict[tuple[str, int], Callable[[yaml.Node], None]] = {}  # filled below the reader

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


_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
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
    versie: int = 0  # the version the file was written in (0: not known)
    name: str = ""
    head: dict[str, Any] = field(default_factory=dict)  # the file's head records (`DataFile.heads`) present
    # the text read, when the reader proved it canonical (`canonical.read`): its own dump
    proven: str | None = field(default=None, compare=False, repr=False)

    def parts(self, name: str) -> dict[str, list[Any]]:
        """The records of file `name` as read, by `Dataset` attribute: the file's list and
        each declared head (a list of none or one record)."""
        declared = FILES[name]
        return {declared.attr: self.records,
                **{key: [self.head[key]] if key in self.head else [] for key in declared.heads}}

    @property
    def older(self) -> bool:
        """Read in an older version than the current one (and migrated in memory)."""
        return 0 < self.versie < CURRENT_VERSIE.get(self.name, 0)


class _Reader:
    def __init__(self, bestand: str, loader: Any, track_spans: bool):
        self.bestand = bestand
        self.problems: list[Problem] = []
        self.loader = loader  # a SafeConstructor, for YAML's scalar conversions
        # Where each scalar stands, to tell a comment or an indicator (`#&*!`) from text;
        # not kept for a text that has none of those characters.
        self.spans: list[tuple[int, int, int, int]] | None = [] if track_spans else None
        # Collections already read: one met again is an alias (the C composer shares the
        # node), which is reported and never walked twice, so aliases cannot multiply
        # the work or recurse.
        self.seen: set[int] = set()
        self.aliased = False
        self.versie = 0
        self.head: dict[str, Any] = {}

    def first_visit(self, node: yaml.Node) -> bool:
        if id(node) in self.seen:
            self.aliased = True
            self.error(node, "een alias (*naam) is niet toegestaan; schrijf de waarde uit")
            return False
        self.seen.add(id(node))
        return True

    def error(self, node: yaml.Node, melding: str) -> None:
        self.problems.append(Problem(self.bestand, node.start_mark.line + 1, melding))

    def document(self, node: yaml.Node | None, name: str) -> list[Any]:
        """The records of a file: `versie: N` and the list under its list key, migrated
        from an older version to the current one."""
        list_key, schema, heads = FILES[name].list_key, FILES[name].schema, FILES[name].heads
        current = CURRENT_VERSIE[name]
        if node is None:
            self.problems.append(Problem(self.bestand, 1, f"het bestand is leeg; verwacht 'versie: {current}'"))
            return []
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.error(node, f"verwacht een mapping met 'versie' en '{list_key}'")
            return []
        pairs = self.pairs(node, ("versie", *heads, list_key))
        versie_node = pairs.get("versie")
        if versie_node is None:
            self.error(node, f"'versie' ontbreekt; verwacht 'versie: {current}' bovenaan")
            return []
        versie = self.scalar(versie_node, "int", "versie")
        if versie is _BAD:
            return []
        if versie > current:
            self.error(
                versie_node,
                f"versie {versie} is nieuwer dan deze wijkctl kent (versie {current}); installeer een nieuwere wijkctl",
            )
            return []  # a newer format: nothing else in it can be judged
        if versie < 1:
            self.error(versie_node, f"onbekende versie {versie}; de eerste versie is 1")
            return []
        self.versie = versie
        items_node = pairs.get(list_key)
        if items_node is None:
            self.error(node, f"'{list_key}' ontbreekt")
            return []
        for step in range(versie, current):
            MIGRATIONS[(name, step)](items_node)
        for key, head_schema in heads.items():
            head_node = pairs.get(key)
            if head_node is not None and not (isinstance(head_node, yaml.ScalarNode) and head_node.tag == _NULL):
                record = self.record(head_node, head_schema)
                if record is not None:
                    self.head[key] = record
        return self.records(items_node, schema, list_key)

    def pairs(self, node: yaml.MappingNode, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        """The key -> value nodes of a mapping; reports duplicate and unknown keys."""
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.error(key_node, "een sleutel moet tekst zijn")
                continue
            self._span(key_node)
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
            self._span(node)
            return []
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.error(node, f"'{key}' moet een lijst zijn")
            return []
        if not self.first_visit(node):
            return []
        out = []
        for item in node.value:
            record = self.record(item, schema)
            if record is not None:
                out.append(record)
        return out

    def record(self, node: yaml.Node, schema: Schema) -> Any:
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.error(node, f"verwacht een mapping met {', '.join(f.key for f in schema.fields if f.required)}")
            return None
        if not self.first_visit(node):
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
                value = self.scalar(value_node, f.kind, f.key, f.multiline)
            if value is _BAD or value is None:
                ok = ok and not f.required
                continue
            kwargs[f.key] = value
        if not ok:
            return None
        return schema.cls(**kwargs, regel=node.start_mark.line + 1, regels=lines)

    def strlist(self, node: yaml.Node, key: str) -> list[str] | None:
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.error(node, f"'{key}' moet een lijst van teksten zijn")
            return None
        if not self.first_visit(node):
            return None
        out = []
        for item in node.value:
            value = self.scalar(item, "str", key)
            if value is not _BAD:
                out.append(value)
        return out

    def scalar(self, node: yaml.Node, kind: str, key: str, multiline: bool = False) -> Any:
        """The value of a scalar of `kind`, converted by `_CONVERTERS`; _BAD when it is wrong."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"'{key}' moet {_KIND_NAMES[kind]} zijn, niet {_TYPE_NAMES.get(node.tag, node.tag)}")
            return _BAD
        self._span(node)
        klacht, value = _CONVERTERS[kind](self.loader, node, multiline)
        if klacht is not None:
            self.error(node, klacht.replace("{key}", key))  # not format(): the value may hold braces
            return _BAD
        return value

    def _span(self, node: yaml.Node) -> None:
        if self.spans is not None:
            self.spans.append(
                (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
            )


_BAD = object()
_YEARS: tuple[int, int] = FORMATS["jaar"].bereik  # type: ignore[assignment]
_MAX_DIGITS = 15
_PLAIN_INT = re.compile(rf"0|[1-9][0-9]{{0,{_MAX_DIGITS - 1}}}")
_PLAIN_NUM = re.compile(rf"(?:0|[1-9][0-9]{{0,{_MAX_DIGITS - 1}}})(?:\.[0-9]{{1,6}})?")
_KIND_NAMES = {
    "str": "tekst",
    "mmdd": "tekst (MM-DD)",
    "int": "een geheel getal",
    "num": "een getal",
    "bool": "true of false",
    "date": "een datum",
    "strlist": "een lijst van teksten",
    "record": "een mapping",
    "records": "een lijst",
}


# --- migrations ---------------------------------------------------------------------


def _get(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _text_node(value: str, at: yaml.Node) -> yaml.ScalarNode:
    """A text scalar made by a migration: an empty span at `at`, so lines stay true."""
    return yaml.ScalarNode(_STR, value, at.start_mark, at.start_mark)


def _wijken_1_to_2(items: yaml.Node) -> None:
    """wijken.yaml versie 1 -> 2: buurt names become records `{naam: ...}`; every
    organisation gets an `id` from its name (made unique with -2, -3, ... in file order);
    `opvolger_van: NAAM` becomes the list holding the id of the organisation of that name
    that ended on this one's `van`. Anything not of the expected shape is left for the
    reader to report."""
    if not isinstance(items, yaml.SequenceNode):
        return
    taken: set[str] = set()
    for wijk in items.value:
        buurten = _get(wijk, "buurten")
        if isinstance(buurten, yaml.SequenceNode):
            buurten.value = [
                yaml.MappingNode(_MAP, [(_text_node("naam", b), b)], b.start_mark, b.end_mark)
                if isinstance(b, yaml.ScalarNode) else b
                for b in buurten.value
            ]
        orgs = _get(wijk, "organisaties")
        if not isinstance(orgs, yaml.SequenceNode):
            continue
        named: list[tuple[str | None, str | None, str]] = []  # naam, tot, id
        for org in orgs.value:
            if not isinstance(org, yaml.MappingNode) or _get(org, "id") is not None:
                continue
            naam, tot = _get(org, "naam"), _get(org, "tot")
            naam_text = naam.value if isinstance(naam, yaml.ScalarNode) else None
            ident = unique_id(slug(naam_text or "organisatie"), taken)
            taken.add(ident)
            org.value.insert(0, (_text_node("id", org), _text_node(ident, org)))
            named.append((naam_text, tot.value if isinstance(tot, yaml.ScalarNode) else None, ident))
        for org in orgs.value:
            opvolger, van = _get(org, "opvolger_van"), _get(org, "van")
            if not isinstance(opvolger, yaml.ScalarNode) or opvolger.tag != _STR:
                continue
            start = van.value if isinstance(van, yaml.ScalarNode) else None
            ident = next((i for n, tot, i in named if n == opvolger.value and tot == start),
                         slug(opvolger.value))  # none ended that day: the check names it
            at = org.value.index(next(kv for kv in org.value if kv[1] is opvolger))
            org.value[at] = (org.value[at][0], yaml.SequenceNode(
                _SEQ, [_text_node(ident, opvolger)], opvolger.start_mark, opvolger.end_mark))


def _wijken_2_to_3(items: yaml.Node) -> None:
    """wijken.yaml versie 2 -> 3: kern members may have a `rol` and may have a phone
    number instead of an e-mail address; what versie 2 held is versie 3 as it is."""


def _regelingen_1_to_2(items: yaml.Node) -> None:
    """subsidieregeling.yaml versie 1 -> 2: a regeling may name its procedure
    (`aanvragen_vanaf`, `beslistermijn_weken`, `verantwoording_voor`, `vaststelling_weken`),
    all optional; what versie 1 held is versie 2 as it is."""


MIGRATIONS[(WIJKEN, 1)] = _wijken_1_to_2
MIGRATIONS[(WIJKEN, 2)] = _wijken_2_to_3
MIGRATIONS[(REGELINGEN, 1)] = _regelingen_1_to_2


def _verbinders_1_to_2(items: yaml.Node) -> None:
    """verbinders.yaml versie 1 -> 2: the optional `gemeente` beside `gebieden`, and a
    gebied's `verbinder` optional; what versie 1 held is versie 2 as it is (no gemeente:
    messages say "de gemeente")."""


MIGRATIONS[(VERBINDERS, 1)] = _verbinders_1_to_2


# --- scalar converters: (loader, node, multiline) -> (complaint with {key}, or None; value)


def _text(loader: Any, node: yaml.ScalarNode, multiline: bool) -> tuple[str | None, Any]:
    if node.tag != _STR:
        hint = ""
        if node.tag in (_INT, _FLOAT, _TIMESTAMP, "tag:yaml.org,2002:bool"):
            hint = f"; zet de waarde tussen aanhalingstekens: '{node.value}'"
        return f"'{{key}}' moet tekst zijn, niet {_TYPE_NAMES.get(node.tag, node.tag)}{hint}", None
    teken = control_character(node.value, multiline=multiline)
    if teken is not None:
        return f"'{{key}}' bevat een stuurteken ({teken}); dat mag niet in tekst", None
    return None, node.value


def _mmdd(loader: Any, node: yaml.ScalarNode, multiline: bool) -> tuple[str | None, Any]:
    klacht, value = _text(loader, node, multiline)
    if klacht is None and not valid_mmdd(value):
        klacht = f"'{{key}}' moet een dag als MM-DD zijn die elk jaar bestaat, zoals 10-01; niet '{value}'"
    return klacht, value


def _date(loader: Any, node: yaml.ScalarNode, multiline: bool) -> tuple[str | None, Any]:
    if node.tag != _TIMESTAMP:
        return f"'{{key}}' moet een datum JJJJ-MM-DD zijn, niet '{node.value}'", None
    try:
        value = loader.construct_object(node)
    except (ValueError, yaml.YAMLError):
        return f"ongeldige datum '{node.value}'", None
    if isinstance(value, dt.datetime):
        return f"'{{key}}' moet een datum zijn zonder tijd, niet '{node.value}'", None
    if not _YEARS[0] <= value.year <= _YEARS[1]:
        return (f"datum '{node.value}' ligt buiten het bereik dat wijkctl leest: het jaar moet van "
                f"{_YEARS[0]} tot en met {_YEARS[1]} zijn"), None
    return None, value


def _bool(loader: Any, node: yaml.ScalarNode, multiline: bool) -> tuple[str | None, Any]:
    """`true` or `false`, written so; not YAML 1.1's yes/no/on/off, which other readers read as text."""
    if node.tag == _BOOL and node.value in ("true", "false"):
        return None, node.value == "true"
    return f"'{{key}}' moet true of false zijn, niet '{node.value}'", None


def _number(tags: tuple[str, ...], pattern: re.Pattern[str], naam: str) -> Any:
    """A converter for plain ASCII decimals, so that every YAML reader reads the same number."""

    def convert(loader: Any, node: yaml.ScalarNode, multiline: bool) -> tuple[str | None, Any]:
        value = node.value
        if node.tag in tags and pattern.fullmatch(value):
            return None, int(value) if "." not in value else float(value)
        if node.tag in tags and value.startswith("-"):
            return f"'{{key}}' moet 0 of groter zijn, niet {value}", None
        if node.tag in tags and len(value) > _MAX_DIGITS:
            return f"'{{key}}' is te groot: hoogstens {_MAX_DIGITS} cijfers", None
        return f"'{{key}}' moet {naam} zijn in gewone cijfers (zonder voorloopnul, teken of _), niet '{value}'", None

    return convert


_CONVERTERS = {
    "str": _text,
    "mmdd": _mmdd,
    "date": _date,
    "bool": _bool,
    "int": _number((_INT,), _PLAIN_INT, _KIND_NAMES["int"]),
    "num": _number((_INT, _FLOAT), _PLAIN_NUM, _KIND_NAMES["num"]),
}


def load_text(bestand: str, text: str) -> Loaded:
    """Parse one data file strictly into records, collecting every problem.

    Canonical text of the current version is read by the fast reader (`canonical.read`),
    which proves it canonical on the way; anything else by the strict loader. Under
    `WIJKCTL_CHECK_WRITES=1` a fast read must give the strict loader's records and lines."""
    name = bestand.rsplit("/", 1)[-1]
    with paused_gc():
        fast = canonical.read(name, text) if name in FILES else None
        if fast is None:
            return _load_text(bestand, text)
        records, head = fast
        loaded = Loaded(records, [], [], CURRENT_VERSIE[name], name, head, proven=text)
        if _check_writes():
            _same_as_strict(loaded, _load_text(bestand, text))
        return loaded


def _check_writes() -> bool:
    import os

    return os.environ.get("WIJKCTL_CHECK_WRITES") == "1"


def _same_as_strict(fast: Loaded, strict: Loaded) -> None:
    """A debug check: the fast reader's result must be the strict loader's, lines too."""
    from wijkctl.errors import WijkctlError

    declared = FILES[fast.name]
    if (fast != strict or strict.proven is not None or list(_places(fast.records, declared.schema))
            != list(_places(strict.records, declared.schema))
            or any(list(_places([fast.head[k]], s)) != list(_places([strict.head[k]], s))
                   for k, s in declared.heads.items() if k in fast.head)):
        raise WijkctlError(f"Interne fout: de snelle lezer leest {fast.name} anders dan de strikte. Meld dit.")


def _places(records: list[Any], schema: Schema) -> Any:
    """Every record's line and key lines, depth first."""
    for record in records:
        yield record.regel, dict(record.regels)
        for f in schema.fields:
            value = getattr(record, f.key)
            if f.kind == "record" and value is not None:
                yield from _places([value], f.schema)  # type: ignore[arg-type]
            elif f.kind == "records" and value:
                yield from _places(value, f.schema)  # type: ignore[arg-type]


def _load_text(bestand: str, text: str) -> Loaded:
    name = bestand.rsplit("/", 1)[-1]
    text, problems = normalize(bestand, text)
    if problems:
        return Loaded([], problems, [])
    if "\n<<<<<<<" in "\n" + text or "\n>>>>>>>" in "\n" + text:
        conflicts = _conflict_markers(bestand, text)
        if conflicts:
            return Loaded([], conflicts, [])
    problems = [Problem(bestand, n, "tab in de inspringing; gebruik spaties", "fout", "tab") for n in _tab_lines(text)]
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        waar = ""
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            waar = f" (bij wat op regel {exc.context_mark.line + 1} begint)"
        problems.append(Problem(bestand, line, f"geen geldige YAML: {_dutch_problem(exc.problem or exc.context)}{waar}",
                                "fout", "yaml-syntax"))
        return Loaded([], _dedupe(problems), [])
    except yaml.YAMLError as exc:
        problems.append(Problem(bestand, 1, f"geen geldige YAML: {exc}", "fout", "yaml-syntax"))
        return Loaded([], _dedupe(problems), [])
    finally:
        loader.dispose()
    reader = _Reader(bestand, loader, track_spans=any(c in text for c in "#&*!"))
    records = reader.document(root, name)
    problems.extend(reader.problems)
    comments, indicators = _outside_scalars(text, reader.spans or [])
    if indicators or reader.aliased:
        # an anchor, alias or tag: the event stream says exactly which, and where
        problems.extend(_indicator_problems(bestand, text))
        return Loaded([], _dedupe(problems), comments, reader.versie, name)
    return Loaded(records, _dedupe(problems), comments, reader.versie, name, reader.head)


_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.MULTILINE)


def _conflict_markers(bestand: str, text: str) -> list[Problem]:
    """git's conflict markers, reported before anything else: the file is mid-merge."""
    lines = [text.count("\n", 0, m.start()) + 1 for m in _MARKER.finditer(text) if m.group(1)[0] in "<>"]
    if not lines:
        return []
    eerste = lines[0]
    return [Problem(bestand, eerste, "onopgelost git-conflict (<<<<<<< ... >>>>>>>, "
                    f"{len(lines) // 2 or 1}x): kies of combineer de versies tussen de markeringen, "
                    "draai 'wijkctl check --strict' en daarna 'git add'", "fout", "git-conflict")]


# Line breaks YAML knows besides LF: CRLF is read as LF; the others would put lines where
# git and editors see none, so they are refused (see docs/data-format.md).
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_ANY_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
_BREAK_NAMES = {"\r": "CR zonder LF", "\x85": "NEL (U+0085)", "\u2028": "U+2028", "\u2029": "U+2029"}


def normalize(bestand: str, text: str) -> tuple[str, list[Problem]]:
    """The text as the parser reads it: without a leading BOM, CRLF read as LF.

    A file that needs this is not canonical, so a write refuses it and `fmt` rewrites
    it; comments are found all the same. Any other line break is a problem at its line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if text.isascii() and "\r" not in text:
        return text, []
    problems = []
    for m in _ODD_BREAKS.finditer(text):  # the first only: the line an editor shows it on
        line = len(_ANY_BREAK.findall(text, 0, m.start())) + 1
        problems.append(Problem(bestand, line, f"regeleinde {_BREAK_NAMES[m.group()]} is niet toegestaan; gebruik LF "
                                               "of CRLF",
                                "fout", "regeleinde"))
        break
    if "\ufeff" in text:
        line = text.count("\n", 0, text.index("\ufeff")) + 1
        problems.append(Problem(bestand, line, "een BOM (U+FEFF) midden in het bestand is niet "
                                               "toegestaan", "fout", "regeleinde"))
    return text, problems


_YAML_PROBLEMS = (  # libyaml's words -> what a person editing the file needs to hear
    ("did not find expected key", "de inspringing klopt niet, of er staat tekst waar een sleutel hoort"),
    ("mapping values are not allowed", "hier mag geen 'sleutel: waarde' staan; klopt de inspringing, of mist er een "
                                       "aanhalingsteken?"),
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


def _indicator_problems(bestand: str, text: str) -> list[Problem]:
    """Every anchor, alias and explicit tag, at its line (libyaml's event stream is
    linear in the text: aliases are not followed)."""
    out = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                out.append(Problem(bestand, line, f"alias *{anchor} is niet toegestaan; schrijf de waarde "
                                                  "uit", "fout", "anker-alias-tag"))
                continue
            if anchor is not None:
                out.append(Problem(bestand, line, f"anker &{anchor} is niet toegestaan", "fout", "anker-alias-tag"))
            tag = getattr(event, "tag", None)
            if tag is not None:  # the parser leaves it None unless the text names one
                out.append(Problem(bestand, line, f"tag {_short_tag(tag)} is niet toegestaan; schrijf de waarde "
                                                  "zonder tag",
                                   "fout", "anker-alias-tag"))
    except yaml.YAMLError:
        pass  # the syntax error is reported by the composer
    return out


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)
_INDICATOR = re.compile(r"[&*!]")


def _outside_scalars(text: str, spans: list[tuple[int, int, int, int]]) -> tuple[list[int], bool]:
    """The lines with a comment, and whether an anchor, alias or tag indicator
    (`&`, `*`, `!`) stands anywhere outside the scalars read and outside comments."""
    has_hash = "#" in text
    has_indicator = "&" in text or "*" in text or "!" in text
    if not has_hash and not has_indicator:
        return [], False
    starts = sorted(spans)
    keys = [(s[0], s[1]) for s in starts]
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())

    def place(offset: int) -> tuple[int, int, int | None]:
        """The line and column of `offset`, and the offset where the scalar holding it
        starts (None when no scalar holds it)."""
        line = bisect.bisect_right(line_starts, offset) - 1
        pos = (line, offset - line_starts[line])
        i = bisect.bisect_right(keys, pos) - 1  # scalars never overlap: only this one can hold it
        if i >= 0 and pos < (starts[i][2], starts[i][3]):
            return line, pos[1], line_starts[starts[i][0]] + starts[i][1]
        return line, pos[1], None

    comments: dict[int, int] = {}  # line -> column where its comment starts
    if has_hash:
        for m in _COMMENT.finditer(text):
            line, column, scalar = place(m.start())
            if scalar is None and line not in comments:
                comments[line] = column
    indicator = False
    if has_indicator:
        for m in _INDICATOR.finditer(text):
            line, column, scalar = place(m.start())
            if scalar is None:
                indicator = not (line in comments and column > comments[line])
            else:  # a node's tag or anchor is part of its span; no scalar's text starts so
                indicator = text[scalar] in "&!*"
            if indicator:
                break
    return sorted(line + 1 for line in comments), indicator


# --- dumping ------------------------------------------------------------------


class _CanonicalDumper(_Dumper):
    def ignore_aliases(self, data: Any) -> bool:  # never an anchor, even for a shared date
        return True


def _repr_str(dumper: Any, data: str) -> yaml.Node:
    if "\n" in data:
        style: str | None = "|"
    elif canonical.number_like(data):  # so that every YAML reader sees a string
        style = "'"
    else:
        style = None
    return dumper.represent_scalar(_STR, data, style=style)


def _repr_flow(dumper: Any, data: FlowMapping) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_CanonicalDumper.add_representer(str, _repr_str)
_CanonicalDumper.add_representer(FlowMapping, _repr_flow)


def dump_records(bestand: str, records: list[Any], head: dict[str, Any] | None = None) -> str:
    """The canonical text of one data file: its list of records, and its head records
    (`DataFile.heads`, key -> record) when it has them."""
    name = bestand.rsplit("/", 1)[-1]
    declared = FILES[name]
    heads = {key: to_plain(head[key], s) for key, s in declared.heads.items() if head and head.get(key) is not None}
    with paused_gc():
        return dump_plain(name, [to_plain(r, declared.schema) for r in records], heads)


def dump_loaded(loaded: Loaded) -> str:
    """The canonical text of a file as it was read (its head records too): the text
    itself when the reader proved it canonical (`Loaded.proven`), else a full dump.
    Under `WIJKCTL_CHECK_WRITES=1` the proof is compared with the full dump."""
    if loaded.proven is None or _check_writes():
        text = dump_records(loaded.name, loaded.records, loaded.head)
        if loaded.proven is not None and text != loaded.proven:
            from wijkctl.errors import WijkctlError

            raise WijkctlError(f"Interne fout: de snelle lezer hield {loaded.name} voor canoniek, de volledige "
                               "dump niet. Meld dit.")
        return text
    return loaded.proven


def dump_data(name: str, data: Any) -> str:
    """The canonical text of file `name` of a `model.Dataset` (its head records too)."""
    return dump_records(name, data.of(FILES[name].attr), head_records(name, data))


def open_ended(text: str) -> bool:
    """Whether a canonical text (a file, or one record's lines as `dump_record` gives
    them) ends with the document end marker `...`, which PyYAML writes after a document
    holding a text kept with its trailing blank lines (`|+`). Such lines are not spliced
    between others: the marker belongs at the end of the file, so it is dumped whole."""
    return text.endswith("\n...\n")


def split_records(text: str) -> tuple[str, list[str]]:
    """A canonical text as its header and the lines of each top-level record (a record
    starts with `- ` at the start of a line; in canonical YAML nothing else does)."""
    parts = ("\n" + text).split("\n- ")
    if len(parts) == 1:
        return text, []
    head = parts[0][1:] + "\n" if parts[0] else ""
    return head, ["- " + p + "\n" for p in parts[1:-1]] + ["- " + parts[-1]]


def dump_record(bestand: str, record: Any) -> str:
    """The canonical lines of one top-level record, as they stand in its file: written by
    `canonical.record_text` where it is sure, else by PyYAML (under `WIJKCTL_CHECK_WRITES=1`
    both, which must agree)."""
    fast = canonical.record_text(FILES[bestand.rsplit("/", 1)[-1]].schema, record)
    if fast is not None and not _check_writes():
        return fast
    text = split_records(dump_records(bestand, [record]))[1][0]
    if fast is not None and fast != text:
        from wijkctl.errors import WijkctlError

        raise WijkctlError(f"Interne fout: de snelle schrijver schrijft een record van {bestand} anders dan "
                           "de volledige dump. Meld dit.")
    return text


def dump_plain(bestand: str, plain: list[dict[str, Any]], heads: dict[str, dict[str, Any]] | None = None) -> str:
    """The canonical text of one data file from its records as `to_plain` gives them
    (and its head records, key -> plain record)."""
    name = bestand.rsplit("/", 1)[-1]
    list_key = FILES[name].list_key
    with paused_gc():
        doc = {"versie": CURRENT_VERSIE[name], **(heads or {}), list_key: plain}
        return yaml.dump(
            doc,
            Dumper=_CanonicalDumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            indent=2,
            width=1_000_000,
        )


