"""What finds a wijk and what must be unique among wijken, kept beside the records.

A wijk's summary (`summary`) holds the keys it is found by and that must be unique in
wijken.yaml — its code, name, CBS code, CBS buurt codes, buurten and organisation ids —
and its gebied and the day from which its rules give no warning. The parse cache stores
one summary per wijk beside that wijk's record, so a look-up, an import or a write finds
the wijken it needs, and checks the cross-record rules for the wijken it changed,
without building all the others (`Index`, `conflicts`).

A summary is a plain list (it goes through JSON as it is); the positions below name its
parts. Names are stored folded, as the rules compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from wijkctl.text import fold

if TYPE_CHECKING:
    from wijkctl import model

CODE, NAAM, GEVOUWEN, GEBIED, CBS, CBS_BUURTEN, BUURTEN, IDS, STIL = range(9)
SUMMARY_PARTS = 9
# in BUURTEN, per buurt: its folded name, its name, its CBS code
B_GEVOUWEN, B_NAAM, B_CBS = range(3)
NOOIT = "nooit"  # STIL of a wijk that warns on every day to come

Summary = list[Any]


def summary(w: model.Wijk) -> Summary:
    """The keys of one wijk (see the module's docstring)."""
    from wijkctl.validate import quiet_from

    return [w.code, w.naam, fold(w.naam), w.gebied, w.cbs_code, list(w.cbs_buurten),
            [[fold(b.naam), b.naam, b.cbs_code] for b in w.buurten], [o.id for o in w.organisaties], quiet_from(w)]


# kind of key -> the keys of that kind a summary holds; each is unique in the file
KEYS: dict[str, Callable[[Summary], Iterable[str]]] = {
    "code": lambda s: (s[CODE],),
    "naam": lambda s: (s[GEVOUWEN],) if s[GEVOUWEN] else (),
    "cbs": lambda s: (s[CBS],) if s[CBS] else (),
    "cbs_buurt": lambda s: s[CBS_BUURTEN],
    "buurt": lambda s: [b[B_GEVOUWEN] for b in s[BUURTEN] if b[B_GEVOUWEN]],
    "buurtcode": lambda s: [b[B_CBS] for b in s[BUURTEN] if b[B_CBS]],
    "id": lambda s: s[IDS],
}


class Index:
    """The summaries of the wijken in file order, and a map per kind of key to the
    position of the first wijk holding it (each built when first asked for)."""

    __slots__ = ("summaries", "_maps")

    def __init__(self, summaries: list[Summary]):
        self.summaries = summaries
        self._maps: dict[str, dict[str, int]] = {}

    @classmethod
    def of(cls, wijken: list[model.Wijk]) -> Index:
        return cls([summary(w) for w in wijken])

    def __len__(self) -> int:
        return len(self.summaries)

    def keys(self, kind: str) -> dict[str, int]:
        """Every key of `kind`, with the position of the (first) wijk holding it."""
        found = self._maps.get(kind)
        if found is None:
            keys_of = KEYS[kind]
            found = {}
            for pos, s in enumerate(self.summaries):
                for k in keys_of(s):
                    found.setdefault(k, pos)
            self._maps[kind] = found
        return found

    def find(self, kind: str, key: str) -> int | None:
        return self.keys(kind).get(key)

    def names(self) -> Iterator[str]:
        """The names of the wijken, then of their buurten (for suggestions)."""
        yield from (s[NAAM] for s in self.summaries)
        yield from (b[B_NAAM] for s in self.summaries for b in s[BUURTEN])


def conflicts(old: Index, changed: dict[int, Summary]) -> bool:
    """Whether the wijken at the positions in `changed`, with their new summaries, hold a
    key that must be unique twice, or one that a wijk which did not change holds in `old`.

    Only the keys a wijk did not hold before are looked up in `old`, so a change that
    adds no key (a new e-mail address) builds no map at all. Only a yes or no: a write
    that finds a conflict validates everything again, which names the rule and the lines.
    """
    seen: set[tuple[str, str]] = set()
    for pos, s in changed.items():
        was = old.summaries[pos]
        for kind, keys_of in KEYS.items():
            had = set(keys_of(was))
            for k in keys_of(s):
                if (kind, k) in seen:
                    return True
                seen.add((kind, k))
                if k not in had:
                    owner = old.find(kind, k)
                    if owner is not None and owner != pos and owner not in changed:
                        return True
    return False
