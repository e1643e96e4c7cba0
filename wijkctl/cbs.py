"""Reading CBS "Kerncijfers wijken en buurten" CSV files and applying them (CONTRACT §6).

Pure: text in, figures out. Columns are found by their stem, because CBS renumbers the
`_N` suffix every year (`Woningvoorraad_34` in 2022, `_35` in 2023 and 2024).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from wijkctl import model
from wijkctl.errors import UsageError

# the columns of the region itself; the figures' columns come from their declarations
# (`model.CbsKolom` on each figure of `model.Cijfers`), keyed by the figure's name
_REGION_STEMS = {
    "Codering": "code",
    "SoortRegio": "soort",
    "WijkenEnBuurten": "naam",  # the region's name, in StatLine's export and the cbsodata package
    "Gemeentenaam": "gemeentenaam",
}
_REGION_KEYS = frozenset(_REGION_STEMS.values())
# the declared figures that CBS publishes, in order, each with its column
_KOLOMMEN: dict[str, model.CbsKolom] = {
    name: f.metadata["cbs"] for name, f in model.figures().items() if f.metadata.get("cbs")}
STEMS = {**_REGION_STEMS, **{kolom.stem: name for name, kolom in _KOLOMMEN.items()}}
# CBS's own marks: `.` missing, `x` secret, `-` nil (read as unknown: the contract lists it
# as missing), `?` uncertain; and an empty cell.
MISSING = {"", ".", "x", "-", "?"}
FIGURES = tuple(_KOLOMMEN)
# the columns each figure is made from: its own, and for a percentage the figure it is of
SOURCES = {name: (kolom.procent_van, name) if kolom.procent_van else (name,) for name, kolom in _KOLOMMEN.items()}
_SUFFIX = re.compile(r"_[0-9]+$")
# A CBS number: ASCII digits, a decimal comma or point; no sign, exponent, NaN or infinity.
_NUMBER = re.compile(r"[0-9]{1,15}(?:[.,][0-9]{1,6})?")
_GROUPED = re.compile(r"[0-9]{1,3}[.,][0-9]{3}")


@dataclass
class Regio:
    """One Wijk or Buurt row: its figures, None where CBS has no value."""

    code: str
    soort: str
    naam: str | None = None  # from the WijkenEnBuurten column, when the file has it
    gemeentenaam: str | None = None
    regel: int = field(default=0, compare=False)  # the line it was read from
    cijfers: dict[str, int | None] = field(default_factory=dict)  # figure -> value (None: unknown or no column)

    def cijfer(self, name: str) -> int | None:
        return self.cijfers.get(name)


@dataclass
class Table:
    wijken: dict[str, Regio] = field(default_factory=dict)
    buurten: dict[str, Regio] = field(default_factory=dict)
    figures: tuple[str, ...] = FIGURES  # the figures whose columns the file has
    gemeenten: dict[str, Regio] = field(default_factory=dict)  # the Gemeente rows, by GM code
    naamkolom: str | None = None  # the header of the names column (WijkenEnBuurten), when present
    # GM code -> the Gemeentenaam of Wijk and Buurt rows that `parse` was asked to leave unread
    elders: dict[str, str | None] = field(default_factory=dict)


def _number(raw: str, where: str, *, count: bool = False) -> Decimal | None:
    """A CBS cell: None for CBS's marks, else a number >= 0; UsageError for anything else.

    In a column of counts (`count`), a separator before exactly three digits (`8.000`) is
    refused: it reads as 8 with a decimal point and as 8000 with Dutch digit grouping,
    and CBS writes counts without grouping."""
    value = raw.strip().strip('"').strip()
    if value in MISSING:
        return None
    if not _NUMBER.fullmatch(value):
        raise UsageError(f"{where}: '{value}' is geen getal van 0 of meer; het bestand is niet ingelezen.")
    if count and _GROUPED.fullmatch(value):
        raise UsageError(f"{where}: '{value}' is dubbelzinnig (een kommagetal of een getal met een "
                         "scheidingsteken voor duizendtallen?); CBS schrijft aantallen zonder scheidingsteken. "
                         "Het bestand is niet ingelezen.")
    return Decimal(value.replace(",", "."))


def _whole(value: Decimal | None, where: str) -> int | None:
    if value is None:
        return None
    if value != value.to_integral_value():
        raise UsageError(f"{where}: '{value}' is geen geheel aantal; het bestand is niet ingelezen.")
    return int(value)


def parse(lines: Iterable[str], naam: str = "het bestand",
          keep: Callable[[str, str | None], bool] | None = None) -> Table:
    """Parse a Kerncijfers CSV (`;`-separated, optional BOM, quoted, space-padded).

    Raises UsageError (exit 2) when the text is not such a table, or when a figure is
    neither one of CBS's marks nor a whole number >= 0 (a percentage: 0 to 100): such a
    file is refused whole rather than half read. With `keep` (code, Gemeentenaam cell -> bool),
    only the Wijk and Buurt rows it keeps are read (`init --from-cbs` of one gemeente from
    the national table); of the others only their gemeente is noted (`Table.elders`).
    """
    reader = csv.reader(lines, delimiter=";", quotechar='"')
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(f"{naam} is leeg; verwacht een CBS-tabel Kerncijfers wijken en buurten.") from None
    except csv.Error as exc:
        raise UsageError(f"{naam} is geen leesbaar CSV-bestand: {exc}.") from None
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, raw in enumerate(header):
        stripped = raw.strip().lstrip("\ufeff").strip('"').strip()
        stem = _SUFFIX.sub("", stripped)
        if stem in STEMS and STEMS[stem] not in columns:
            columns[STEMS[stem]] = i
            names[STEMS[stem]] = stripped
    if "code" not in columns or "soort" not in columns:
        raise UsageError(
            f"{naam} is geen CBS-tabel Kerncijfers wijken en buurten: de kolommen Codering en "
            "SoortRegio ontbreken. Download de tabel als CSV met de OData-sleutels als kolomnamen."
        )
    table = Table(figures=tuple(f for f in FIGURES if all(c in columns for c in SOURCES[f])),
                  naamkolom=names.get("naam"))
    seen: dict[tuple[str, str], int] = {}  # (soort, code) -> the line it was first read on
    shortest = max(columns["code"], columns["soort"]) + 1  # a row with fewer cells has no code or soort
    try:
        for row in reader:
            if len(row) < shortest:
                continue
            soort = row[columns["soort"]].strip().strip('"').strip()
            if soort == "Gemeente":
                code = row[columns["code"]].strip().strip('"').strip()
                table.gemeenten[code] = Regio(code, soort, _text(row, columns, "naam"), None, reader.line_num)
                continue
            if soort not in ("Wijk", "Buurt"):
                continue  # Land
            if keep is not None and not _kept(row, columns, keep, table):
                continue
            regio = _regio(row, columns, names, soort, f"{naam} regel {reader.line_num}")
            regio.regel = reader.line_num
            _add(table, regio, seen, reader.line_num, naam)
    except csv.Error as exc:
        raise UsageError(f"{naam} is geen leesbaar CSV-bestand: {exc} (regel {reader.line_num}).") from None
    if not table.wijken and not table.buurten and not table.elders:
        raise UsageError(f"{naam} bevat geen rijen met SoortRegio 'Wijk' of 'Buurt'; "
                         "is dit wel een tabel Kerncijfers wijken en buurten?")
    return table


def _kept(row: list[str], columns: dict[str, int], keep: Callable[[str, str | None], bool], table: Table) -> bool:
    """Whether `keep` keeps this Wijk or Buurt row (given its code and its Gemeentenaam cell as
    it is, padded); its gemeente noted in `table.elders` when not."""
    i = columns.get("gemeentenaam")
    code = row[columns["code"]].strip().strip('"').strip()
    if keep(code, row[i] if i is not None and i < len(row) else None):
        return True
    gm = "GM" + code[2:6]
    if table.elders.get(gm) is None:
        table.elders[gm] = _text(row, columns, "gemeentenaam")
    return False


def _regio(row: list[str], columns: dict[str, int], names: dict[str, str], soort: str, regel: str) -> Regio:
    """One Wijk or Buurt row as figures; UsageError for a value that is no figure."""
    where = {key: f"{regel}, kolom {names[key]}" for key in names}
    pcts = {name for name, kolom in _KOLOMMEN.items() if kolom.procent_van}
    values = {
        key: _number(row[i], where[key], count=key not in pcts) if i < len(row) else None
        for key, i in columns.items() if key not in _REGION_KEYS
    }
    for name in pcts:
        pct = values.get(name)
        if pct is not None and pct > 100:
            raise UsageError(f"{where[name]}: {pct} is meer dan 100 procent; het bestand is niet ingelezen.")
    cijfers: dict[str, int | None] = {}
    for name in FIGURES:
        if name in pcts:  # a percentage of another figure's column, as read
            pct, van = values.get(name), values.get(_KOLOMMEN[name].procent_van)  # type: ignore[arg-type]
            cijfers[name] = _round(van * pct / 100) if van is not None and pct is not None else None
        else:
            cijfers[name] = _whole(values.get(name), where.get(name, ""))
    return Regio(
        code=row[columns["code"]].strip().strip('"').strip(),
        soort=soort,
        naam=_text(row, columns, "naam"),
        gemeentenaam=_text(row, columns, "gemeentenaam"),
        cijfers=cijfers,
    )


def _text(row: list[str], columns: dict[str, int], key: str) -> str | None:
    """A text cell (a name), without CBS's padding and quotes; None when absent or empty."""
    i = columns.get(key)
    if i is None or i >= len(row):
        return None
    value = " ".join(row[i].strip().strip('"').split())
    return value or None


def _add(table: Table, regio: Regio, seen: dict[tuple[str, str], int], line: int, naam: str) -> None:
    """Add a row; the same region twice is read once when its figures agree, and refuses
    the file when they differ (which of the two would be true is not for wijkctl to guess)."""
    rows = table.wijken if regio.soort == "Wijk" else table.buurten
    first = seen.setdefault((regio.soort, regio.code), line)
    if first != line and rows[regio.code] != regio:
        raise UsageError(f"{naam} regel {line}: {regio.soort.lower()} {regio.code} staat er al op regel {first}, "
                         "met andere cijfers; het bestand is niet ingelezen.")
    rows[regio.code] = regio


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Wijziging:
    plaats: str  # the wijk, or "wijk / buurt"
    cijfer: str
    oud: int | str | None
    nieuw: int | str | None


@dataclass
class Resultaat:
    wijzigingen: list[Wijziging]
    bijgewerkt: list[model.Wijk]
    niet_gevonden: list[tuple[str, str]]  # name and codes of the wijken whose codes are not in the file
    onbekende_codes: list[str]  # Wijk rows of the same gemeenten that no wijk claims
    onbekende_buurten: dict[str, list[str]]  # wijk code -> its cbs_buurten missing in the file
    ontbrekend: list[str] = field(default_factory=list)  # figures whose columns the file lacks


def _updated(oud: model.Cijfers | None, figures: dict[str, int | None], table: Table, jaar: int, bron: str,
             plaats: str, result: Resultaat) -> model.Cijfers:
    """The new figures of a wijk or buurt; a figure whose column the file lacks (or that CBS
    does not publish) stays as it was."""
    vorig = oud or model.Cijfers()
    kept = {f: figures[f] if f in table.figures else getattr(vorig, f) for f in model.FIGURES}
    nieuw = model.Cijfers(peiljaar=jaar, bron=bron, **kept)
    for f in ("peiljaar", "bron", *model.FIGURES):
        if getattr(vorig, f) != getattr(nieuw, f):
            result.wijzigingen.append(Wijziging(plaats, f, getattr(vorig, f), getattr(nieuw, f)))
    if oud is not None:
        nieuw.regel, nieuw.regels = oud.regel, oud.regels
    return nieuw


def _figures_for(wijk: model.Wijk, table: Table) -> tuple[dict[str, int | None] | None, list[str]]:
    if wijk.cbs_code is not None:
        regio = table.wijken.get(wijk.cbs_code)
        return (None, []) if regio is None else (dict(regio.cijfers), [])
    if not wijk.cbs_buurten:
        return None, []
    missing = [code for code in wijk.cbs_buurten if code not in table.buurten]
    if len(missing) == len(wijk.cbs_buurten):
        return None, missing
    figures: dict[str, int | None] = {}
    for f in FIGURES:
        values = [table.buurten[c].cijfer(f) for c in wijk.cbs_buurten if c in table.buurten]
        # a sum is only known when every buurt is in the file and knows its figure
        figures[f] = None if missing or any(v is None for v in values) else sum(values)  # type: ignore[misc]
    return figures, missing


def apply(data: model.Dataset, table: Table, jaar: int) -> Resultaat:
    """Set the figures of every wijk and buurt found in `table`; returns what changed and
    what not. A buurt's name is never changed by an import.

    Only the wijken the table names (by their CBS code, a CBS buurt code or a buurt's
    code) are built; the others are reported from the index of the wijken."""
    from wijkctl.index import CBS, CBS_BUURTEN, CODE, NAAM

    index = data.index
    bron = f"CBS Kerncijfers wijken en buurten {jaar}"
    result = Resultaat([], [], [], [], {}, [f for f in FIGURES if f not in table.figures])
    named = {index.find("cbs", code) for code in table.wijken} | {
        index.find(kind, code) for code in table.buurten for kind in ("cbs_buurt", "buurtcode")}
    named.discard(None)  # codes no wijk holds
    codes, namen, cbs_codes, cbs_buurten = (index.column(p) for p in (CODE, NAAM, CBS, CBS_BUURTEN))
    for pos in range(len(index)):
        if pos not in named:  # none of its codes is in the table
            if cbs_codes[pos] is not None or cbs_buurten[pos]:
                if cbs_codes[pos] is None:
                    result.onbekende_buurten[codes[pos]] = list(cbs_buurten[pos])
                result.niet_gevonden.append((namen[pos], cbs_codes[pos] or ", ".join(cbs_buurten[pos])))
            continue
        wijk = data.wijk_at(pos)
        figures, missing = _figures_for(wijk, table)
        if missing:
            result.onbekende_buurten[wijk.code] = missing
        for buurt in wijk.buurten:
            regio = table.buurten.get(buurt.cbs_code) if buurt.cbs_code else None
            if regio is not None:
                buurt.cijfers = _updated(buurt.cijfers, dict(regio.cijfers), table, jaar, bron,
                                         f"{wijk.naam} / {buurt.naam}", result)
        if figures is None:
            if wijk.cbs_code is not None or wijk.cbs_buurten:
                result.niet_gevonden.append((wijk.naam, wijk.cbs_code or ", ".join(wijk.cbs_buurten)))
            continue
        wijk.cijfers = _updated(wijk.cijfers, figures, table, jaar, bron, wijk.naam, result)
        result.bijgewerkt.append(wijk)
    buurtcodes = index.keys("cbs_buurt")
    gemeenten = {c[2:6] for c in index.keys("cbs")} | {c[2:6] for c in buurtcodes}
    bekend = index.keys("cbs")
    # what follows "BU" in a buurt code, cut at every length: a Wijk row "WK" + x is
    # claimed by a wijk of buurten when one of its buurt codes starts with "BU" + x
    claimed = {c[2:2 + n] for c in buurtcodes for n in range(len(c) - 1)}
    result.onbekende_codes = sorted(
        code for code in table.wijken if code[2:6] in gemeenten and code not in bekend and code[2:] not in claimed
    )
    return result


def missing_buurten(data: model.Dataset, table: Table) -> dict[str, list[Regio]]:
    """The CBS buurten of known wijken that the data lacks: wijk code -> the Buurt rows whose
    code extends the wijk's CBS code (BU03920101 belongs to WK039201) and no buurt holds."""
    index = data.index
    out: dict[str, list[Regio]] = {}
    for code, regio in table.buurten.items():
        pos = index.find("cbs", "WK" + code[2:8])
        if pos is None or index.find("buurtcode", code) is not None or index.find("cbs_buurt", code) is not None:
            continue
        out.setdefault(index.column(0)[pos], []).append(regio)
    return out


def add_buurten(data: model.Dataset, missing: dict[str, list[Regio]], bestand: str) -> list[str]:
    """Add the missing buurten with their names and codes (`import-cbs --add-buurten`); a
    name already used elsewhere gets its wijk's name in brackets. UsageError (exit 2) for a
    row without a name."""
    from wijkctl.text import fold

    taken = {fold(k) for k in data.index.keys("buurt")}
    added = []
    for code, regios in missing.items():
        wijk = data.wijk_at(data.index.find("code", code))  # type: ignore[arg-type]
        for r in regios:
            if not r.naam:
                raise UsageError(f"{bestand} regel {r.regel}: buurt {r.code} heeft geen naam (kolom WijkenEnBuurten); "
                                 "er is niets veranderd.")
            naam = r.naam if fold(r.naam) not in taken else f"{r.naam} ({wijk.naam})"
            taken.add(fold(naam))
            wijk.buurten.append(model.Buurt(naam=naam, cbs_code=r.code))
            added.append(f"{wijk.naam} / {naam}")
    return added
