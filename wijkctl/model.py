"""The domain records. Plain dataclasses: no I/O, no YAML, no terminal.

Every record remembers where it came from (`regel`, the 1-based line of the record,
and `regels`, the line of each key) so validation can point at `file:line`. Those
fields take no part in equality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

WIJKRAAD = "wijkraad"
WIJKPLATFORM = "wijkplatform"
SOORTEN = (WIJKRAAD, WIJKPLATFORM)
RECHTSVORMEN = ("stichting", "vereniging", "cooperatie", "vereniging-beperkt", "informeel")
KVK_VERPLICHT = ("stichting", "vereniging", "cooperatie")
MAATSTAVEN = (
    "inwoners",
    "woningen",
    "sociale_huurwoningen",
    "uitkeringen",
    "aandeel_sociale_huur",
    "uitkeringen_per_1000",
)
REGELING_STATUS = ("concept", "vastgesteld")
MIN_KERN = 3


def _lines() -> dict[str, int]:
    return {}


@dataclass
class Change:
    """What a change to the data did: a Dutch summary, a git commit message, and
    whatever the change wants to hand back to its command (`resultaat`)."""

    samenvatting: str
    commit_bericht: str
    resultaat: Any = None


@dataclass
class KernLid:
    naam: str
    email: str | None = None
    telefoon: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)


@dataclass
class Organisatie:
    soort: str
    naam: str
    van: dt.date
    tot: dt.date | None = None
    reden_einde: str | None = None
    opvolger_van: str | None = None
    rechtsvorm: str | None = None
    kvk: str | None = None
    email: str | None = None
    website: str | None = None
    kern: list[KernLid] = field(default_factory=list)
    opmerking: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)

    def actief_op(self, dag: dt.date) -> bool:
        """True when the organisation is active on `dag` (`van` inclusive, `tot` exclusive)."""
        return self.van <= dag and (self.tot is None or dag < self.tot)

    def overlapt(self, van: dt.date, tot: dt.date | None) -> bool:
        """True when [van, tot) shares at least one day with this organisation."""
        eigen_tot = self.tot or dt.date.max
        ander_tot = tot or dt.date.max
        return self.van < ander_tot and van < eigen_tot


@dataclass
class Cijfers:
    peiljaar: int | None = None
    bron: str | None = None
    inwoners: int | None = None
    woningen: int | None = None
    sociale_huurwoningen: int | None = None
    uitkeringen: int | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)

    def waarde(self, maatstaf: str) -> Decimal | None:
        """The value of a maatstaf (CONTRACT §1), or None when it is unknown."""
        from decimal import Decimal

        if maatstaf in ("inwoners", "woningen", "sociale_huurwoningen", "uitkeringen"):
            value = getattr(self, maatstaf)
            return None if value is None else Decimal(value)
        teller, noemer = self.breuk(maatstaf)
        if teller is None or noemer is None or noemer == 0:
            return None
        schaal = 100 if maatstaf == "aandeel_sociale_huur" else 1000
        return Decimal(teller) * schaal / Decimal(noemer)

    def breuk(self, maatstaf: str) -> tuple[int | None, int | None]:
        """Numerator and denominator of a ratio maatstaf."""
        if maatstaf == "aandeel_sociale_huur":
            return self.sociale_huurwoningen, self.woningen
        if maatstaf == "uitkeringen_per_1000":
            return self.uitkeringen, self.inwoners
        raise ValueError(maatstaf)


@dataclass
class Wijk:
    code: str
    naam: str
    gebied: str
    cbs_code: str | None = None
    cbs_buurten: list[str] = field(default_factory=list)
    buurten: list[str] = field(default_factory=list)
    opmerking: str | None = None
    cijfers: Cijfers | None = None
    organisaties: list[Organisatie] = field(default_factory=list)
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)

    def organisatie_op(self, dag: dt.date) -> Organisatie | None:
        """The organisation active on `dag`, if any (the data never has two)."""
        for org in self.organisaties:
            if org.actief_op(dag):
                return org
        return None


@dataclass
class Verbinder:
    naam: str
    email: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)


@dataclass
class Gebied:
    code: str
    naam: str
    verbinder: Verbinder | None = None
    opmerking: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)


@dataclass
class Staffel:
    vanaf: int | float
    bedrag: int
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)


@dataclass
class Toeslag:
    naam: str
    maatstaf: str
    staffels: list[Staffel] | None = None
    boven_gemiddelde: int | None = None
    opmerking: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)


@dataclass
class Regeling:
    jaar: int
    naam: str
    basisbedrag: int
    maximum: int
    bron: str | None = None
    status: str = "concept"
    aanvragen_voor: str | None = None
    plafond: int | None = None
    toeslagen: list[Toeslag] = field(default_factory=list)
    opmerking: str | None = None
    regel: int = field(default=0, compare=False, repr=False)
    regels: dict[str, int] = field(default_factory=_lines, compare=False, repr=False)

    def deadline(self, jaar: int) -> dt.date | None:
        """The first day of `jaar` on which a starting platform gets nothing."""
        if not self.aanvragen_voor:
            return None
        maand, dag = (int(x) for x in self.aanvragen_voor.split("-"))
        return dt.date(jaar, maand, dag)


@dataclass
class Dataset:
    """The three data files, as records."""

    wijken: list[Wijk] = field(default_factory=list)
    gebieden: list[Gebied] = field(default_factory=list)
    regelingen: list[Regeling] = field(default_factory=list)

    def gebied(self, code: str) -> Gebied | None:
        for g in self.gebieden:
            if g.code == code:
                return g
        return None
