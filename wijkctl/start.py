"""A register for any gemeente from the CBS Kerncijfers table (CONTRACT §9, `init --from-cbs`).

Pure: a parsed table (`cbs.Table`), the year and the gemeente asked for, and the text of
the optional gebieden mapping in; a `model.Dataset` out (the writer validates it whole).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from wijkctl import cbs, model
from wijkctl.errors import NotFound, UsageError
from wijkctl.text import fold, slug, unique_id


def _gemeenten(table: cbs.Table) -> dict[str, str]:
    """GM code -> name, from the Gemeente rows and the Gemeentenaam column of the others."""
    out = {code: r.naam for code, r in table.gemeenten.items() if r.naam}
    for r in (*table.wijken.values(), *table.buurten.values()):
        if r.gemeentenaam:
            out.setdefault("GM" + r.code[2:6], r.gemeentenaam)
    for code, naam in table.elders.items():
        if naam:
            out.setdefault(code, naam)
    return out


def _gm_code(query: str) -> str | None:
    """The GM code `query` names (`GM0344`, `gm0344`, `0344`), or None for a name."""
    code = query.strip().upper()
    if re.fullmatch(r"[0-9]{4}", code):
        code = "GM" + code
    return code if re.fullmatch(r"GM[0-9]{4}", code) else None


def rows_of(query: str) -> Callable[[str, str | None], bool]:
    """Which Wijk and Buurt rows of the table (code, Gemeentenaam cell) `init` needs to read for the
    gemeente `query`: those of its code, or of its name (and every row that names no gemeente,
    as it may be of the gemeente whose Gemeente row has that name); `find_gemeente` decides."""
    code = _gm_code(query)
    if code is not None:
        digits = code[2:]
        return lambda regio, _gemeente: regio[2:6] == digits
    wanted, seen = fold(query.strip()), {}

    def keep(_regio: str, cell: str | None) -> bool:
        if cell is None:
            return True
        if cell not in seen:  # the cells of one gemeente are alike: each is folded once
            naam = " ".join(cell.strip().strip('"').split())
            seen[cell] = not naam or fold(naam) == wanted
        return seen[cell]

    return keep


def find_gemeente(table: cbs.Table, query: str) -> tuple[str, str]:
    """The GM code and name of the gemeente meant by `query` (a GM code or a name);
    NotFound (exit 3) with the closest names."""
    from wijkctl.rules import _suggest

    names = _gemeenten(table)
    q = query.strip()
    code = _gm_code(q)
    if code in names:
        return code, names[code]
    found = [c for c, n in names.items() if fold(n) == fold(q)]
    if len(found) == 1:
        return found[0], names[found[0]]
    raise NotFound(f"Gemeente '{query}' staat niet in het CBS-bestand.{_suggest(q, list(names.values()))}")


def _named(r: cbs.Regio, table: cbs.Table, bestand: str) -> str:
    if not r.naam:
        raise UsageError(f"{bestand} regel {r.regel}, kolom {table.naamkolom}: {r.soort.lower()} {r.code} heeft "
                         "geen naam; het bestand is niet ingelezen.")
    return r.naam


def _wijken(table: cbs.Table, gm: str, bestand: str) -> list[model.Wijk]:
    """The gemeente's wijken with their buurten: a buurt belongs to the wijk whose code it extends."""
    digits = gm[2:]
    taken: set[str] = set()
    wijken: dict[str, model.Wijk] = {}
    for code, r in table.wijken.items():
        if code[2:6] != digits:
            continue
        naam = _named(r, table, bestand)
        ident = unique_id(slug(naam) or code.lower(), taken)
        taken.add(ident)
        wijken[code] = model.Wijk(code=ident, naam=naam, cbs_code=code, gebied="")
    buurtnamen: set[str] = set()
    for code, r in table.buurten.items():
        wijk = wijken.get("WK" + code[2:8])
        if code[2:6] != digits or wijk is None:
            continue
        naam = _named(r, table, bestand)
        if fold(naam) in buurtnamen:  # buurt names are unique over all wijken: name the wijk too
            naam = f"{naam} ({wijk.naam})"
        buurtnamen.add(fold(naam))
        wijk.buurten.append(model.Buurt(naam=naam, cbs_code=code))
    return list(wijken.values())


def _mapping(text: str, bestand: str) -> list[tuple[int, str, str]]:
    """The rows of a gebieden CSV (`wijk,gebied` or `wijk;gebied` header): line, wijk, gebied."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:2] != ["wijk", "gebied"]:
            raise UsageError(f"{bestand} regel 1: verwacht de kopregel 'wijk,gebied' (of 'wijk;gebied'); "
                             "er is niets geschreven.")
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise UsageError(f"{bestand} regel {reader.line_num}: verwacht een wijk en een gebied; "
                                 "er is niets geschreven.")
            rows.append((reader.line_num, row[0].strip(), " ".join(row[1].split())))
    except csv.Error as exc:
        raise UsageError(f"{bestand} is geen leesbaar CSV-bestand: {exc}; er is niets geschreven.") from None
    return rows


def _gebieden(wijken: list[model.Wijk], naam: str, mapping: str | None, bestand: str) -> list[model.Gebied]:
    """The gebieden, each wijk's `gebied` set: from the mapping, else one gebied named after the gemeente."""
    if mapping is None:
        gebied = model.Gebied(code=slug(naam) or "gemeente", naam=naam)
        for w in wijken:
            w.gebied = gebied.code
        return [gebied]
    by_key = {k: w for w in wijken for k in (w.cbs_code, fold(w.naam), w.code)}
    gebieden: dict[str, model.Gebied] = {}
    for line, wijk_key, gebied_naam in _mapping(mapping, bestand):
        w = by_key.get(wijk_key.upper()) or by_key.get(fold(wijk_key))
        if w is None:
            raise UsageError(f"{bestand} regel {line}, kolom wijk: '{wijk_key}' is geen wijk van {naam}; "
                             "er is niets geschreven.")
        g = gebieden.get(fold(gebied_naam))
        if g is None:
            code = unique_id(slug(gebied_naam) or "gebied", {x.code for x in gebieden.values()})
            g = gebieden[fold(gebied_naam)] = model.Gebied(code=code, naam=gebied_naam)
        w.gebied = g.code
    missing = [w.naam for w in wijken if not w.gebied]
    if missing:
        raise UsageError(f"{bestand} geeft geen gebied voor {', '.join(missing[:10])}"
                         f"{' en meer' if len(missing) > 10 else ''}; er is niets geschreven.")
    return list(gebieden.values())


def register(table: cbs.Table, jaar: int, gemeente: str, *, bestand: str, mapping: str | None = None,
             mapping_bestand: str = "") -> model.Dataset:
    """The data set of a new register: the gemeente's wijken and buurten with names, CBS
    codes, unique slugs and the figures of `jaar`; its gebieden; no regeling."""
    if table.naamkolom is None:
        raise UsageError(f"{bestand} heeft geen kolom WijkenEnBuurten met de namen van wijken en buurten; "
                         "download de tabel uit StatLine (of met het cbsodata-pakket) mét die kolom.")
    gm, naam = find_gemeente(table, gemeente)
    wijken = _wijken(table, gm, bestand)
    if not wijken:
        raise NotFound(f"{bestand} bevat geen wijken van {naam} ({gm}).")
    gebieden = _gebieden(wijken, naam, mapping, mapping_bestand)
    data = model.Dataset(wijken, gebieden, [], gemeente=[model.Gemeente(naam=naam, cbs_code=gm)])
    cbs.apply(data, table, jaar)
    return data
