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
                place.update(wijk=(n or o or {}).get("wijk"), organisatie=(n or o or {}).get("organisatie"),
                             subsidie=key)
            if o == n:
                continue
            if o is None or n is None:
                rows.append({**place, "veld": None, "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": None if o is None else _summary(o), "nieuw": None if n is None else _summary(n),
                             "_woorden": _RECORD.get(list_key or "", part)})
                continue
            _fields(rows, place, "", o, n, contact, schema)
    return rows


# what a record of each list is called in the lines people read
_RECORD = {"wijken": "wijk", "gebieden": "gebied", "regelingen": "regeling", "subsidies": "subsidie"}


def _label(f: Any, key: str) -> str:
    """A field in words: its declared label without the remark in brackets; a list by its
    key (`buurten`, `opvolger van`)."""
    if f is None or f.kind == "strlist":
        return key.replace("_", " ")
    return f.label.split(" (")[0]


def _summary(record: dict) -> str:
    return record.get("naam") or str(record.get("code") or record.get("id") or record.get("jaar") or "")


def _fields(rows: list, place: dict, prefix: str, o: dict, n: dict, contact: bool, schema: Schema,
            words: str = "") -> None:
    """A row per changed field of a record; `prefix` its path for scripts (`kern[Anna].email`),
    `words` the same in words for people (`kernlid Anna: e-mailadres`)."""
    fields = {f.key: f for f in schema.fields}
    personal = getattr(schema.cls, "PERSONAL", ())
    for k in dict.fromkeys([*o, *n]):
        a, b = o.get(k), n.get(k)
        if a == b:
            continue
        veld = f"{prefix}{k}"
        f = fields.get(k)
        label = f"{words}{_label(f, k)}"
        if f is not None and f.kind == "record" and isinstance(a, dict) and isinstance(b, dict):
            _fields(rows, place, f"{veld}.", a, b, contact, f.schema, f"{label} ")  # type: ignore[arg-type]
            continue
        if f is not None and f.kind == "records" and f.schema is not None and getattr(f.schema.cls, "IDENTITY", None):
            _items(rows, place, k, f.schema, a or [], b or [], contact)  # type: ignore[arg-type]
            continue
        hide = k in personal and not contact
        rows.append({**place, "veld": veld,
                     "wijziging": "toegevoegd" if a is None else "verwijderd" if b is None else "gewijzigd",
                     "oud": HIDDEN if hide and a is not None else a,
                     "nieuw": HIDDEN if hide and b is not None else b, "_woorden": label,
                     **({"_datum": True} if f is not None and f.kind == "date" else {})})


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
                             "oud": None if o is None else _summary(o), "nieuw": None if n is None else _summary(n),
                             "_woorden": "organisatie"})
            else:
                _fields(rows, sub, "", o, n, contact, schema)
        elif field == "kern":
            if o is None or n is None:
                rows.append({**place, "veld": "kern", "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": None if o is None else _member(o, contact),
                             "nieuw": None if n is None else _member(n, contact), "_woorden": "kernlid"})
            else:
                _fields(rows, place, f"kern[{n.get('naam', '?')}].", o, n, contact, schema,
                        f"kernlid {n.get('naam', '?')}: ")
        else:
            item, shown = _ITEM.get(field, field), model.shown_identity(schema.cls, n or o or {})
            label = f"{item}[{shown}]"
            if o is None or n is None:
                rows.append({**place, "veld": label, "wijziging": "toegevoegd" if o is None else "verwijderd",
                             "oud": o, "nieuw": n, "_woorden": f"{item} {shown}"})
            else:
                _fields(rows, place, f"{label}.", o, n, contact, schema, f"{item} {shown}: ")


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


def in_words(row: dict[str, Any], old: model.Dataset, new: model.Dataset) -> str:
    """One change as a reviewer reads it: where, what, and the values in words, e.g.
    `Molenwijk, Wijkplatform Molenwijk: kernlid Joyce Pinas: e-mailadres gewijzigd` or
    `gebied Schalkwijk: gebiedsverbinder naam gewijzigd: Ingrid Hamer → Kees de Boer`."""
    wat = row.get("_woorden") or row.get("veld") or "?"
    veld = row.get("veld")
    if veld is None or veld == "kern":  # a whole record, organisation or kern member added or removed
        summary = row["nieuw"] if row["wijziging"] == "toegevoegd" else row["oud"]
        waar = _where({**row, "organisatie": None} if wat == "organisatie" else row, old, new)
        return f"{waar}: {wat} {_value(summary, False)} {row['wijziging']}"
    if veld.endswith("]"):  # an item of a list (a buurt, a toeslag, a betaling): its name says it
        return f"{_where(row, old, new)}: {wat} {row['wijziging']}"
    datum = bool(row.get("_datum"))
    oud, nieuw = row.get("oud"), row.get("nieuw")
    if HIDDEN in (oud, nieuw):
        values = f" {HIDDEN}"
    elif row["wijziging"] == "gewijzigd":
        values = f": {_value(oud, datum)} → {_value(nieuw, datum)}"
    else:
        values = f": {_value(nieuw if row['wijziging'] == 'toegevoegd' else oud, datum)}"
    return f"{_where(row, old, new)}: {wat} {row['wijziging']}{values}"


def _where(row: dict[str, Any], old: model.Dataset, new: model.Dataset) -> str:
    """The record a change is in, by name: the wijk and organisation, gebied, regeling."""
    if row.get("gebied") is not None:
        gebied = new.gebied(row["gebied"]) or old.gebied(row["gebied"])
        return f"gebied {gebied.naam if gebied else row['gebied']}"
    if row.get("regeling") is not None:
        return f"regeling {row['regeling']}"
    if row.get("wijk") is None:
        return "gemeente" if row.get("bestand") == "verbinders.yaml" else str(row.get("bestand"))
    wijk = next((w for d in (new, old) for w in d.wijken if w.code == row["wijk"]), None)
    parts = [wijk.naam if wijk else row["wijk"]]
    if row.get("organisatie") is not None:
        org = next((o for o in (wijk.organisaties if wijk else []) if o.id == row["organisatie"]), None)
        if org is None:  # an organisation that is gone: its name from the old version
            org = next((o for w in old.wijken if w.code == row["wijk"] for o in w.organisaties
                        if o.id == row["organisatie"]), None)
        parts.append(org.naam if org else row["organisatie"])
    if row.get("subsidie") is not None and row.get("veld") is not None:
        parts.append(f"subsidie {row['subsidie']}")
    return ", ".join(parts)


def _value(value: Any, datum: bool) -> str:
    """A value in words: lists joined the Dutch way, dates in Dutch, nothing as `–`."""
    from wijkctl.text import datum as dutch_date
    from wijkctl.text import opsomming

    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if datum and isinstance(value, str):
        try:
            return dutch_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return opsomming(_value(v, False) for v in value)
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k} {_value(v, False)}" for k, v in value.items()) + ")"
    return str(value)
