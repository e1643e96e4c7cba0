"""What finds a wijk and what must be unique among wijken, kept beside the records.

A wijk's summary (`summary`) holds the keys it is found by and that must be unique in
wijken.yaml — its code, name, CBS code, CBS buurt codes, buurten and organisation ids —
its gebied, the day from which its rules give no warning, its organisations without
a recorded kern (what `check` notes) and its figures. The parse cache keeps
the summaries by column (one list per part, `PARTS`), each parsed only when asked for,
beside each wijk's record: a look-up by code reads the codes and one record, a write
checks the cross-record rules for the wijken it changed (`conflicts`) without building
all the others, and `check` reads only the column of days and that of organisations without a kern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wijkctl.text import fold

PARTS = ("code", "naam", "gevouwen", "gebied", "cbs", "cbs_buurten", "buurten", "ids", "stil", "zonder_kern",
         "cijfers")
# column numbers into PARTS (GEBIED_COLUMN: not to be confused with schema.GEBIED, the gebied schema)
CODE, NAAM, GEVOUWEN, GEBIED_COLUMN, CBS, CBS_BUURTEN, BUURTEN, IDS, STIL, ZONDER_KERN, CIJFERS = range(len(PARTS))
# in BUURTEN, per buurt: its folded name, its name, its CBS code
B_GEVOUWEN, B_NAAM, B_CBS = range(3)
NOOIT = "nooit"  # STIL of a wijk that warns on every day to come

Summary = list[Any]


def summary(w: Any, stil: str | None) -> Summary:
    """The parts of one wijk (a `model.Wijk`: this module sits below `model` and imports
    none of it, not even for annotations), in the order of PARTS; `stil`: the first day
    from which its rules give no warning (`validate.quiet_from`; None where it is not kept)."""
    return [w.code, w.naam, fold(w.naam), w.gebied, w.cbs_code, list(w.cbs_buurten),
            [[fold(b.naam), b.naam, b.cbs_code] for b in w.buurten], [o.id for o in w.organisaties], stil,
            zonder_kern(w), figures(w.cijfers)]


def zonder_kern(w: Any) -> list[list[str | None]]:
    """The organisations of wijk `w` whose kern is not recorded, each as [id, soort, naam,
    tot (ISO, or None)]: what `validate.kern_niet_vastgelegd` reads, from the cache's
    column as from the records."""
    return [[o.id, o.soort, o.naam, o.tot.isoformat() if o.tot is not None else None]
            for o in w.organisaties if not o.kern]


_FIGURES: dict[type, list[str]] = {}


def figures(cijfers: Any) -> str | None:
    """The wijk's figures (the fields of its `Cijfers` declared `cijfer`, in their order:
    `model.FIGURES`) as one text: the JSON of their list without its brackets (a write that
    changes figures dumps the column again, and texts cost a tenth of numbers to read and
    write as JSON); None without any. What the averages of a subsidy year read of every
    wijk (`subsidy.gemiddelden_van`, by `figure_values`), so that they build no wijk."""
    if cijfers is None:
        return None
    names = _FIGURES.get(type(cijfers))
    if names is None:
        import dataclasses

        names = _FIGURES[type(cijfers)] = [f.name for f in dataclasses.fields(cijfers) if f.metadata.get("cijfer")]
    return ",".join("null" if v is None else str(int(v)) for v in (getattr(cijfers, name) for name in names))


def figure_values(texts: list[str]) -> list[list[int | None]]:
    """The figures that `figures` wrote as each of `texts`, in their order (None: unknown),
    read as one JSON document."""
    import json

    return json.loads("[[" + "],[".join(texts) + "]]") if texts else []


# kind of key -> the part holding it, and the keys of that kind in a value of that part;
# every key is unique in the file
KEYS: dict[str, tuple[int, Callable[[Any], Iterable[str]]]] = {
    "code": (CODE, lambda v: (v,)),
    "naam": (GEVOUWEN, lambda v: (v,) if v else ()),
    "cbs": (CBS, lambda v: (v,) if v else ()),
    "cbs_buurt": (CBS_BUURTEN, lambda v: v),
    "buurt": (BUURTEN, lambda v: [b[B_GEVOUWEN] for b in v if b[B_GEVOUWEN]]),
    "buurtcode": (BUURTEN, lambda v: [b[B_CBS] for b in v if b[B_CBS]]),
    "id": (IDS, lambda v: v),
}


# the kinds whose part holds one key per wijk, the value itself (`KEYS`): found in a
# few look-ups by scanning the column (list.index, in C) without building a map; the
# value: whether an empty value holds no key
SCALAR: dict[str, bool] = {"code": False, "naam": True, "cbs": True}
SCANS = 8  # look-ups of a kind answered by a scan before its map is built


def keys_of(kind: str, s: Summary) -> Iterable[str]:
    part, keys = KEYS[kind]
    return keys(s[part])


class Index:
    """The summaries of the wijken in file order, by column, and a map per kind of key
    to the position of the first wijk holding it; each built when first asked for
    (`load`: the column of a part, by its position in PARTS)."""

    __slots__ = ("_columns", "_load", "_maps", "_scans", "size")

    def __init__(self, size: int, columns: dict[int, list[Any]] | None = None,
                 load: Callable[[int], list[Any]] | None = None):
        self.size = size
        self._columns = columns or {}
        self._load = load
        self._maps: dict[str, dict[str, int]] = {}
        self._scans: dict[str, int] = {}  # kind -> look-ups answered by a scan

    @classmethod
    def of(cls, wijken: list[Any]) -> Index:
        """The index of records in memory, for look-ups and what must be unique (no STIL:
        only an index stored with the records knows from which day they are quiet)."""
        summaries = [summary(w, None) for w in wijken]
        return cls(len(summaries), {part: [s[part] for s in summaries] for part in range(len(PARTS))})

    def __len__(self) -> int:
        return self.size

    def column(self, part: int) -> list[Any]:
        """One part of every wijk, in file order."""
        found = self._columns.get(part)
        if found is None:
            found = self._columns[part] = self._load(part)  # type: ignore[misc]
        return found

    def keys(self, kind: str) -> dict[str, int]:
        """Every key of `kind`, with the position of the (first) wijk holding it."""
        found = self._maps.get(kind)
        if found is None:
            part, keys = KEYS[kind]
            found = {}
            for pos, value in enumerate(self.column(part)):
                for k in keys(value):
                    found.setdefault(k, pos)
            self._maps[kind] = found
        return found

    def find(self, kind: str, key: str) -> int | None:
        """The position of the (first) wijk holding `key` of `kind`, or None. A look-up
        finds one key: its column is scanned (the map of every key costs a Python call
        per wijk); from the SCANS-th look-up of a kind on, the map answers."""
        found = self._maps.get(kind)
        if found is not None:
            return found.get(key)
        empty_holds_none = SCALAR.get(kind)
        done = self._scans.get(kind, 0)
        if empty_holds_none is None or done >= SCANS:
            return self.keys(kind).get(key)
        self._scans[kind] = done + 1
        if empty_holds_none and not key:
            return None
        try:
            return self.column(KEYS[kind][0]).index(key)
        except ValueError:
            return None

    def starting_with(self, folded: str) -> list[int]:
        """The positions of the wijken whose folded name starts with `folded`."""
        return [pos for pos, name in enumerate(self.column(GEVOUWEN)) if name.startswith(folded)]

    def label(self, pos: int) -> str:
        """The wijk at `pos` as a person names it: "Naam (code)"."""
        return f"{self.column(NAAM)[pos]} ({self.column(CODE)[pos]})"

    def name(self, pos: int) -> str:
        return self.column(NAAM)[pos]

    def names(self) -> Iterator[str]:
        """The names of the wijken, then of their buurten (for suggestions)."""
        yield from self.column(NAAM)
        yield from (b[B_NAAM] for buurten in self.column(BUURTEN) for b in buurten)


def conflicts(old: Index, changed: dict[int, tuple[Summary, Summary]]) -> bool:
    """Whether the wijken at the positions in `changed` (each with its summary before and
    after the change) hold a key that must be unique twice, or one that a wijk which did
    not change holds in `old`.

    Only the keys a wijk did not hold before are looked up in `old`, so a change that
    adds no key (a new e-mail address) reads no column at all. Only a yes or no: a write
    that finds a conflict validates everything again, which names the rule and the lines.
    """
    seen: set[tuple[str, str]] = set()
    for pos, (was, s) in changed.items():
        for kind in KEYS:
            had = set(keys_of(kind, was))
            for k in keys_of(kind, s):
                if (kind, k) in seen:
                    return True
                seen.add((kind, k))
                if k not in had:
                    owner = old.find(kind, k)
                    if owner is not None and owner != pos and owner not in changed:
                        return True
    return False


def held_twice(new: Index) -> bool:
    """Whether a key that must be unique is held twice in `new` (by two wijken, or twice
    by one): what `conflicts` asks of a change, asked of a whole index."""
    for part, keys in KEYS.values():
        seen: set[str] = set()
        for value in new.column(part):
            for k in keys(value):
                if k in seen:
                    return True
                seen.add(k)
    return False
