"""Three-way merge of a data file per record and field, for `wijkctl merge-driver`.

Git merges text line by line; wijkctl knows the identities in its files, as the record
classes declare them (`model.identity`: a wijk by code, a buurt by name, an organisation
by id, a kern member by its folded name, a gebied by code, a regeling by year), so it
merges per record and per field: a field changed on one side only takes that change, the
same change on both sides is taken once, and a field changed differently on both sides
is a conflict. So is a record added on both sides with different content (the same
platform registered twice with different kernen), a record removed on one side and
changed on the other, a member renamed on one side and removed or renamed on the other,
and an organisation ended on both sides in different ways. Records added on both
sides are kept in a place that does not depend on which side is "ours", so the result is
the same either way round. The merged data is then checked with every rule `check
--strict` applies; a problem that neither side had (compared by rule id and record, never
by message text) is a conflict too (two removed kern members that leave two; two
platforms on the same ground). Conflict reports name kern members and fields, never
their contact data.

It works on the records' lines (see `merge_text`), so a record nobody changed is never
parsed or rewritten.

Pure: texts in, a `Result` out. `merge_text` refuses (raises `CannotMerge`) a side it
cannot read strictly, or whose changed record is not canonical, or a result that holds a
comment; the driver then falls back to git's own line merge and checks its result with
`check_merged`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from wijkctl import model
from wijkctl.schema import FILES, IDENTITY, Field, Schema, from_plain, to_plain

_ABSENT = object()
_HIDDEN = "(waarden niet getoond: persoonsgegevens)"
# the two sides of a merge in Dutch, git's names in brackets (its markers say ours/theirs)
OURS = "onze kant (ours)"
THEIRS = "de andere kant (theirs)"


class CannotMerge(Exception):
    """A side is not a strict, canonical, current-version data file: merge by lines."""


@dataclass
class Conflict:
    """One reason the merge of a top-level record (a wijk, gebied or regeling) failed."""

    record: str  # the record's identity (wijk code, gebied code, regeling year)
    waar: str  # where in the record, in words ("organisatie x, veld email")
    melding: str  # what, in Dutch, with the values that are not personal data

    def __str__(self) -> str:
        return f"{self.record}: {self.waar}: {self.melding}" if self.waar else f"{self.record}: {self.melding}"


@dataclass
class Result:
    text: str  # the merged text; with conflict markers around the conflicting records
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _personal(schema: Schema | None) -> bool:
    """Whether records of `schema` hold personal data, themselves or in a nested record."""
    if schema is None:
        return False
    return bool(getattr(schema.cls, "PERSONAL", ())) or any(_personal(f.schema) for f in schema.fields)


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


# a keyed list's items, as a person names one
_ITEM = {"organisaties": "organisatie", "kern": "kernlid", "buurten": "buurt", "toeslagen": "toeslag",
         "wijken": "wijk", "gebieden": "gebied", "regelingen": "regeling", "betalingen": "betaling",
         "subsidies": "subsidie"}


def _keys(schema: Schema) -> str:
    """The key or keys that identify an item, as a person reads them."""
    key = schema.cls.IDENTITY  # type: ignore[attr-defined]
    return " en ".join(key) if isinstance(key, tuple) else key


def _keyed(f: Field | None) -> bool:
    """Whether `f` is a list of records merged item by item (its class declares an identity)."""
    if f is None or f.kind != "records" or f.schema is None:
        return False
    return getattr(f.schema.cls, "IDENTITY", None) is not None


class _Merger:
    """Merges values; collects (where, message) conflicts."""

    def __init__(self) -> None:
        self.conflicts: list[tuple[str, str]] = []

    def conflict(self, path: tuple[str, ...], melding: str) -> None:
        self.conflicts.append((", ".join(path), melding))

    def record(self, path: tuple[str, ...], o: Any, a: Any, b: Any, schema: Schema) -> Any:
        """One record (a top-level record or an item of a keyed list), by identity."""
        if a == b:
            return a
        if a == o:
            return b
        if b == o:
            return a
        if o is _ABSENT and a is not _ABSENT and b is not _ABSENT:
            velden = ", ".join(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))
            self.conflict(path, f"aan beide kanten toegevoegd, verschillend (velden: {velden})")
            return a
        if a is _ABSENT or b is _ABSENT:
            gone, kept = (OURS, THEIRS) if a is _ABSENT else (THEIRS, OURS)
            self.conflict(path, f"aan {gone} verwijderd, aan {kept} gewijzigd")
            return b if a is _ABSENT else a
        return self.mapping(path, o, a, b, schema)

    def value(self, path: tuple[str, ...], o: Any, a: Any, b: Any, f: Field | None, prefix: str = "",
              personal: tuple[str, ...] = ()) -> Any:
        """One field of a record; `personal`: the keys of that record that are personal data."""
        if a == b:
            return a
        if a == o:
            return b
        if b == o:
            return a
        name = f.key if f is not None else ""
        where = (*path, f"veld {prefix}{name}") if name else path
        if _keyed(f):
            lists = [[] if x is _ABSENT else x for x in (o, a, b)]
            merged = self.records(path, *lists, f.schema, _ITEM.get(name, name))  # type: ignore[union-attr,arg-type]
            return merged or _ABSENT
        if o is not _ABSENT and (a is _ABSENT or b is _ABSENT):
            gone, kept = (OURS, THEIRS) if a is _ABSENT else (THEIRS, OURS)
            self.conflict(where, f"aan {gone} verwijderd, aan {kept} gewijzigd")
            return b if a is _ABSENT else a
        if f is not None and f.kind == "record" and all(isinstance(x, dict) for x in (a, b)) \
                and (o is _ABSENT or isinstance(o, dict)):
            base = {} if o is _ABSENT else o
            return self.mapping(path, base, a, b, f.schema, prefix=f"{prefix}{name}.")  # type: ignore[arg-type]
        if name in personal or (f is not None and _personal(f.schema)):
            self.conflict(where, f"aan beide kanten anders gewijzigd {_HIDDEN}")
        else:
            self.conflict(where, f"aan beide kanten anders gewijzigd: basis {_show(o)}, {OURS} {_show(a)}, "
                                 f"{THEIRS} {_show(b)}")
        return a if a is not _ABSENT else b

    def mapping(self, path: tuple[str, ...], o: dict, a: dict, b: dict, schema: Schema, prefix: str = "") -> dict:
        before = len(self.conflicts)
        fields = {f.key: f for f in schema.fields}
        personal = getattr(schema.cls, "PERSONAL", ())
        out: dict[str, Any] = {}
        for k in dict.fromkeys([*a, *b, *o]):
            v = self.value(path, o.get(k, _ABSENT), a.get(k, _ABSENT), b.get(k, _ABSENT), fields.get(k), prefix,
                           personal)
            if v is not _ABSENT:
                out[k] = v
        # an organisation ended on both sides (say `convert` and `end`), each in its own way
        # (one with a reason, one without), is not a clean merge; ended alike, or ended on one
        # side and changed on the other, merges like any two changes (as the serial orders do)
        if schema.cls is model.Organisatie and o and len(self.conflicts) == before \
                and a.get("tot") != o.get("tot") and b.get("tot") != o.get("tot") \
                and a.get("reden_einde") != b.get("reden_einde"):
            self.conflict(path, f"aan beide kanten beëindigd (tot {_show(a.get('tot'))}), maar verschillend; "
                                "beslis welk einde geldt")
        return out

    def records(self, path: tuple[str, ...], o: list[dict], a: list[dict], b: list[dict], schema: Schema,
                item: str) -> list[dict]:
        """A keyed list: merged per item by identity; new items placed symmetrically.
        Two items with the same identity on one side (say two kern members whose names fold
        alike) cannot be told apart: a conflict, so that nothing is lost."""
        def key(i: dict) -> Any:
            return model.identity(schema.cls, i)

        oi, ai, bi = ({key(i): i for i in x} for x in (o, a, b))
        if len(oi) != len(o) or len(ai) != len(a) or len(bi) != len(b):
            self.conflict(path, f"twee {item or 'onderdelen'} met dezelfde {_keys(schema)}; voeg met de hand samen")
            return a
        renamed = (_renamed(o, a, oi, ai, key), _renamed(o, b, oi, bi, key))
        merged: dict[Any, dict] = {}
        for k in dict.fromkeys([*oi, *ai, *bi]):
            shown = model.shown_identity(schema.cls, ai.get(k) or bi.get(k) or oi[k])
            where = (*path, f"{item} {shown}".strip())
            if k in oi and k not in ai and k not in bi and (k in renamed[0] or k in renamed[1]):
                self.conflict(where, "aan de ene kant hernoemd of vervangen, aan de andere kant verwijderd of "
                                     "ook hernoemd; voeg met de hand samen")
            v = self.record(where, oi.get(k, _ABSENT), ai.get(k, _ABSENT), bi.get(k, _ABSENT), schema)
            if v is not _ABSENT:
                merged[k] = v
        out = [merged[k] for k in _order(list(oi), list(ai), list(bi)) if k in merged]
        order = getattr(schema.cls, "ORDER", None)  # a list kept in the order of a key (payments: by date)
        return sorted(out, key=lambda i: i[order]) if order else out


def _renamed(o: list[dict], side: list[dict], oi: dict, si: dict, key: Any) -> set[Any]:
    """The base items a side gave another identity (`update --change-member` giving a member
    another name): removed on that side while an item new there keeps one of its contact
    values (e-mail, phone)."""
    def contact(item: dict) -> set[tuple[str, str]]:
        return {(c, str(item[c]).lower()) for c in model.KernLid.PERSONAL if item.get(c)}

    new = [contact(i) for i in side if key(i) not in oi]
    return {key(old) for old in o if key(old) not in si and any(contact(old) & c for c in new)}


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
    from wijkctl.yamlio import dump_loaded, load_text

    schema = FILES[name].schema
    text = head + chunk
    loaded = load_text(name, text)
    if loaded.problems or len(loaded.records) != 1:
        # the problem's line only: its message may quote a value, and a kern member's is personal data
        raise CannotMerge(f"een kant is geen geldig {name} bij {chunk.splitlines()[0]}")
    if loaded.comments:
        raise CannotMerge(f"een kant heeft commentaar bij {chunk.splitlines()[0]}")
    if canonical and (loaded.older or dump_loaded(loaded) != text):
        raise CannotMerge(f"een kant staat niet in de vaste vorm bij {chunk.splitlines()[0]}")
    return to_plain(loaded.records[0], schema)


def _current_base(name: str, base: str, head: str) -> str:
    """The base in the sides' version: a base of an older `versie` is migrated as a whole
    file (ids made unique over the whole file, as the sides got them when a command wrote
    them) and written canonically, so that records nobody changed compare equal."""
    from wijkctl.yamlio import dump_loaded, load_text

    first = base.split("\n", 1)[0]
    if not base.strip() or head.startswith(first + "\n"):
        return base
    loaded = load_text(name, base)
    if loaded.problems:
        raise CannotMerge(f"de basis is geen geldig {name} (regel {loaded.problems[0].regel})")
    return dump_loaded(loaded)


def _merged_head(base: str, ours: str, theirs: str) -> str:
    """The lines before the first record (`versie` and the head records, `DataFile.heads`,
    such as verbinders.yaml's gemeente): taken whole from the side that changed them;
    changed on both sides, differently: CannotMerge (git then merges by lines)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise CannotMerge("beide kanten wijzigden het begin van het bestand (de gemeente?) verschillend")


def merge_text(name: str, base: str, ours: str, theirs: str, others: dict[str, list[Any]] | None = None) -> Result:
    """Merge three texts of the data file `name`. `others`: the records of the other two
    files (for the rules that look across files); missing ones count as empty. An empty
    base (git's add/add) means every record was added on both sides.

    Works on the records' lines: a record whose lines are the same on both sides, or
    changed on one side only, is taken as it is (nothing is reformatted); only a record
    changed on both sides is read, merged per field and written in canonical form, and
    for that its lines on both sides must be canonical. Then the whole result is read
    and checked. CannotMerge: let git merge by lines.
    """
    from wijkctl.yamlio import load_text

    list_key = FILES[name].list_key
    empty = f"{list_key}: []\n"
    head, base_head, o, a, b = _sides(name, base, ours, theirs)
    merger = _Merger()
    merged: dict[str, str] = {}
    conflicts: list[Conflict] = []
    changed = False
    for k in dict.fromkeys([*o, *a, *b]):
        oc, ac, bc = o.get(k), a.get(k), b.get(k)
        changed = changed or ac != oc or bc != oc
        if ac == bc or bc == oc:
            chunk = ac
        elif ac == oc:
            chunk = bc
        else:  # changed on both sides, differently: per field
            chunk = _merge_record(name, k, (oc, base_head), (ac, head), (bc, head), merger, conflicts)
        if chunk is not None:
            merged[k] = chunk
    order = [k for k in _order(list(o), list(a), list(b)) if k in merged]
    text = (head if order else head.replace(f"{list_key}:\n", empty)) + "".join(merged[k] for k in order)

    if not conflicts and changed:
        loaded = load_text(name, text)
        if loaded.problems or loaded.comments:
            raise CannotMerge("het samengevoegde bestand leest niet")
        conflicts = new_problems(name, loaded.records, ours, theirs, others)
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


def _sides(name: str, base: str, ours: str, theirs: str) -> tuple[str, str, dict, dict, dict]:
    """The merged head of both sides (`_merged_head`), the base's head, and the records'
    lines of base, ours and theirs by identity. CannotMerge when the sides begin
    differently (another versie) or both changed the head differently."""
    list_key = FILES[name].list_key
    a_head, a = _split(name, ours)
    b_head, b = _split(name, theirs)
    empty = f"{list_key}: []\n"
    a_head, b_head = (h.replace(empty, f"{list_key}:\n") for h in (a_head, b_head))
    if not a_head.endswith(f"{list_key}:\n") or not b_head.endswith(f"{list_key}:\n") \
            or a_head.split("\n", 1)[0] != b_head.split("\n", 1)[0]:
        raise CannotMerge("de kanten hebben een ander begin (versie?)")
    o_head, o = _split(name, _current_base(name, base, a_head))
    base_head = o_head.replace(empty, f"{list_key}:\n") if o_head.strip() else a_head
    return _merged_head(base_head, a_head, b_head), base_head, o, a, b


def _merge_record(name: str, key: str, base: tuple[str | None, str], ours: tuple[str | None, str],
                  theirs: tuple[str | None, str], merger: _Merger, conflicts: list[Conflict]) -> str | None:
    """One record changed on both sides, merged per field: its canonical lines, or None
    when it goes. Each side is (its lines or None, the head they are read under); the
    fields that clash are added to `conflicts`."""
    from wijkctl.yamlio import dump_record

    schema = FILES[name].schema
    plain = [_ABSENT if c is None else _record(name, h, c, canonical=strict)
             for (c, h), strict in ((base, False), (ours, True), (theirs, True))]
    if FILES[name].list_key == "wijken" and _ABSENT not in plain:
        plain = _follow_renames(*plain)
    merger.conflicts = []
    v = merger.record((), *plain, schema)
    conflicts += [Conflict(key, w, m) for w, m in merger.conflicts]
    if v is _ABSENT:
        return None
    if FILES[name].list_key == "wijken":
        _sort_organisations(v, None if plain[1] is _ABSENT else plain[1], None if plain[2] is _ABSENT else plain[2])
    return dump_record(name, from_plain(v, schema))


def check_merged(name: str, merged: str, ours: str, theirs: str, others: dict[str, list[Any]] | None) -> list[Conflict]:
    """What git's line merge of `ours` and `theirs` broke (the driver's fallback): the
    result must read strictly and hold no problem that neither side had; a side that does
    not read cannot prove the result, so that is a conflict too."""
    from wijkctl.yamlio import load_text

    loaded = load_text(name, merged)
    if loaded.problems:
        first = loaded.problems[0]  # its line, not its message: that may quote a member's contact data
        return [Conflict(name, "", f"het regel voor regel samengevoegde bestand leest niet (regel {first.regel}); "
                                   "'wijkctl check' zegt waarom")]
    return new_problems(name, loaded.records, ours, theirs, others)


def new_problems(name: str, records: list[Any], ours: str, theirs: str,
                 others: dict[str, list[Any]] | None) -> list[Conflict]:
    """Conflicts for the problems (warnings too, as `check --strict` counts them) of the
    merged records that neither side had, each problem known by its rule id and the record
    it is about (never by its message, which may name what the other side changed)."""
    from wijkctl.yamlio import load_text

    sides = []
    for text in (ours, theirs):
        loaded = load_text(name, text)
        if loaded.problems:
            return [Conflict(name, "", "een kant leest niet strikt; het resultaat is niet te controleren")]
        sides.append(_problems(name, loaded.records, others))
    merged = _problems(name, records, others)
    new = Counter({k: n for k, n in merged.items()}) - (sides[0] | sides[1])
    examples = _examples(name, records, others)
    conflicts = []
    for k in sorted(new, key=str):
        _bestand, _ernst, rule, record, _sub = k
        melding = examples[k]
        if rule.startswith("formaat-") and rule[len("formaat-"):] in model.KernLid.PERSONAL:
            melding = f"een waarde heeft niet de goede vorm {_HIDDEN}"
        conflicts.append(Conflict(str(record) if record is not None else name, "",
                                  f"samengevoegd breekt dit een regel ({rule}): {melding}"))
    return conflicts


_Key = tuple[str, str, str, Any, Any]


def _dataset(name: str, records: list[Any], others: dict[str, list[Any]] | None) -> model.Dataset:
    attr = FILES[name].attr
    return model.Dataset(**{f.attr: (records if f.attr == attr else (others or {}).get(f.attr, []))
                            for f in FILES.values()})


def _problems(name: str, records: list[Any], others: dict[str, list[Any]] | None) -> Counter[_Key]:
    return Counter(key for key, _melding in _located(name, records, others))


def _examples(name: str, records: list[Any], others: dict[str, list[Any]] | None) -> dict[_Key, str]:
    out: dict[_Key, str] = {}
    for key, melding in _located(name, records, others):
        out.setdefault(key, melding)
    return out


def _located(name: str, records: list[Any], others: dict[str, list[Any]] | None) -> list[tuple[_Key, str]]:
    """Every problem of the data with these records, as (file, severity, rule id, the
    top-level record it is about, the organisation within it) and its message."""
    from wijkctl.validate import validate

    ident = IDENTITY[name]
    starts = sorted(((r.regel, getattr(r, ident), r) for r in records), key=lambda t: t[0])
    out = []
    for p in validate(_dataset(name, records, others)):
        record, sub = None, None
        if p.bestand == name:
            at = [(ident_, r) for line, ident_, r in starts if line <= p.regel]
            if p.wijk is not None:
                at = [(ident_, r) for _l, ident_, r in starts if ident_ == p.wijk] or at
            if at:
                record, holder = at[-1]
                orgs = [org.id for org in getattr(holder, "organisaties", []) if org.regel <= p.regel]
                sub = orgs[-1] if orgs and p.regel >= holder.regel else None
        out.append(((p.bestand, p.ernst, p.rule, record, sub), p.melding))
    return out


def _buurt_renames(o: dict, side: dict) -> dict[str, str]:
    """The buurten of wijk `o` that `side` renamed (`rename WIJK --buurt`): old name -> new,
    for a base buurt gone on that side while a buurt new there has its CBS code (a buurt
    without one is not recognised: its rename stays a conflict where it clashes)."""
    base = {b["naam"]: b.get("cbs_code") for b in o.get("buurten", [])}
    new = {b.get("cbs_code"): b["naam"] for b in side.get("buurten", []) if b["naam"] not in base}
    names = {b["naam"] for b in side.get("buurten", [])}
    return {old: new[code] for old, code in base.items() if code and old not in names and code in new}


def _renamed_buurten(wijk: dict, renames: dict[str, str]) -> dict:
    """`wijk` with its buurten renamed, wherever it names them (as `rename` does)."""
    out = dict(wijk)
    out["buurten"] = [{**b, "naam": renames.get(b["naam"], b["naam"])} for b in wijk.get("buurten", [])]
    out["organisaties"] = [{**org, "buurten": [renames.get(x, x) for x in org["buurten"]]} if org.get("buurten")
                           else org for org in wijk.get("organisaties", [])]
    return {k: v for k, v in out.items() if v or k in wijk}


def _follow_renames(o: dict, a: dict, b: dict) -> list[dict]:
    """Base, ours and theirs of one wijk, with the buurten that one side renamed renamed in
    the base and on the other side too, so that a rename merges with the other side's change
    to an organisation's `buurten` as the two commands would run one after the other. A
    buurt the other side also renamed, removed or reused the name of is left alone (a conflict),
    unless both sides gave it the same new name."""
    ours = _buurt_renames(o, a)
    both = {old: new for old, new in _buurt_renames(o, b).items() if ours.get(old) == new}
    if both:
        o = _renamed_buurten(o, both)
    for i, side in ((1, a), (2, b)):
        other = b if i == 1 else a
        other_names = {x["naam"] for x in other.get("buurten", [])}
        renames = {old: new for old, new in _buurt_renames(o, side).items()
                   if old in other_names and new not in other_names}
        if renames:
            o = _renamed_buurten(o, renames)
            if i == 1:
                b = _renamed_buurten(b, renames)
            else:
                a = _renamed_buurten(a, renames)
    return [o, a, b]


def _sort_organisations(wijk: dict, a: dict | None, b: dict | None) -> None:
    def begin(org: dict) -> dt.date:
        return org.get("van") or dt.date.min

    def ordered(side: dict | None) -> bool:
        orgs = (side or {}).get("organisaties", [])
        return all(begin(x) <= begin(y) for x, y in itertools.pairwise(orgs))

    if wijk.get("organisaties") and ordered(a) and ordered(b):
        wijk["organisaties"] = sorted(wijk["organisaties"], key=begin)
