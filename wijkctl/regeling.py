"""The regeling by command (`regeling add`, `regeling set`): pure functions on a
`Dataset`, like `kaart.py`. They change it in place and return a `Change`, or raise a
WijkctlError with the contract's exit code; `transaction.apply` validates the result.

A new year starts from the regeling in force before it (or the one named with
`--like`) and always as concept: a regeling is vastgesteld by the council, never by a
copy. A plafond is never set below what is already verleend in a year it governs
(Awb 4:25 lid 2: that would make decided grants exceed it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from wijkctl import invoer, model
from wijkctl.errors import NotFound, Refused, UsageError
from wijkctl.model import Change
from wijkctl.rules import _require
from wijkctl.text import aantal, datum, euro, fold, getal

GEEN = "geen"  # `--plafond geen`: no plafond
CONCEPT = "concept"
_VANAF = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){1,4}|[0-9]{1,15}(?:,[0-9]{1,6})?")


def plafond(value: str) -> int | str:
    """A plafond as typed: whole euros, or `geen` for none."""
    return GEEN if value.strip().lower() == GEEN else invoer.bedrag(value, "--plafond")


def staffel(value: str) -> tuple[int | float, int]:
    """A staffel as typed, `VANAF=BEDRAG`: `7500=1000`, `7.500=€ 1.000`, or a percentage with a
    decimal comma, `35,5=1500`."""
    vanaf, sep, bedrag = value.partition("=")
    vanaf = vanaf.strip(" ")
    if not sep or not _VANAF.fullmatch(vanaf):
        raise UsageError(f"Ongeldige staffel voor --staffel: '{value}'. Schrijf VANAF=BEDRAG, bijvoorbeeld "
                         "7500=1000 of 35,5=1500 (een decimaal met een komma).")
    if "," in vanaf:
        getal_ = float(vanaf.replace(",", "."))
        return (int(getal_) if getal_.is_integer() else getal_), invoer.bedrag(bedrag, "--staffel")
    return int(vanaf.replace(".", "")), invoer.bedrag(bedrag, "--staffel")


@dataclass(frozen=True)
class Wijziging:
    """What `regeling add`/`set` is asked to change; None leaves a value as it is."""

    naam: str | None = None
    bron: str | None = None
    status: str | None = None
    plafond: int | str | None = None  # GEEN: remove the plafond
    basisbedrag: int | None = None
    maximum: int | None = None
    toeslag: str | None = None
    maatstaf: str | None = None
    boven_gemiddelde: int | None = None
    staffels: tuple[tuple[int | float, int], ...] = field(default_factory=tuple)
    # the procedure (PROCEDURE): MM-DD or weeks, GEEN to remove (then its default, or unknown)
    aanvragen_vanaf: str | None = None
    aanvragen_voor: str | None = None
    beslistermijn_weken: int | str | None = None
    verantwoording_voor: str | None = None
    vaststelling_weken: int | str | None = None

    def __post_init__(self) -> None:
        if self.toeslag is None and (self.maatstaf or self.boven_gemiddelde is not None or self.staffels):
            raise UsageError("--maatstaf, --amount en --staffel horen bij een toeslag: geef ook --toeslag NAAM.")
        if self.boven_gemiddelde is not None and self.staffels:
            raise UsageError("Een toeslag heeft --amount (boven het gemiddelde) of --staffel, niet allebei.")
        if self.toeslag is not None and self.boven_gemiddelde is None and not self.staffels and not self.maatstaf:
            raise UsageError(f"Wat moet er met toeslag '{self.toeslag}' gebeuren? Geef --amount BEDRAG (boven het "
                             "gemiddelde) of --staffel VANAF=BEDRAG ..., en bij een nieuwe toeslag --maatstaf.")
        vanaf = [v for v, _b in self.staffels]
        if len(set(vanaf)) != len(vanaf):
            raise UsageError("Twee staffels met dezelfde VANAF-waarde; elke staffel begint bij een eigen waarde.")

    @property
    def leeg(self) -> bool:
        return all(getattr(self, k) in (None, ()) for k in self.__dataclass_fields__)


def _find(data: model.Dataset, jaar: int) -> model.Regeling | None:
    return next((r for r in data.regelingen if r.jaar == jaar), None)


def _years(data: model.Dataset) -> str:
    jaren = sorted(r.jaar for r in data.regelingen)
    return ", ".join(str(j) for j in jaren) if jaren else "geen"


def _copy(regeling: model.Regeling) -> model.Regeling:
    from wijkctl.schema import REGELING, from_plain, to_plain

    return from_plain(to_plain(regeling, REGELING), REGELING)  # type: ignore[no-any-return]


def add(data: model.Dataset, jaar: int, like: int | None, w: Wijziging) -> Change:
    """A regeling for `jaar`: a copy of the one of `like`, else of the one in force before
    `jaar`, with the changes of `w`; as concept. Without either, `w` gives every amount."""
    if _find(data, jaar) is not None:
        raise Refused(f"Er is al een regeling voor {jaar}; wijzig haar met 'wijkctl regeling set --year {jaar}'. "
                      "Er is niets veranderd.")
    bron = _source(data, jaar, like)
    if bron is None:
        ontbreekt = [opt for opt, value in (("--name", w.naam), ("--basisbedrag", w.basisbedrag),
                                            ("--maximum", w.maximum)) if value is None]
        if ontbreekt:
            raise UsageError(f"Er is geen regeling van vóór {jaar} om van uit te gaan, dus geef alles op: "
                             f"{', '.join(ontbreekt)} ontbreekt. Of neem een andere regeling over met --like JAAR.")
        nieuw = model.Regeling(jaar=jaar, naam=w.naam or "", basisbedrag=w.basisbedrag or 0,
                               maximum=w.maximum or 0)
    else:
        nieuw = _copy(bron)
        nieuw.jaar, nieuw.status, nieuw.bron = jaar, CONCEPT, None
        nieuw.opmerking = f"Overgenomen van de regeling van {bron.jaar}."
    gedaan = _change(nieuw, w)
    data.regelingen = sorted([*data.regelingen, nieuw], key=lambda r: r.jaar)
    _within_plafond(data, nieuw)
    van = f" (overgenomen van {bron.jaar})" if bron is not None else ""
    wat = f"; {', '.join(gedaan)}" if gedaan and bron is not None else ""
    return Change(f"Regeling {jaar} toegevoegd{van}, status {nieuw.status}{wat}.",
                  f"regeling add: {jaar}{van}, {nieuw.status}{wat}", nieuw)


def _source(data: model.Dataset, jaar: int, like: int | None) -> model.Regeling | None:
    """The regeling a new one for `jaar` starts from: `like`'s, else the last one before `jaar`."""
    if like is not None:
        found = _find(data, like)
        if found is None:
            raise NotFound(f"Er is geen regeling voor {like} om over te nemen (--like); regelingen: {_years(data)}.")
        return found
    eerder = [r for r in data.regelingen if r.jaar < jaar]
    return max(eerder, key=lambda r: r.jaar) if eerder else None


def set_(data: model.Dataset, jaar: int, w: Wijziging) -> Change:
    """The changes of `w` to the regeling of `jaar`; a change already in the data is exit 0."""
    if w.leeg:
        raise UsageError("Geef minstens één wijziging: --status, --plafond, --basisbedrag, --maximum, --name, "
                         "--source, een termijn (" + ", ".join(opt for _w, opt in PROCEDURE.values())
                         + ") of --toeslag NAAM met --amount of --staffel.")
    regeling = _find(data, jaar)
    if regeling is None:
        raise NotFound(_not_found(data, jaar))
    gedaan = _change(regeling, w)
    if not gedaan:
        return Change(f"Niets te wijzigen: de regeling van {jaar} is al zo.", "", regeling)
    _within_plafond(data, regeling)
    return Change(f"Regeling {jaar}: {', '.join(gedaan)}.", f"regeling set: {jaar}: {', '.join(gedaan)}", regeling)


def _not_found(data: model.Dataset, jaar: int) -> str:
    eerder = [r.jaar for r in data.regelingen if r.jaar < jaar]
    geldt = f" In {jaar} geldt die van {max(eerder)} (--year {max(eerder)})." if eerder else ""
    return (f"Er is geen regeling voor {jaar}; regelingen: {_years(data)}.{geldt} Een nieuwe maak je met "
            f"'wijkctl regeling add --year {jaar}'.")


def _bedrag(value: int | None) -> str:
    return "geen" if value is None else euro(value)


_KEEP = object()  # a value `regeling set` leaves as it is
# The regeling's procedure keys that `add`/`set` set: the words a message uses, and their option.
PROCEDURE = {
    "aanvragen_vanaf": ("aanvragen vanaf", "--aanvragen-vanaf"),
    "aanvragen_voor": ("aanvragen vóór", "--aanvragen-voor"),
    "beslistermijn_weken": ("beslistermijn", "--beslistermijn-weken"),
    "verantwoording_voor": ("verantwoording vóór", "--verantwoording-voor"),
    "vaststelling_weken": ("vaststelling binnen", "--vaststelling-weken"),
}


def _values(w: Wijziging) -> tuple[tuple[str, object], ...]:
    """The regeling's own keys `w` sets (`_KEEP` where it leaves them)."""
    def given(value: object) -> object:
        return _KEEP if value is None else value.strip() if isinstance(value, str) else value

    def removable(value: object) -> object:
        return _KEEP if value is None else None if value == GEEN else value

    return (("naam", given(w.naam)), ("bron", given(w.bron)), ("status", given(w.status)),
            ("basisbedrag", given(w.basisbedrag)), ("maximum", given(w.maximum)), ("plafond", removable(w.plafond)),
            *((key, removable(getattr(w, key))) for key in PROCEDURE))


def _shown(key: str, value: object) -> str:
    if key in ("basisbedrag", "maximum", "plafond"):
        return _bedrag(value)  # type: ignore[arg-type]
    if key in PROCEDURE:
        if value is None:
            return "niet vastgelegd"
        if isinstance(value, int):
            return aantal(value, "week", "weken")
        return " ".join(datum(model.dag_van(2023, str(value))).split()[:2])  # `1 april`
    return "geen" if value is None else str(value)


def _label(key: str) -> str:
    return PROCEDURE[key][0] if key in PROCEDURE else key


def _change(r: model.Regeling, w: Wijziging) -> list[str]:
    """Apply `w` to `r`; what changed, in words (empty: nothing)."""
    gedaan = []
    for key, value in _values(w):
        if value is _KEEP:
            continue
        if key in ("naam", "bron"):
            if not value:
                raise UsageError(f"De {key} (--{'name' if key == 'naam' else 'source'}) mag niet leeg zijn.")
            _require(model.Regeling, key, value)
        oud = getattr(r, key)
        if oud != value:
            setattr(r, key, value)
            sep = ": " if key in PROCEDURE and value is None else " "  # `vaststelling binnen: niet vastgelegd`
            gedaan.append(f"{_label(key)}{sep}{_shown(key, value)} (was {_shown(key, oud)})")
    if r.maximum < r.basisbedrag:
        raise Refused(f"Het maximum ({euro(r.maximum)}) zou lager worden dan het basisbedrag ({euro(r.basisbedrag)}); "
                      "er is niets veranderd.")
    if w.toeslag is not None:
        gedaan += _change_toeslag(r, w)
    return gedaan


def _change_toeslag(r: model.Regeling, w: Wijziging) -> list[str]:
    naam = (w.toeslag or "").strip()
    _require(model.Toeslag, "naam", naam)
    t = next((t for t in r.toeslagen if fold(t.naam) == fold(naam)), None)
    if t is None:
        if w.maatstaf is None:
            raise UsageError(f"De regeling van {r.jaar} heeft geen toeslag '{naam}' (wel: "
                             f"{', '.join(x.naam for x in r.toeslagen) or 'geen'}). Een nieuwe toeslag vraagt "
                             f"--maatstaf ({', '.join(model.MAATSTAVEN)}).")
        if w.boven_gemiddelde is None and not w.staffels:
            raise UsageError(f"Een nieuwe toeslag '{naam}' vraagt --amount BEDRAG of --staffel VANAF=BEDRAG.")
        t = model.Toeslag(naam=naam, maatstaf=w.maatstaf)
        r.toeslagen.append(t)
        was = None
    else:
        was = _describe(t)
        if w.maatstaf is not None:
            t.maatstaf = w.maatstaf
    if w.boven_gemiddelde is not None:
        t.boven_gemiddelde, t.staffels = w.boven_gemiddelde, None
    elif w.staffels:
        t.boven_gemiddelde = None
        t.staffels = [model.Staffel(vanaf=v, bedrag=b) for v, b in sorted(w.staffels)]
    nu = _describe(t)
    if nu == was:
        return []
    return [f"toeslag {t.naam} {nu}" + (f" (was {was})" if was else " (nieuw)")]


def _describe(t: model.Toeslag) -> str:
    maatstaf = model.MAATSTAF[t.maatstaf].label
    if t.staffels is not None:
        treden = "; ".join(f"vanaf {getal(Decimal(str(s.vanaf)), 0 if float(s.vanaf).is_integer() else 1)} "
                           f"{euro(s.bedrag)}" for s in t.staffels)
        return f"naar {maatstaf}: {treden}"
    return f"{_bedrag(t.boven_gemiddelde)} boven het gemiddelde van {maatstaf}"


def _within_plafond(data: model.Dataset, r: model.Regeling) -> None:
    """Refused (exit 4) when the plafond of `r` is below what is already verleend in a year it governs."""
    if r.plafond is None:
        return
    later = [x.jaar for x in data.regelingen if x.jaar > r.jaar]
    tot = min(later) if later else None
    per_jaar: dict[int, list] = {}
    for s in data.of("subsidies"):
        if s.jaar >= r.jaar and (tot is None or s.jaar < tot) and s.verleend:
            per_jaar.setdefault(s.jaar, []).append(s)
    for jaar, records in sorted(per_jaar.items()):
        totaal = sum(s.verleend for s in records)
        if totaal > r.plafond:
            ids = ", ".join(s.id for s in records[:5]) + (", ..." if len(records) > 5 else "")
            raise Refused(f"Een plafond van {euro(r.plafond)} is lager dan wat in {jaar} al is verleend: "
                          f"{euro(totaal)} ({ids}). Een plafond gaat niet onder verleende subsidies "
                          "(Awb 4:25 lid 2); er is niets veranderd.")
