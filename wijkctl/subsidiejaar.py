"""The subsidy year of CONTRACT §7, pure: what a record's state is, and each step on it.

A record (`sm.Subsidie`) goes aanvraag → besluit → betalingen → verantwoording →
vaststelling. Each step is a function that takes a record (and what it needs) and returns
a `Stap`: the changed record, or the same one when the step is already recorded (exit 0).
A step that does not fit raises `errors.Refused` (exit 4) naming the record, its state and
the step that fits. The input record is never changed: a refused step changes nothing.
The rules a record must keep (`regels_van`) are shared with `check` (subsidiecheck.py),
so no accepted step can leave a record that `check` refuses.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from wijkctl import model, subsidy
from wijkctl import subsidiemodel as sm
from wijkctl.errors import Refused, UsageError
from wijkctl.subsidiemodel import GEWEIGERD, NABETALING, TERUGBETALING, VERLEEND, VOORSCHOT
from wijkctl.text import datum, euro

AANGEVRAAGD = "aangevraagd"
VERANTWOORD = "verantwoord"
VASTGESTELD = "vastgesteld"
AFGEROND = "afgerond"
INGETROKKEN = "ingetrokken"
STATUSSEN = (AANGEVRAAGD, VERLEEND, GEWEIGERD, VERANTWOORD, VASTGESTELD, AFGEROND, INGETROKKEN)
TERMIJN_VERSTREKEN = "aanvraagtermijn verstreken"
# The command that fits each next step, named in refusals.
OPDRACHT = {"aanvraag": "apply", "besluit": "award of refuse", "betaling": "pay",
            "terugbetaling": "pay --kind terugbetaling", "verantwoording": "account", "vaststelling": "settle"}


class Stap(NamedTuple):
    """What a step did: the record after it, whether that differs from before, and
    Dutch warnings for the user (the step was taken all the same)."""

    record: sm.Subsidie
    veranderd: bool
    waarschuwingen: tuple[str, ...] = ()


class Volgende(NamedTuple):
    """The next step of a record and its date; `reden` says why the date is None when
    the regeling leaves the term unknown (None when there is nothing left to do)."""

    stap: str | None
    datum: dt.date | None
    reden: str | None = None


# -- derived ---------------------------------------------------------------------------------


def status(s: sm.Subsidie) -> str:
    """aangevraagd, verleend, geweigerd, verantwoord, vastgesteld or afgerond (CONTRACT §7);
    ingetrokken for an application withdrawn before a decision."""
    if s.besluit is None:
        return INGETROKKEN if s.aanvraag is not None and s.aanvraag.ingetrokken else AANGEVRAAGD
    if s.besluit.soort == GEWEIGERD:
        return GEWEIGERD
    if s.vaststelling is not None:
        return AFGEROND if saldo(s) == 0 else VASTGESTELD
    return VERANTWOORD if s.verantwoording is not None else VERLEEND


def betaald(s: sm.Subsidie) -> int:
    """voorschot + nabetaling − terugbetaling."""
    return sum(-b.bedrag if b.soort == TERUGBETALING else b.bedrag for b in s.betalingen)


def saldo(s: sm.Subsidie, paid: int | None = None) -> int | None:
    """vastgesteld − betaald after the vaststelling, else verleend − betaald (0 when
    geweigerd); positive = nog te betalen, negative = terug te vorderen. None before a decision.
    (`paid`: `betaald(s)`, when it is known already.)"""
    if s.vaststelling is not None:
        return s.vaststelling.bedrag - (betaald(s) if paid is None else paid)
    if s.besluit is None:
        return None
    return (s.verleend or 0) - (betaald(s) if paid is None else paid)


def saldo_tekst(bedrag: int | None) -> str:
    """The saldo as a person reads it."""
    if bedrag is None:
        return "nog geen besluit"
    if bedrag > 0:
        return f"{euro(bedrag)} nog te betalen"
    if bedrag < 0:
        return f"{euro(-bedrag)} terug te vorderen"
    return "saldo € 0"


def volgende(s: sm.Subsidie, regeling: model.Regeling | None, st: str | None = None,
             rest: int | None = None) -> Volgende:
    """The next step of `s` and the day it is due under `regeling` (the one of `s.jaar`);
    `st` and `rest`: its `status` and `saldo`, when they are known already."""
    st = status(s) if st is None else st
    if st == AANGEVRAAGD:
        if s.aanvraag is None or regeling is None:
            return Volgende("besluit", None, "er is geen aanvraag of regeling om de beslistermijn uit af te leiden")
        return Volgende("besluit", regeling.besluit_uiterlijk(s.aanvraag.ontvangen))
    if st == VERLEEND:
        dag = regeling.verantwoording_uiterlijk(s.jaar) if regeling else None
        return Volgende("verantwoording", dag, None if dag else
                        "de regeling noemt geen termijn voor de verantwoording (verantwoording_voor)")
    if st == VERANTWOORD:
        assert s.verantwoording is not None
        dag = regeling.vaststelling_uiterlijk(s.verantwoording.ontvangen) if regeling else None
        return Volgende("vaststelling", dag, None if dag else
                        "de regeling noemt geen termijn voor de vaststelling (vaststelling_weken)")
    rest = (saldo(s) if rest is None else rest) or 0
    if st in (VASTGESTELD, GEWEIGERD) and rest:
        besloten = s.vaststelling.datum if s.vaststelling else s.besluit.datum  # type: ignore[union-attr]
        return Volgende("betaling" if rest > 0 else "terugbetaling", besloten)
    return Volgende(None, None)


def onbekende_termijnen(regeling: model.Regeling | None) -> list[str]:
    """What the regeling leaves unknown and so cannot be computed, in words (CONTRACT §7):
    named by `grants` and `subsidy --explain`, never every night by `due`."""
    if regeling is None:
        return []
    out = []
    if not regeling.verantwoording_voor:
        out.append("de regeling noemt geen termijn voor de verantwoording (verantwoording_voor): "
                   "de dag waarop die binnen moet zijn, is niet te berekenen")
    if regeling.vaststelling_weken is None:
        out.append("de regeling noemt geen termijn voor de vaststelling (vaststelling_weken): "
                   "de dag waarop die uiterlijk valt, is niet te berekenen")
    return out


def afgeleid(s: sm.Subsidie, regeling: model.Regeling | None) -> dict[str, object]:
    """What `grants -o json` adds to a record: status, betaald, saldo, volgende_stap and
    volgende_datum (ISO), and, when the regeling leaves that date unknown, why."""
    paid = betaald(s)
    rest = saldo(s, paid)
    st = status(s)
    nxt = volgende(s, regeling, st, rest)
    out: dict[str, object] = {"status": st, "betaald": paid, "saldo": rest, "volgende_stap": nxt.stap,
                              "volgende_datum": nxt.datum.isoformat() if nxt.datum else None}
    if nxt.reden:
        out["volgende_datum_onbekend"] = nxt.reden
    return out


def vind(records: Sequence[sm.Subsidie], jaar: int, organisatie: str) -> sm.Subsidie | None:
    """The record of `organisatie` for `jaar`, or None."""
    return next((r for r in records if r.jaar == jaar and r.organisatie == organisatie), None)


def naam(s: sm.Subsidie) -> str:
    """How a refusal names a record."""
    return f"subsidie {s.id}"


def _weiger(s: sm.Subsidie, wat: str, passend: str | None = None) -> Refused:
    """A refusal naming the record, its state and the step that fits (`passend`)."""
    st = status(s)
    past = passend or volgende(s, None).stap
    hint = f"; de stap die nu past is '{OPDRACHT.get(past, past)}'" if past else "; er is geen stap meer te zetten"
    return Refused(f"{naam(s)} is {st}: {wat}{hint}.")


# -- the rules a record keeps (also run by `check`) ------------------------------------------


class Regelbreuk(NamedTuple):
    """One broken rule of a record: where (the key, or a nested record), its stable id, and
    the Dutch message."""

    waar: object  # the record or nested record whose line it is
    sleutel: str
    regel_id: str
    melding: str


def regels_van(s: sm.Subsidie) -> list[Regelbreuk]:
    """Every per-record rule of CONTRACT §7 that `s` breaks: steps in order with their
    dates in order, payments within what was verleend and vastgesteld, vastgesteld ≤
    verleend, a reden where required."""
    return [*_volgorde(s), *_betalingen(s), *_bedragen(s), *_redenen(s)]


def _volgorde(s: sm.Subsidie) -> list[Regelbreuk]:
    out = []
    a, b, v, vs = s.aanvraag, s.besluit, s.verantwoording, s.vaststelling
    if b is not None and a is None:
        out.append(Regelbreuk(b, "soort", "subsidie-volgorde", "een besluit zonder aanvraag"))
    if a is not None and b is not None and b.datum < a.ontvangen:
        out.append(Regelbreuk(b, "datum", "subsidie-datums",
                              f"besluit op {b.datum} ligt vóór de aanvraag ({a.ontvangen})"))
    if a is not None and a.ingetrokken is not None and a.ingetrokken < a.ontvangen:
        out.append(Regelbreuk(a, "ingetrokken", "subsidie-datums",
                              f"ingetrokken op {a.ingetrokken}, vóór de ontvangst ({a.ontvangen})"))
    if a is not None and a.ingetrokken is not None and b is not None:
        out.append(Regelbreuk(a, "ingetrokken", "subsidie-volgorde", "een ingetrokken aanvraag met een besluit"))
    if v is not None and s.verleend is None:
        out.append(Regelbreuk(v, "ontvangen", "subsidie-volgorde", "een verantwoording zonder verleende subsidie"))
    if v is not None and b is not None and v.ontvangen < b.datum:
        out.append(Regelbreuk(v, "ontvangen", "subsidie-datums",
                              f"verantwoording op {v.ontvangen} ligt vóór het besluit ({b.datum})"))
    if vs is not None and v is None:
        out.append(Regelbreuk(vs, "datum", "subsidie-volgorde", "een vaststelling zonder verantwoording"))
    if vs is not None and v is not None and vs.datum < v.ontvangen:
        out.append(Regelbreuk(vs, "datum", "subsidie-datums",
                              f"vaststelling op {vs.datum} ligt vóór de verantwoording ({v.ontvangen})"))
    if [p.datum for p in s.betalingen] != sorted(p.datum for p in s.betalingen):
        out.append(Regelbreuk(s, "betalingen", "subsidie-datums", "de betalingen staan niet op datum (oudste eerst)"))
    return out


def _betalingen(s: sm.Subsidie) -> list[Regelbreuk]:
    """Each payment in date order against the limit in force on its day: the verleend
    amount before the vaststelling, the vastgesteld one for a nabetaling after it; a
    terugbetaling never takes back more than was paid."""
    out = []
    netto = 0
    besloten = s.besluit.datum if s.besluit is not None else None
    for p in sorted(s.betalingen, key=lambda p: p.datum):
        na = s.vaststelling is not None and p.datum >= s.vaststelling.datum
        if p.soort == TERUGBETALING:
            netto -= p.bedrag
            if netto < 0:
                out.append(Regelbreuk(p, "bedrag", "subsidie-betaling",
                                      f"terugbetaling op {p.datum} van {euro(p.bedrag)} is meer dan er betaald is"))
            continue
        netto += p.bedrag
        if s.verleend is None or besloten is None or p.datum < besloten:
            out.append(Regelbreuk(p, "datum", "subsidie-volgorde",
                                  f"{p.soort} op {p.datum} zonder een verleende subsidie op of vóór die dag"))
        elif na and p.soort == VOORSCHOT:
            out.append(Regelbreuk(p, "soort", "subsidie-betaling",
                                  f"voorschot op {p.datum} na de vaststelling; dat is een nabetaling"))
        elif na and netto > s.vaststelling.bedrag:  # type: ignore[union-attr]
            out.append(Regelbreuk(p, "bedrag", "subsidie-betaling",
                                  f"met de nabetaling op {p.datum} is {euro(netto)} betaald, meer dan vastgesteld "
                                  f"({euro(s.vaststelling.bedrag)})"))  # type: ignore[union-attr]
        elif not na and netto > s.verleend:
            out.append(Regelbreuk(p, "bedrag", "subsidie-betaling",
                                  f"met de betaling op {p.datum} is {euro(netto)} betaald, meer dan verleend "
                                  f"({euro(s.verleend)})"))
    return out


def _bedragen(s: sm.Subsidie) -> list[Regelbreuk]:
    out = []
    b, vs = s.besluit, s.vaststelling
    if b is not None and b.soort == GEWEIGERD and b.bedrag != 0:
        out.append(Regelbreuk(b, "bedrag", "subsidie-bedrag", "een geweigerde subsidie heeft bedrag 0"))
    if b is not None and b.soort == VERLEEND and b.bedrag == 0:
        out.append(Regelbreuk(b, "bedrag", "subsidie-bedrag", "een verleende subsidie van € 0; weiger die dan"))
    if vs is not None and s.verleend is not None and vs.bedrag > s.verleend:
        out.append(Regelbreuk(vs, "bedrag", "subsidie-bedrag",
                              f"vastgesteld {euro(vs.bedrag)} is meer dan verleend ({euro(s.verleend)})"))
    return out


def _redenen(s: sm.Subsidie) -> list[Regelbreuk]:
    out = []
    b = s.besluit
    if b is not None and not (b.reden or "").strip():
        berekend = s.berekening.bedrag if s.berekening is not None else None
        if b.soort == GEWEIGERD:
            out.append(Regelbreuk(b, "soort", "subsidie-reden", "een weigering zonder reden"))
        elif b.bedrag != berekend:
            out.append(Regelbreuk(b, "bedrag", "subsidie-reden", f"verleend {euro(b.bedrag)} wijkt zonder reden af "
                                  f"van de berekening ({euro(berekend) if berekend is not None else 'er is er geen'})"))
    for c in s.correcties:
        if not c.reden.strip():
            out.append(Regelbreuk(c, "reden", "subsidie-reden", "een correctie zonder reden"))
    return out


def _houdt(oud: sm.Subsidie, nieuw: sm.Subsidie) -> sm.Subsidie:
    """`nieuw`, unless it breaks a rule `oud` kept: then the step is refused with that rule."""
    voor = {(r.regel_id, r.melding) for r in regels_van(oud)}
    nieuw_gebroken = [r for r in regels_van(nieuw) if (r.regel_id, r.melding) not in voor]
    if nieuw_gebroken:
        raise Refused(f"{naam(oud)} ({status(oud)}): dat kan niet: {nieuw_gebroken[0].melding}.")
    return nieuw


def _bedrag(bedrag: int, wat: str) -> int:
    """A whole, positive number of euros (the command parses text; this guards the rule)."""
    if isinstance(bedrag, bool) or not isinstance(bedrag, int) or bedrag <= 0:
        raise UsageError(f"{wat} moet een positief bedrag in hele euro's zijn, niet {bedrag!r}.")
    return bedrag


def _reden(reden: str | None, wat: str) -> str:
    if reden is None or not reden.strip():
        raise UsageError(f"{wat} vraagt een reden (--reason).")
    return reden.strip()


# -- the application -------------------------------------------------------------------------


def bevries(data: model.Dataset, wijk: model.Wijk, org: model.Organisatie, jaar: int,
            ontvangen: dt.date, vandaag: dt.date) -> tuple[sm.Berekening, tuple[str, ...]]:
    """The berekening of CONTRACT §2 for `org` in `jaar` as the data stands on `vandaag`,
    frozen: amount, months, regeling and a copy of the figures used. An application
    received after its window gives 0 ("aanvraagtermijn verstreken"); one received before
    the window opens is computed as usual, with a warning."""
    regeling = subsidy.regeling_voor(data.regelingen, jaar)
    uitkomst = subsidy.bereken(wijk, jaar, regeling, subsidy.gemiddelden_van(data, regeling), org)
    buiten = buiten_venster(regeling, jaar, ontvangen)
    te_laat = buiten is not None and buiten[0]
    toelichting = TERMIJN_VERSTREKEN if uitkomst.termijn_verstreken or te_laat else None
    waarschuwingen = () if buiten is None else (buiten[1] + ("; de berekening is € 0" if te_laat else
                                                              "; berekend zoals gewoonlijk"),)
    berekening = sm.Berekening(
        datum=vandaag, regeling=regeling.jaar, maanden=uitkomst.maanden,
        bedrag=0 if toelichting else uitkomst.bedrag, onvolledig=uitkomst.onvolledig or None,
        toelichting=toelichting, cijfers=_cijfers(wijk, org))
    return berekening, waarschuwingen


def buiten_venster(regeling: model.Regeling, jaar: int, ontvangen: dt.date) -> tuple[bool, str] | None:
    """Whether an application received on `ontvangen` is outside its window (`aanvragen_vanaf`
    of jaar − 1 up to `aanvragen_voor` of jaar): (late, why), or None when on time."""
    opent, dicht = regeling.venster_open(jaar), regeling.venster_dicht(jaar)
    if dicht is not None and ontvangen >= dicht:
        return True, (f"aanvraag ontvangen op {datum(ontvangen)}, op of na het einde van de aanvraagtermijn "
                      f"({datum(dicht)}): {TERMIJN_VERSTREKEN}")
    if ontvangen < opent:
        return False, (f"aanvraag ontvangen op {datum(ontvangen)}, vóór de aanvraagtermijn voor {jaar} opent "
                       f"({datum(opent)})")
    return None


def _cijfers(wijk: model.Wijk, org: model.Organisatie) -> model.Cijfers | None:
    """A copy of the figures the berekening used, with the wijk's peiljaar and bron."""
    used = subsidy.cijfers_van(wijk, org)
    if used is None:
        return None
    kopie = dataclasses.replace(used, regel=0, regels={})
    if wijk.cijfers is not None and used is not wijk.cijfers:
        kopie.peiljaar, kopie.bron = wijk.cijfers.peiljaar, wijk.cijfers.bron
    return kopie


def aanvragen(bestaand: sm.Subsidie | None, data: model.Dataset, wijk: model.Wijk, org: model.Organisatie,
              jaar: int, aanvraag: sm.Aanvraag, vandaag: dt.date) -> Stap:
    """Record an application of `org` (a wijkplatform of `wijk` active in `jaar`) and
    freeze its berekening; the same application again changes nothing."""
    if org not in subsidy.platforms_in(wijk, jaar):
        raise Refused(f"{org.naam} ({org.id}) is in {jaar} geen actief wijkplatform van {wijk.naam}; "
                      "een aanvraag kan alleen voor een platform dat dat jaar actief is.")
    if bestaand is not None:
        if bestaand.aanvraag == aanvraag:
            return Stap(bestaand, False)
        raise _weiger(bestaand, f"er is al een aanvraag ontvangen op {_dag(bestaand.aanvraag)}",
                      "correct --step aanvraag")
    berekening, waarschuwingen = bevries(data, wijk, org, jaar, aanvraag.ontvangen, vandaag)
    record = sm.Subsidie(id=sm.subsidie_id(jaar, org.id), jaar=jaar, wijk=wijk.code, organisatie=org.id,
                            aanvraag=copy.deepcopy(aanvraag), berekening=berekening)
    return Stap(record, True, waarschuwingen)


def _dag(a: sm.Aanvraag | None) -> str:
    return datum(a.ontvangen) if a is not None else "onbekend"


# -- the decision ----------------------------------------------------------------------------


def verleend_in(records: Sequence[sm.Subsidie], jaar: int, behalve: str | None = None) -> int:
    """The total verleend in `jaar` over `records`, leaving out the record `behalve`."""
    return sum(r.verleend or 0 for r in records if r.jaar == jaar and r.id != behalve)


def binnen_plafond(s: sm.Subsidie, bedrag: int, records: Sequence[sm.Subsidie],
                   regeling: model.Regeling) -> None:
    """Refuse (Awb 4:25 lid 2) when granting `bedrag` to `s` would exceed the plafond."""
    if regeling.plafond is None:
        return
    elders = verleend_in(records, s.jaar, s.id)
    te_veel = elders + bedrag - regeling.plafond
    if te_veel > 0:
        over = max(regeling.plafond - elders, 0)
        raise Refused(f"{naam(s)}: {euro(bedrag)} verlenen gaat {euro(te_veel)} over het subsidieplafond van "
                      f"{s.jaar} ({euro(regeling.plafond)}; er is nog {euro(over)} over). Een subsidie wordt "
                      "geweigerd voor zover verlenen het plafond overschrijdt (Awb 4:25 lid 2).")


def verlenen(s: sm.Subsidie, records: Sequence[sm.Subsidie], regeling: model.Regeling, op: dt.date, *,
             bedrag: int | None = None, reden: str | None = None, kenmerk: str | None = None,
             berekening: sm.Berekening | None = None) -> Stap:
    """The decision to grant: by default the frozen berekening (or `berekening`, freshly
    frozen by `award --recompute`); another amount needs a reden; refused past the plafond."""
    nieuw = copy.deepcopy(s)
    if berekening is not None:
        nieuw.berekening = berekening
    if s.besluit is not None or status(s) != AANGEVRAAGD:
        try:
            zelfde = s.besluit == _verlening(nieuw, op, bedrag, reden, kenmerk) and berekening in (None, s.berekening)
        except (Refused, UsageError):
            zelfde = False
        if zelfde:
            return Stap(s, False)
        if s.besluit is not None:
            raise _weiger(s, f"er is al besloten op {datum(s.besluit.datum)}", "correct --step besluit")
        raise _weiger(s, "er valt niets te besluiten")
    nieuw.besluit = _verlening(nieuw, op, bedrag, reden, kenmerk)
    binnen_plafond(s, nieuw.besluit.bedrag, records, regeling)
    return Stap(_houdt(s, nieuw), True)


def _verlening(s: sm.Subsidie, op: dt.date, bedrag: int | None, reden: str | None,
               kenmerk: str | None) -> sm.Besluit:
    """The besluit granting `bedrag` (by default the berekening's) to `s`."""
    berekend = s.berekening.bedrag if s.berekening is not None else None
    if bedrag is None and not berekend:
        waarom = (s.berekening.toelichting if s.berekening else None) or "er is geen berekend bedrag"
        raise _weiger(s, f"de berekening geeft € 0 ({waarom}); verlenen kan alleen met een bedrag en een reden",
                      "refuse")
    bedrag = _bedrag(berekend if bedrag is None else bedrag, "het verleende bedrag")  # type: ignore[arg-type]
    if bedrag != berekend:
        reden = _reden(reden, f"een verleend bedrag dat afwijkt van de berekening ({euro(berekend)})")
    return sm.Besluit(soort=VERLEEND, datum=op, bedrag=bedrag, kenmerk=kenmerk,
                         reden=reden.strip() if reden else None)


def weigeren(s: sm.Subsidie, op: dt.date, reden: str, kenmerk: str | None = None) -> Stap:
    """The decision to refuse, with its reden; the same decision again changes nothing."""
    besluit = sm.Besluit(soort=GEWEIGERD, datum=op, bedrag=0, kenmerk=kenmerk,
                            reden=_reden(reden, "een weigering"))
    if s.besluit is not None:
        if s.besluit == besluit:
            return Stap(s, False)
        raise _weiger(s, f"er is al besloten op {datum(s.besluit.datum)}", "correct --step besluit")
    if status(s) != AANGEVRAAGD:
        raise _weiger(s, "er valt niets te besluiten")
    nieuw = copy.deepcopy(s)
    nieuw.besluit = besluit
    return Stap(_houdt(s, nieuw), True)


# -- payments, accounting, settlement --------------------------------------------------------


def betalen(s: sm.Subsidie, op: dt.date, bedrag: int, soort: str | None = None,
            kenmerk: str | None = None) -> Stap:
    """A payment, or a repayment by the platform; by default a voorschot before the
    vaststelling and a nabetaling after it. The same payment (day, amount, kind) again is
    already recorded."""
    bedrag = _bedrag(bedrag, "een betaling")
    if soort is None:
        soort = NABETALING if s.vaststelling is not None and op >= s.vaststelling.datum else VOORSCHOT
    if soort not in sm.BETALINGSSOORTEN:
        raise UsageError(f"onbekende soort betaling '{soort}'; kies uit {', '.join(sm.BETALINGSSOORTEN)}")
    betaling = sm.Betaling(datum=op, bedrag=bedrag, soort=soort, kenmerk=kenmerk)
    if any((b.datum, b.bedrag, b.soort) == (op, bedrag, soort) for b in s.betalingen):
        return Stap(s, False)
    st = status(s)
    if soort != TERUGBETALING and st in (AANGEVRAAGD, INGETROKKEN, GEWEIGERD):
        raise _weiger(s, "betalen kan alleen als de subsidie is verleend")
    if soort == TERUGBETALING and betaald(s) <= 0:
        raise _weiger(s, "er is niets betaald dat terug kan komen")
    nieuw = copy.deepcopy(s)
    nieuw.betalingen = sorted([*nieuw.betalingen, betaling], key=lambda b: b.datum)
    return Stap(_houdt(s, nieuw), True)


def verantwoorden(s: sm.Subsidie, ontvangen: dt.date, uitgaven: int) -> Stap:
    """The verantwoording came in; the same one again changes nothing."""
    if isinstance(uitgaven, bool) or not isinstance(uitgaven, int) or uitgaven < 0:
        raise UsageError(f"de uitgaven moeten 0 of meer hele euro's zijn, niet {uitgaven!r}.")
    verantwoording = sm.Verantwoording(ontvangen=ontvangen, uitgaven=uitgaven)
    if s.verantwoording is not None:
        if s.verantwoording == verantwoording:
            return Stap(s, False)
        raise _weiger(s, f"de verantwoording is al ontvangen op {datum(s.verantwoording.ontvangen)}",
                      "correct --step verantwoording")
    if status(s) != VERLEEND:
        raise _weiger(s, "een verantwoording hoort bij een verleende subsidie")
    nieuw = copy.deepcopy(s)
    nieuw.verantwoording = verantwoording
    return Stap(_houdt(s, nieuw), True)


def vaststellen(s: sm.Subsidie, op: dt.date, bedrag: int | None = None, kenmerk: str | None = None) -> Stap:
    """The vaststelling: by default min(verleend, uitgaven); never above the verleend amount.
    Its saldo (`saldo_tekst(saldo(stap.record))`) says what is still to pay or to reclaim."""
    if status(s) not in (VERANTWOORD, VASTGESTELD, AFGEROND):
        raise _weiger(s, "vaststellen kan pas na de verantwoording")
    assert s.verantwoording is not None and s.verleend is not None
    if bedrag is None:
        bedrag = min(s.verleend, s.verantwoording.uitgaven)
    elif isinstance(bedrag, bool) or not isinstance(bedrag, int) or bedrag < 0:
        raise UsageError(f"het vastgestelde bedrag moet 0 of meer hele euro's zijn, niet {bedrag!r}.")
    if bedrag > s.verleend:
        raise _weiger(s, f"vastgesteld {euro(bedrag)} is meer dan verleend ({euro(s.verleend)})", "settle")
    vaststelling = sm.Vaststelling(datum=op, bedrag=bedrag, kenmerk=kenmerk)
    if s.vaststelling is not None:
        if s.vaststelling == vaststelling:
            return Stap(s, False)
        raise _weiger(s, f"er is al vastgesteld op {datum(s.vaststelling.datum)}", "correct --step vaststelling")
    nieuw = copy.deepcopy(s)
    nieuw.vaststelling = vaststelling
    return Stap(_houdt(s, nieuw), True)


# -- corrections -----------------------------------------------------------------------------

_STAP_VELD = {"aanvraag": "aanvraag", "besluit": "besluit", "verantwoording": "verantwoording",
              "vaststelling": "vaststelling"}


def corrigeren(s: sm.Subsidie, stap: str, *, op: dt.date, reden: str, records: Sequence[sm.Subsidie] = (),
               regeling: model.Regeling | None = None, betaling: tuple[dt.date, int, str] | None = None,
               vervalt: bool = False, **velden: object) -> Stap:
    """Correct a recorded step (a mistyped payment, a decision revised after bezwaar, a
    withdrawn application: `stap="aanvraag", ingetrokken=DAY`), keeping the reden and what
    it was in `correcties`. `betaling` names the payment by (day, amount, kind); with
    `vervalt` it is struck out. The same correction again changes nothing."""
    reden = _reden(reden, "een correctie")
    if stap not in sm.STAPPEN:
        raise UsageError(f"onbekende stap '{stap}'; kies uit {', '.join(sm.STAPPEN)}")
    nieuw = copy.deepcopy(s)
    if stap == "betaling":
        oud = _betaling_vervangen(nieuw, betaling, vervalt, velden)
    else:
        oud = getattr(s, _STAP_VELD[stap])
        if oud is None:
            raise _weiger(s, f"er is geen {stap} om te corrigeren")
        setattr(nieuw, _STAP_VELD[stap], _vervang(oud, velden))
    if stap == "besluit":
        _herzien(nieuw, s, reden, records, regeling)
    if nieuw == s:
        return Stap(s, False)
    nieuw.correcties = [*nieuw.correcties, sm.Correctie(datum=op, stap=stap, reden=reden, was=_beschrijf(oud))]
    bevroren: tuple[str, ...] = ()
    verschoven = stap == "aanvraag" and nieuw.aanvraag.ontvangen != s.aanvraag.ontvangen  # type: ignore[union-attr]
    if verschoven and nieuw.berekening is not None:
        bevroren = (f"de berekening blijft die van {datum(nieuw.berekening.datum)}; "
                    "bereken opnieuw met 'award --recompute' als de nieuwe datum dat verandert",)
    return Stap(_houdt(s, nieuw), True, bevroren)


def _vervang(oud: object, velden: dict[str, object]) -> object:
    """`oud` with the given fields changed (a field it does not have is a usage error)."""
    namen = {f.name for f in dataclasses.fields(oud) if "kind" in f.metadata}  # type: ignore[arg-type]
    onbekend = sorted(set(velden) - namen)
    if onbekend:
        raise UsageError(f"{type(oud).__name__.lower()} heeft geen {', '.join(onbekend)}; "
                         f"te corrigeren: {', '.join(sorted(namen))}")
    return dataclasses.replace(oud, **velden)  # type: ignore[type-var]


def _betaling_vervangen(nieuw: sm.Subsidie, welke: tuple[dt.date, int, str] | None, vervalt: bool,
                        velden: dict[str, object]) -> sm.Betaling:
    """Replace (or, with `vervalt`, remove) the payment `welke` in `nieuw`; the old one back."""
    gevonden = next((b for b in nieuw.betalingen if (b.datum, b.bedrag, b.soort) == welke), None)
    if gevonden is None:
        bekend = "; ".join(f"{b.datum} {euro(b.bedrag)} {b.soort}" for b in nieuw.betalingen) or "geen"
        raise UsageError(f"{naam(nieuw)} heeft geen betaling {welke}; betalingen: {bekend}")
    rest = [b for b in nieuw.betalingen if b is not gevonden]
    if not vervalt:
        rest.append(_vervang(gevonden, velden))  # type: ignore[arg-type]
    nieuw.betalingen = sorted(rest, key=lambda b: b.datum)
    return gevonden


def _herzien(nieuw: sm.Subsidie, oud: sm.Subsidie, reden: str, records: Sequence[sm.Subsidie],
             regeling: model.Regeling | None) -> None:
    """A revised besluit: a refusal is € 0, a reden is kept where one is required, and a
    grant stays within the plafond."""
    b = nieuw.besluit
    assert b is not None
    if b.soort == GEWEIGERD:
        b.bedrag = 0
    berekend = nieuw.berekening.bedrag if nieuw.berekening else None
    if b == oud.besluit:
        return
    if not (b.reden or "").strip() or b.reden == (oud.besluit.reden if oud.besluit else None):
        if b.soort == GEWEIGERD or b.bedrag != berekend:
            b.reden = reden
    if b.soort == VERLEEND and regeling is not None:
        binnen_plafond(nieuw, b.bedrag, records, regeling)


def _beschrijf(record: object) -> str:
    """A recorded step in one line, for the `was` of a correction."""
    delen = []
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        waarde = getattr(record, f.name)
        if "kind" in f.metadata and waarde not in (None, []) and f.metadata["kind"] not in ("record", "records"):
            delen.append(f"{f.name}: {', '.join(waarde) if isinstance(waarde, list) else waarde}")
    return "; ".join(delen)
