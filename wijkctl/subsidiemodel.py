"""The records of subsidies.yaml (CONTRACT §7): what happened, per platform and year.

Declared with `model.decl` like the other records (the field order is the canonical
order). They live apart from `model.py` because every look-up imports that module, and
building these eight classes cost about 32 million instructions as dataclasses (callgrind:
a sixth of the `import yaml` floor); only what reads or writes subsidies.yaml imports this
one, and as `records.record`s their methods come compiled from `_recordcode.py`.
"""

from __future__ import annotations

import datetime as dt

from wijkctl.model import Cijfers, _place, _places, decl
from wijkctl.records import record

VERLEEND = "verleend"
GEWEIGERD = "geweigerd"
BESLUITEN = (VERLEEND, GEWEIGERD)
VOORSCHOT = "voorschot"
NABETALING = "nabetaling"
TERUGBETALING = "terugbetaling"
BETALINGSSOORTEN = (VOORSCHOT, NABETALING, TERUGBETALING)
BIJLAGEN = ("plan", "kern", "kvk", "statuten", "reglement")
STAPPEN = ("aanvraag", "besluit", "betaling", "verantwoording", "vaststelling")


@record
class Aanvraag:
    ontvangen: dt.date = decl("date", "ontvangen op", required=True)
    kenmerk: str | None = decl("str", "kenmerk van de aanvraag")
    gevraagd: int | None = decl("int", "gevraagd bedrag")
    bijlagen: list[str] = decl("strlist", "bijlage", keuze=BIJLAGEN)
    ingetrokken: dt.date | None = decl("date", "ingetrokken op")
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Berekening:
    datum: dt.date = decl("date", "berekend op", required=True)
    regeling: int = decl("int", "regeling (jaar)", required=True, fmt="jaar")
    maanden: int = decl("int", "maanden", required=True)
    bedrag: int = decl("int", "berekend bedrag", required=True)
    onvolledig: bool | None = decl("bool", "onvolledig (een cijfer ontbrak)")
    toelichting: str | None = decl("str", "toelichting (waarom € 0)")
    cijfers: Cijfers | None = decl("record", "gebruikte cijfers", of=Cijfers)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Besluit:
    soort: str = decl("str", "besluit", required=True, keuze=BESLUITEN)
    datum: dt.date = decl("date", "besloten op", required=True)
    bedrag: int = decl("int", "verleend bedrag", required=True)
    kenmerk: str | None = decl("str", "kenmerk van het besluit")
    reden: str | None = decl("str", "reden", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Betaling:
    FLOW = True  # written as a one-line {datum: ..., bedrag: ..., soort: ...}
    # a payment is known by its date, amount and kind together (CONTRACT §7): the merge
    # driver and `diff` match payments by it, and keep them oldest first
    IDENTITY = ("datum", "bedrag", "soort")
    ORDER = "datum"
    datum: dt.date = decl("date", "betaald op", required=True)
    bedrag: int = decl("int", "bedrag", required=True)
    soort: str = decl("str", "soort betaling", required=True, keuze=BETALINGSSOORTEN)
    kenmerk: str | None = decl("str", "kenmerk van de betaling")
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Verantwoording:
    ontvangen: dt.date = decl("date", "verantwoording ontvangen op", required=True)
    uitgaven: int = decl("int", "verantwoorde uitgaven", required=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Vaststelling:
    datum: dt.date = decl("date", "vastgesteld op", required=True)
    bedrag: int = decl("int", "vastgesteld bedrag", required=True)
    kenmerk: str | None = decl("str", "kenmerk van de vaststelling")
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Correctie:
    datum: dt.date = decl("date", "gecorrigeerd op", required=True)
    stap: str = decl("str", "gecorrigeerde stap", required=True, keuze=STAPPEN)
    reden: str = decl("str", "reden van de correctie", required=True, multiline=True)
    was: str | None = decl("str", "wat er stond", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Subsidie:
    IDENTITY = "id"  # also declared in schema.FILES, which must not import this module
    id: str = decl("str", "id", required=True, fmt="slug")
    jaar: int = decl("int", "subsidiejaar", required=True, fmt="jaar")
    wijk: str = decl("str", "wijk", required=True, fmt="slug")
    organisatie: str = decl("str", "organisatie (id)", required=True, fmt="slug")
    aanvraag: Aanvraag | None = decl("record", "aanvraag", of=Aanvraag)
    berekening: Berekening | None = decl("record", "berekening", of=Berekening)
    besluit: Besluit | None = decl("record", "besluit", of=Besluit)
    betalingen: list[Betaling] = decl("records", "betalingen", of=Betaling)
    verantwoording: Verantwoording | None = decl("record", "verantwoording", of=Verantwoording)
    vaststelling: Vaststelling | None = decl("record", "vaststelling", of=Vaststelling)
    correcties: list[Correctie] = decl("records", "correcties", of=Correctie)
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()

    @property
    def verleend(self) -> int | None:
        """The verleend amount, or None when not (or not yet) granted."""
        return self.besluit.bedrag if self.besluit is not None and self.besluit.soort == VERLEEND else None


def subsidie_id(jaar: int, organisatie: str) -> str:
    """The id of the record of `organisatie` for `jaar`: `<jaar>-<organisatie id>`."""
    return f"{jaar}-{organisatie}"
