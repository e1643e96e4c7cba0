"""The commit message for a pending data change (`wijkctl commit`): pure, two Datasets in.

Built as the commands' `--commit` messages are (`register: Wijkplatform Molenwijk
(molenwijk) per 2025-03-01`, `update: … (europawijk): kernlid Cor Bakker vertrokken`), from
what differs between HEAD and the work tree, record by record and known by the same
identities as everywhere (`model.identity`). Kern members appear by name only, as in the
commands' messages; their contact data never.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from wijkctl import model
from wijkctl.schema import FILES, schema_of, to_plain
from wijkctl.text import opsomming

SUBJECT = 72  # longer than this and several changes: a short subject and one line per change


def message(old: model.Dataset, new: model.Dataset) -> str | None:
    """The message, or None when the data did not change."""
    parts = [*_wijken(old, new), *_gebieden(old, new), *_others(old, new)]
    if not parts:
        return None
    subject = "; ".join(parts)
    if len(parts) == 1 or len(subject) <= SUBJECT:
        return subject
    return f"{len(parts)} wijzigingen in de gegevens\n\n" + "\n".join(f"- {p}" for p in parts)


def _plain(record: Any) -> dict[str, Any]:
    return to_plain(record, schema_of(type(record)), iso=True)


def _paired(before: dict[Any, Any], after: dict[Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
    """Each identity of either side, in order (first before's, then after's new ones), with
    its record before and after (None where it is absent)."""
    for key in dict.fromkeys([*before, *after]):
        yield key, before.get(key), after.get(key)


def _changed(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The keys whose values differ between two plain records, in order."""
    return [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]


_WORD = {"email": "e-mail"}  # as the commands' messages say it


def _label(cls: type, key: str) -> str:
    return _WORD.get(key) or next(f.metadata["label"] for f in dataclasses.fields(cls) if f.name == key)


def _wijken(old: model.Dataset, new: model.Dataset) -> list[str]:
    before, after = {w.code: w for w in old.wijken}, {w.code: w for w in new.wijken}
    out = []
    for code, o, n in _paired(before, after):
        if o is None or n is None:
            w = n or o
            out.append(f"{'add-wijk' if o is None else 'remove-wijk'}: {w.naam} ({code})")  # type: ignore[union-attr]
            continue
        plain_o, plain_n = _plain(o), _plain(n)
        if plain_o == plain_n:
            continue
        orgs_o, orgs_n = {x.id: x for x in o.organisaties}, {x.id: x for x in n.organisaties}
        done: set[str] = set()
        for ident in orgs_n:  # conversions first: they also account for the wijkraden they end
            out += _conversion(n, orgs_o, orgs_n, ident, done)
        for ident, org_o, org_n in _paired(orgs_o, orgs_n):
            if ident not in done:
                out += _organisation(n, org_o, org_n)
        velden = [k for k in _changed(plain_o, plain_n) if k != "organisaties"]
        if velden:
            out.append(f"{n.naam} ({code}): {', '.join(_label(model.Wijk, k) for k in velden)} gewijzigd")
    return out


def _conversion(w: model.Wijk, before: dict[str, model.Organisatie], after: dict[str, model.Organisatie],
                ident: str, done: set[str]) -> list[str]:
    """`convert`: a new wijkplatform whose wijkraden (`opvolger_van`) end on its first day
    in this same change; its id and theirs are then `done`."""
    new = after.get(ident)
    if new is None or ident in before or new.soort != model.WIJKPLATFORM or not new.opvolger_van:
        return []
    raden = [after[r] for r in new.opvolger_van if r in after and r in before]
    if not raden or any(r.soort != model.WIJKRAAD or r.tot != new.van or before[r.id].tot == r.tot for r in raden):
        return []
    done.update([ident, *(r.id for r in raden)])
    namen = ", ".join(r.naam for r in raden)
    return [f"convert: {namen} -> {new.naam} ({w.code}) per {new.van.isoformat()}"]  # type: ignore[union-attr]


def _organisation(w: model.Wijk, o: model.Organisatie | None, n: model.Organisatie | None) -> list[str]:
    if n is None:
        return [f"unregister: {o.naam} ({o.id}, {w.code})"]  # type: ignore[union-attr]
    if o is None and n.soort == model.WIJKRAAD:
        return [f"register: {n.naam} ({w.code}), wijkraad" + (f" tot {n.tot.isoformat()}" if n.tot else "")]
    if o is None:
        return [f"register: {n.naam} ({w.code}) per {n.van.isoformat() if n.van else 'onbekend'}"]
    a, b = _plain(o), _plain(n)
    if a == b:
        return []
    velden = _changed(a, b)
    if set(velden) <= {"tot", "reden_einde"} and n.tot:
        return [f"end: {n.naam} ({w.code}) per {n.tot.isoformat()}"]
    wat = [f"{_label(model.Organisatie, k)} {_shown(b[k]) if k in b else 'weg'}" for k in velden if k != "kern"]
    wat += _kern(o, n)
    return [f"update: {n.naam} ({w.code}): {opsomming(wat)}"]


def _shown(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _kern(o: model.Organisatie, n: model.Organisatie) -> list[str]:
    """Kern members by identity: who came, who left, whose details changed (names only)."""
    before = {model.identity(model.KernLid, k): k for k in o.kern}
    after = {model.identity(model.KernLid, k): k for k in n.kern}
    gewijzigd, weg, erbij = [], [], []  # in the order `update` itself reports them
    for _key, a, b in _paired(before, after):
        if a is None:
            erbij.append(f"kernlid {b.naam} toegevoegd")  # type: ignore[union-attr]
        elif b is None:
            weg.append(f"kernlid {a.naam} vertrokken")
        elif _plain(a) != _plain(b):
            gewijzigd.append(f"kernlid {b.naam} gewijzigd")
    return gewijzigd + weg + erbij


def _gebieden(old: model.Dataset, new: model.Dataset) -> list[str]:
    before, after = {g.code: g for g in old.gebieden}, {g.code: g for g in new.gebieden}
    out = []
    for code, o, n in _paired(before, after):
        if o is None or n is None:
            g = n or o
            out.append(f"{'add-gebied' if o is None else 'remove-gebied'}: {g.naam} ({code})")  # type: ignore[union-attr]
        elif o.verbinder != n.verbinder:
            v, was = n.verbinder, o.verbinder
            wie = (f"{v.naam}" + (f" <{v.email}>" if v.email else "")) if v else \
                f"geen gebiedsverbinder meer ({was.naam} vertrokken)"  # type: ignore[union-attr]
            out.append(f"set-verbinder: {code}: {wie}")
        elif _plain(o) != _plain(n):
            out.append(f"{n.naam} ({code}): gewijzigd")
    return out


def _others(old: model.Dataset, new: model.Dataset) -> list[str]:
    """The other files' records (the gemeente, the regelingen, the subsidy records), by identity."""
    out = []
    for name, f in FILES.items():
        for attr in ([] if name == "wijken.yaml" else [f.attr]) + list(f.heads):
            if attr == "gebieden":
                continue
            out += _records(attr, old.of(attr), new.of(attr))
    return out


_NOUN = {"regelingen": "regeling", "subsidies": "subsidie", "gemeente": "gemeente"}


def _records(attr: str, old: list[Any], new: list[Any]) -> list[str]:
    def key(r: Any) -> Any:
        return model.identity(type(r), r) if getattr(type(r), "IDENTITY", None) else attr

    before, after = {key(r): _plain(r) for r in old}, {key(r): _plain(r) for r in new}
    noun = _NOUN.get(attr, attr)
    out = []
    for k, a, b in _paired(before, after):
        shown = noun if k == attr else f"{noun} {k}"
        if a is None or b is None:
            out.append(f"{shown} {'toegevoegd' if a is None else 'verwijderd'}")
        elif a != b:
            out.append(f"{shown}: {', '.join(_changed(a, b))} gewijzigd")
    return out
