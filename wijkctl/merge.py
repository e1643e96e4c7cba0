"""Three-way merge of a data file per record and field, for `wijkctl merge-driver`.

Git merges text line by line; wijkctl knows the identities in its files (a wijk by
code, a buurt by name, an organisation by id, a kern member by e-mail, a gebied by
code, a regeling by year), so it merges per record and per field: a field changed on
one side only takes that change, the same change on both sides is taken once, and a
field changed differently on both sides is a conflict. Records added on both sides are
kept in a place that does not depend on which side is "ours", so the result is the same
either way round. The merged data is then checked with every rule `check --strict`
applies; a problem that neither side had is a conflict too (two removed kern members
that leave two; two platforms on the same ground). So is an organisation ended on one
side and changed on the other.

It works on the records' lines (see `merge_text`), so a record nobody changed is never
parsed or rewritten, and the cost is one strict read and three validations of the file.

Pure: texts in, a `Result` out. `merge_text` refuses (raises `CannotMerge`) a side it
cannot read strictly, or whose changed record is not canonical, or a result that holds a
comment; the driver then falls back to git's own line merge.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from wijkctl import model
from wijkctl.schema import FILES, IDENTITY, from_plain, to_plain

# In a list of mappings, the first of these keys that every item has is its identity.
_IDENTITY = ("id", "code", "jaar", "email", "naam")
_ABSENT = object()


class CannotMerge(Exception):
    """A side is not a strict, canonical, current-version data file: merge by lines."""


@dataclass
class Conflict:
    """One reason the merge of a top-level record (a wijk, gebied or regeling) failed."""

    record: str  # the record's identity (wijk code, gebied code, regeling year)
    waar: str  # where in the record, in words ("organisatie x, veld email")
    melding: str  # what, in Dutch, with the values

    def __str__(self) -> str:
        return f"{self.record}: {self.waar}: {self.melding}" if self.waar else f"{self.record}: {self.melding}"


@dataclass
class Result:
    text: str  # the merged text; with conflict markers around the conflicting records
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _show(value: Any) -> str:
    if value is _ABSENT or value is None:
        return "(niets)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def identity(items: list[Any]) -> str | None:
    """The key that identifies the mappings of a list (the first of `_IDENTITY` all have), if any."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _IDENTITY:
        if all(key in i for i in items):
            return key
    return None


# a keyed list's items, as a person names one
_ITEM = {"organisaties": "organisatie", "kern": "kernlid", "buurten": "buurt", "toeslagen": "toeslag",
         "wijken": "wijk", "gebieden": "gebied", "regelingen": "regeling"}


class _Merger:
    """Merges values; collects (where, message) conflicts."""

    def __init__(self) -> None:
        self.conflicts: list[tuple[str, str]] = []

    def conflict(self, path: tuple[str, ...], melding: str) -> None:
        self.conflicts.append((", ".join(path), melding))

    def value(self, path: tuple[str, ...], o: Any, a: Any, b: Any, name: str | None = None, prefix: str = "") -> Any:
        if a == b:
            return a
        if a == o:
            return b
        if b == o:
            return a
        where = (*path, f"veld {prefix}{name}") if name else path
        if o is not _ABSENT and (a is _ABSENT or b is _ABSENT):
            gone, kept = ("ours", "theirs") if a is _ABSENT else ("theirs", "ours")
            self.conflict(where, f"aan de kant van {gone} verwijderd, aan de kant van {kept} gewijzigd")
            return b if a is _ABSENT else a
        if isinstance(a, dict) and isinstance(b, dict) and (o is _ABSENT or isinstance(o, dict)):
            return self.mapping(path, {} if o is _ABSENT else o, a, b, prefix=f"{prefix}{name}." if name else "")
        if isinstance(a, list) and isinstance(b, list) and (o is _ABSENT or isinstance(o, list)):
            ident = identity(a + b + ([] if o is _ABSENT else o))
            if ident is not None:
                return self.records(path, [] if o is _ABSENT else o, a, b, ident, _ITEM.get(name or "", name or ""))
        self.conflict(where, f"aan beide kanten anders gewijzigd: basis {_show(o)}, ours {_show(a)}, theirs {_show(b)}")
        return a if a is not _ABSENT else b

    def mapping(self, path: tuple[str, ...], o: dict, a: dict, b: dict, prefix: str = "") -> dict:
        before = len(self.conflicts)
        out: dict[str, Any] = {}
        for k in dict.fromkeys([*a, *b, *o]):
            v = self.value(path, o.get(k, _ABSENT), a.get(k, _ABSENT), b.get(k, _ABSENT), name=k, prefix=prefix)
            if v is not _ABSENT:
                out[k] = v
        # an organisation ended on one side and changed on the other is not a clean merge
        if "id" in a and "soort" in a and len(self.conflicts) == before:
            ended = [side for side, rec in (("ours", a), ("theirs", b)) if rec.get("tot") != o.get("tot")]
            if ended:
                tot = (a if ended[0] == "ours" else b).get("tot")
                self.conflict(path, f"aan de kant van {ended[0]} beëindigd (tot {_show(tot)}) en aan de andere "
                                    "kant gewijzigd; beslis of de wijziging nog geldt")
        return out

    def records(self, path: tuple[str, ...], o: list[dict], a: list[dict], b: list[dict], ident: str,
                item: str) -> list[dict]:
        """A keyed list: merged per item by identity; new items placed symmetrically.
        Two items with the same identity on one side (say two kern members named alike
        without an e-mail) cannot be told apart: a conflict, so that nothing is lost."""
        oi = {i[ident]: i for i in o}
        ai = {i[ident]: i for i in a}
        bi = {i[ident]: i for i in b}
        if len(oi) != len(o) or len(ai) != len(a) or len(bi) != len(b):
            self.conflict(path, f"twee {item or 'items'} met dezelfde {ident}; voeg met de hand samen")
            return a
        merged: dict[Any, dict] = {}
        for k in dict.fromkeys([*oi, *ai, *bi]):
            v = self.value((*path, f"{item} {k}".strip()), oi.get(k, _ABSENT), ai.get(k, _ABSENT), bi.get(k, _ABSENT))
            if v is not _ABSENT:
                merged[k] = v
        return [merged[k] for k in _order(list(oi), list(ai), list(bi)) if k in merged]


def _order(o: list[Any], a: list[Any], b: list[Any]) -> list[Any]:
    """The order of the merged keys: the base order, and each side's new keys after the
    key they follow on their side; when both sides add after the same key, the side whose
    first new key sorts first goes first (so the order does not depend on the sides)."""
    base = set(o)

    def groups(side: list[Any]) -> dict[Any, list[Any]]:
        out: dict[Any, list[Any]] = {}
        anchor = None
        for k in side:
            if k in base:
                anchor = k
            else:
                out.setdefault(anchor, []).append(k)
        return out

    ga, gb = groups(a), groups(b)
    out: list[Any] = []
    seen: set[Any] = set()

    def emit(anchor: Any) -> None:
        sides = [g for g in (ga.get(anchor, []), gb.get(anchor, [])) if g]
        sides.sort(key=lambda g: (sorted(map(str, g)), [str(k) for k in g]))  # total: no tie between sides
        for g in sides:
            for k in g:
                if k not in seen:
                    seen.add(k)
                    out.append(k)

    emit(None)
    for k in o:
        out.append(k)
        seen.add(k)
        emit(k)
    return out


# --- a whole file ----------------------------------------------------------------


def _split(name: str, text: str) -> tuple[str, dict[str, str]]:
    """A text as its header and its top-level records' lines, by identity (the text after
    `- code: ` or `- jaar: `); CannotMerge when it is not shaped so."""
    from wijkctl.yamlio import split_records

    start = f"- {IDENTITY[name]}: "
    head, pieces = split_records(text)
    chunks: dict[str, str] = {}
    for piece in pieces:
        first = piece.split("\n", 1)[0]
        if not first.startswith(start):
            raise CannotMerge(f"een record begint niet met '{start.strip()}'")
        key = first[len(start):]
        if key in chunks:
            raise CannotMerge(f"{key} staat twee keer in een kant")
        chunks[key] = piece
    return head, chunks


def _record(name: str, head: str, chunk: str, *, canonical: bool) -> dict[str, Any]:
    """One record's lines, read strictly (and checked to be canonical) as a plain dict."""
    from wijkctl.yamlio import dump_records, load_text

    schema = FILES[name].schema
    text = head + chunk
    loaded = load_text(name, text)
    if loaded.problems or len(loaded.records) != 1:
        raise CannotMerge(f"een kant is geen geldig {name}: {loaded.problems[0] if loaded.problems else 'leeg'}")
    if loaded.comments:
        raise CannotMerge(f"een kant heeft commentaar bij {chunk.splitlines()[0]}")
    if canonical and (loaded.older or dump_records(name, loaded.records) != text):
        raise CannotMerge(f"een kant staat niet in de vaste vorm bij {chunk.splitlines()[0]}")
    return to_plain(loaded.records[0], schema)


def merge_text(name: str, base: str, ours: str, theirs: str, others: dict[str, list[Any]] | None = None) -> Result:
    """Merge three texts of the data file `name`. `others`: the records of the other two
    files (for the rules that look across files); missing ones count as empty.

    Works on the records' lines: a record whose lines are the same on both sides, or
    changed on one side only, is taken as it is (nothing is reformatted); only a record
    changed on both sides is read, merged per field and written in canonical form, and
    for that its lines on both sides must be canonical. Then the whole result is read
    and checked. CannotMerge: let git merge by lines.
    """
    from wijkctl.yamlio import dump_record, load_text

    list_key, schema = FILES[name].list_key, FILES[name].schema
    o_head, o = _split(name, base)
    a_head, a = _split(name, ours)
    b_head, b = _split(name, theirs)
    empty = f"{list_key}: []\n"
    heads = {h.replace(empty, f"{list_key}:\n") for h in (a_head, b_head)}
    if len(heads) != 1 or not next(iter(heads)).endswith(f"{list_key}:\n"):
        raise CannotMerge("de kanten hebben een ander begin (versie?)")
    head = heads.pop()
    base_head = o_head.replace(empty, f"{list_key}:\n") if o_head.strip() else head
    merger = _Merger()
    merged: dict[str, str] = {}
    conflicts: list[Conflict] = []
    changed: list[str] = []
    for k in dict.fromkeys([*o, *a, *b]):
        oc, ac, bc = o.get(k), a.get(k), b.get(k)
        if ac != oc or bc != oc:
            changed.append(k)
        if ac == bc or bc == oc:
            chunk = ac
        elif ac == oc:
            chunk = bc
        else:  # changed on both sides, differently: per field
            plain = [_ABSENT if c is None else _record(name, h, c, canonical=strict)
                     for c, h, strict in ((oc, base_head, False), (ac, head, True), (bc, head, True))]
            merger.conflicts = []
            v = merger.value((), *plain)
            conflicts += [Conflict(k, w, m) for w, m in merger.conflicts]
            if v is _ABSENT:
                chunk = None
            else:
                if list_key == "wijken":
                    _sort_organisations(v, None if plain[1] is _ABSENT else plain[1],
                                        None if plain[2] is _ABSENT else plain[2])
                chunk = dump_record(name, from_plain(v, schema))
        if chunk is not None:
            merged[k] = chunk
    order = [k for k in _order(list(o), list(a), list(b)) if k in merged]
    text = (head if order else head.replace(f"{list_key}:\n", empty)) + "".join(merged[k] for k in order)

    if not conflicts and changed:
        loaded = load_text(name, text)
        if loaded.problems or loaded.comments:
            raise CannotMerge("het samengevoegde bestand leest niet")
        conflicts = _new_problems(name, loaded.records, changed, a, b, head, others)
    if not conflicts:
        return Result(text)
    marked = {c.record for c in conflicts}
    out = [head]
    for k in dict.fromkeys([*order, *(k for k in [*a, *b] if k in marked)]):
        if k in marked:
            out += ["<<<<<<< ours\n", a.get(k, ""), "=======\n", b.get(k, ""), ">>>>>>> theirs\n"]
        else:
            out.append(merged[k])
    return Result("".join(out), conflicts)


def _new_problems(name: str, records: list[Any], changed: list[str], a: dict[str, str], b: dict[str, str],
                  head: str, others: dict[str, list[Any]] | None) -> list[Conflict]:
    """Conflicts for the problems (with `check --strict`: warnings too) of the merged data
    that neither side had: each side is the merged data with that side's changed records."""
    from wijkctl.validate import validate
    from wijkctl.yamlio import load_text

    list_key, attr = FILES[name].list_key, FILES[name].attr
    ident = IDENTITY[name]

    def key(record: Any) -> str:
        return str(getattr(record, ident))

    merged = {key(r): r for r in records}

    def side(chunks: dict[str, str]) -> list[Any]:
        """That side's records: its own lines where something changed, the merged ones elsewhere."""
        mine = "".join(chunks[k] for k in changed if k in chunks)
        parsed = {key(r): r for r in load_text(name, head + mine).records} if mine else {}
        return [parsed[k] if k in parsed else merged[k] for k in chunks if k in parsed or k in merged]

    def problems(recs: list[Any]) -> set[tuple[str, str | None, str]]:
        data = model.Dataset(**{a_: (recs if a_ == attr else (others or {}).get(a_, []))
                                for a_ in (f.attr for f in FILES.values())})
        return {(p.regel_id, p.wijk, p.melding) for p in validate(data)}

    new = problems(records) - problems(side(a)) - problems(side(b))
    conflicts = []
    keys = set(merged)
    for regel_id, wijk, melding in sorted(new, key=str):
        targets = [wijk] if list_key == "wijken" and wijk in keys else [k for k in changed if k in keys]
        conflicts += [Conflict(k, "", f"samengevoegd breekt dit een regel ({regel_id}): {melding}") for k in targets]
    return conflicts


def _sort_organisations(wijk: dict, a: dict | None, b: dict | None) -> None:
    def begin(org: dict) -> dt.date:
        return org.get("van") or dt.date.min

    def ordered(side: dict | None) -> bool:
        orgs = (side or {}).get("organisaties", [])
        return all(begin(x) <= begin(y) for x, y in itertools.pairwise(orgs))

    if wijk.get("organisaties") and ordered(a) and ordered(b):
        wijk["organisaties"] = sorted(wijk["organisaties"], key=begin)
