"""What changed between two versions of the data, per record and field, and what it costs.

Pure: two Datasets in, rows out. The same identities as the merge driver and the
commands, as the record classes declare them (`model.identity`): a wijk by code, an
organisation by id, a kern member by its folded name, a buurt by name, a gebied by code,
a regeling by year. Kern members' contact data (e-mail, phone) are personal data and
appear only when asked for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wijkctl import model
from wijkctl.formats import FORMATS
from wijkctl.schema import FILES, IDENTITY, PARTS, Schema, to_plain

HIDDEN = "(verborgen; --contact toont het)"
_ITEM = {"organisaties": "organisatie", "kern": "kernlid", "buurten": "buurt", "toeslagen": "toeslag",
         "betalingen": "betaling"}
# the last year a subsidy is computed for: no valid data file holds a later date (CONTRACT §3)
LAST_YEAR: int = FORMATS["jaar"].bereik[1]  # type: ignore[index]


def _member(m: dict, contact: bool) -> str:
    if not contact:
        return m.get("naam", "?")
    extra = " ".join(f"<{m['email']}>" if k == "email" else m[k] for k in model.KernLid.PERSONAL if m.get(k))
    return f"{m.get('naam', '?')} {extra}".strip()


def changes(old: model.Dataset, new: model.Dataset, *, contact: bool = False) -> list[dict[str, Any]]:
    """One row per added, removed or changed field: {bestand, wijk, organisatie, veld,
    wijziging, oud, nieuw} (and `gebied` or `regeling` for those files)."""
    rows: list[dict[str, Any]] = []
    for part, (name, attr, schema) in PARTS.items():
        list_key = FILES[name].list_key if part == name else attr
        if part == name:
            ident = IDENTITY[name]
            before = {r[ident]: r for r in (to_plain(x, schema, iso=True) for x in old.of(attr))}
            after = {r[ident]: r for r in (to_plain(x, schema, iso=True) for x in new.of(attr))}
        else:  # a head record (verbinders.yaml's gemeente): one record, known by its key
            before = {attr: to_plain(old.of(attr)[0], schema, iso=True)} if old.of(attr) else {}
            after = {attr: to_plain(new.of(attr)[0], schema, iso=True)} if new.of(attr) else {}
        for key in dict.fromkeys([*before, *after]):
            place = {"bestand": name, "wijk": key if list_key == "wijken" else None, "organisatie": None}
            if list_key == "gebieden":
                place["gebied"] = key
            elif list_key == "regelingen":
                place["regeling"] = key
            o, n = before.get(key), after.get(key)
            if list_key == "subsidies":  # a record of the subsidy year: of a wijk's platform
                place.update(wijk=(n or o or {}).get("wijk"), organisatie=(n or o or {}).get("organisatie"))
            if o == n:
                continue
            if o is None or n is None:
                rows.append({**place, "veld": None, "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": None if o is None else _summary(o), "nieuw": None if n is None else _summary(n)})
                continue
            _fields(rows, place, "", o, n, contact, schema)
    return rows


def _summary(record: dict) -> str:
    return record.get("naam") or str(record.get("code") or record.get("id") or record.get("jaar") or "")


def _fields(rows: list, place: dict, prefix: str, o: dict, n: dict, contact: bool, schema: Schema) -> None:
    fields = {f.key: f for f in schema.fields}
    personal = getattr(schema.cls, "PERSONAL", ())
    for k in dict.fromkeys([*o, *n]):
        a, b = o.get(k), n.get(k)
        if a == b:
            continue
        veld = f"{prefix}{k}"
        f = fields.get(k)
        if f is not None and f.kind == "record" and isinstance(a, dict) and isinstance(b, dict):
            _fields(rows, place, f"{veld}.", a, b, contact, f.schema)  # type: ignore[arg-type]
            continue
        if f is not None and f.kind == "records" and f.schema is not None and getattr(f.schema.cls, "IDENTITY", None):
            _items(rows, place, k, f.schema, a or [], b or [], contact)  # type: ignore[arg-type]
            continue
        hide = k in personal and not contact
        rows.append({**place, "veld": veld,
                     "wijziging": "toegevoegd" if a is None else "verwijderd" if b is None else "gewijzigd",
                     "oud": HIDDEN if hide and a is not None else a,
                     "nieuw": HIDDEN if hide and b is not None else b})


def _items(rows: list, place: dict, field: str, schema: Schema, a: list[dict], b: list[dict], contact: bool) -> None:
    before = {model.identity(schema.cls, i): i for i in a}
    after = {model.identity(schema.cls, i): i for i in b}
    for key in dict.fromkeys([*before, *after]):
        o, n = before.get(key), after.get(key)
        if o == n:
            continue
        if field == "organisaties":
            sub = {**place, "organisatie": key}
            if o is None or n is None:
                rows.append({**sub, "veld": None, "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": None if o is None else _summary(o), "nieuw": None if n is None else _summary(n)})
            else:
                _fields(rows, sub, "", o, n, contact, schema)
        elif field == "kern":
            if o is None or n is None:
                rows.append({**place, "veld": "kern", "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": None if o is None else _member(o, contact),
                             "nieuw": None if n is None else _member(n, contact)})
            else:
                _fields(rows, place, f"kern[{n.get('naam', '?')}].", o, n, contact, schema)
        else:
            label = f"{_ITEM.get(field, field)}[{model.shown_identity(schema.cls, n or o or {})}]"
            if o is None or n is None:
                rows.append({**place, "veld": label, "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": o, "nieuw": n})
            else:
                _fields(rows, place, f"{label}.", o, n, contact, schema)


def decided(data: model.Dataset) -> dict[tuple[int, str], int]:
    """(jaar, organisation id) -> the amount decided in subsidies.yaml: the vastgesteld
    amount once settled, else that of the besluit (0 when geweigerd). What was decided
    never moves with later figures or a later regeling (CONTRACT §7)."""
    out = {}
    for s in data.of("subsidies"):
        if s.vaststelling is not None:
            out[(s.jaar, s.organisatie)] = s.vaststelling.bedrag
        elif s.besluit is not None:
            out[(s.jaar, s.organisatie)] = s.besluit.bedrag
    return out


def money(old: model.Dataset, new: model.Dataset, years: range) -> list[dict[str, Any]]:
    """For every platform and year whose subsidy differs: before and after; for a decided
    year the decided amount (`decided`), else the computed one."""
    from wijkctl import subsidy
    from wijkctl.errors import WijkctlError

    def amounts(data: model.Dataset, jaar: int) -> dict[tuple[str, str], tuple[int, str, str]]:
        try:
            ov = subsidy.overzicht(data, jaar, None)
        except WijkctlError:
            return {}
        besloten = decided(data)
        return {(u.wijk.code, u.platform.id): (besloten.get((jaar, u.platform.id), u.bedrag), u.wijk.naam,
                                               u.platform.naam)
                for u in ov.uitkomsten if u.platform is not None}

    rows = []
    for jaar in years:
        a, b = amounts(old, jaar), amounts(new, jaar)
        for key in dict.fromkeys([*a, *b]):
            oud, nieuw = a.get(key, (None,))[0], b.get(key, (None,))[0]
            if oud != nieuw:
                naam = (b.get(key) or a.get(key))[2]  # type: ignore[index]
                rows.append({"bestand": None, "wijk": key[0], "organisatie": key[1], "veld": "subsidie",
                             "jaar": jaar, "wijziging": "toegevoegd" if oud is None else "verwijderd" if nieuw is None
                             else "gewijzigd", "oud": oud, "nieuw": nieuw, "naam": naam})
    return rows


def years(old: model.Dataset, new: model.Dataset, today: dt.date) -> range:
    """The years a subsidy can be computed for in either version: from the first regeling
    to next year, or further, to the last year an organisation is known to be active (its
    `tot`) or starts (a platform from after next year), never past LAST_YEAR."""
    starts = [r.jaar for d in (old, new) for r in d.regelingen]
    if not starts:
        return range(0)
    ends = [day.year for d in (old, new) for w in d.wijken for o in w.organisaties
            for day in [o.tot or o.van] if day is not None]
    last = min(max([today.year + 1, *ends]), LAST_YEAR)
    return range(min(starts), last + 1)
