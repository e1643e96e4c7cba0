"""What the subsidy year needs on a day (CONTRACT §7), as `dueitem.Item`s: pure.

A term the regeling leaves unknown (`verantwoording_voor`, `vaststelling_weken` absent) is
no nightly item: `grants` and `subsidy --explain` name it instead. A term that has passed
stays an item, dated on its day, until the step is recorded.
"""

from __future__ import annotations

import datetime as dt

from wijkctl import model, subsidiejaar, subsidy
from wijkctl import subsidiemodel as sm
from wijkctl.dueitem import Item
from wijkctl.errors import NotFound
from wijkctl.text import datum, euro

SOORTEN = ("aanvraag_ontbreekt", "besluit_termijn", "verantwoording", "vaststelling_termijn", "saldo_open")


def due(data: model.Dataset, records: list[sm.Subsidie], on: dt.date, within: int) -> list[Item]:
    """Every subsidy item due on `on` or within `within` days after it (or overdue), by date."""
    until = on + dt.timedelta(days=within)
    namen = _namen(data)
    items = aanvraag_ontbreekt(data, records, on, until)
    for s in records:
        regeling = _regeling(data, s.jaar)
        items += [i for i in (besluit_termijn(s, regeling, until, namen), verantwoording(s, regeling, until, namen),
                              vaststelling_termijn(s, regeling, until, namen), saldo_open(s, on, namen))
                  if i is not None]
    return sorted(items, key=lambda i: (i.datum, SOORTEN.index(i.soort), i.wijk or "", i.organisatie or ""))


def _regeling(data: model.Dataset, jaar: int) -> model.Regeling | None:
    try:
        return subsidy.regeling_voor(data.regelingen, jaar)
    except NotFound:
        return None


def _namen(data: model.Dataset) -> dict[str, str]:
    """organisation id -> "Naam (Wijk)", as the items name a platform."""
    return {o.id: f"{o.naam} ({w.naam})" for w in data.wijken for o in w.organisaties}


def _item(soort: str, dag: dt.date, s: sm.Subsidie, namen: dict[str, str], melding: str) -> Item:
    return Item(soort, dag, s.wijk, s.organisatie, f"{namen.get(s.organisatie, s.organisatie)}, {s.jaar}: {melding}")


def aanvraag_ontbreekt(data: model.Dataset, records: list[sm.Subsidie], on: dt.date, until: dt.date) -> list[Item]:
    """An active platform with no application for a year whose application deadline falls
    between `on` and `until` (a platform starting on or after the deadline gets nothing)."""
    aangevraagd = {(s.organisatie, s.jaar) for s in records}
    out = []
    for jaar in sorted({on.year, until.year}):
        regeling = _regeling(data, jaar)
        deadline = regeling.venster_dicht(jaar) if regeling else None
        if deadline is None or not on <= deadline <= until:
            continue
        for w in data.wijken:
            for org in subsidy.platforms_in(w, jaar):
                if (org.id, jaar) in aangevraagd or org.begin >= deadline or (org.tot and org.tot <= on):
                    continue
                out.append(Item("aanvraag_ontbreekt", deadline, w.code, org.id,
                                f"{org.naam} ({w.naam}) heeft nog geen subsidie {jaar} aangevraagd; "
                                f"aanvragen vóór {datum(deadline)}."))
    return out


def besluit_termijn(s: sm.Subsidie, regeling: model.Regeling | None, until: dt.date,
                    namen: dict[str, str]) -> Item | None:
    """An undecided application whose beslistermijn ends by `until`."""
    if subsidiejaar.status(s) != subsidiejaar.AANGEVRAAGD or s.aanvraag is None or regeling is None:
        return None
    einde = regeling.besluit_uiterlijk(s.aanvraag.ontvangen)
    if einde > until:
        return None
    return _item("besluit_termijn", einde, s, namen,
                 f"de beslistermijn van de aanvraag van {datum(s.aanvraag.ontvangen)} eindigt op {datum(einde)}; "
                 "verleen ('wijkctl award') of weiger ('wijkctl refuse').")


def verantwoording(s: sm.Subsidie, regeling: model.Regeling | None, until: dt.date,
                   namen: dict[str, str]) -> Item | None:
    """A granted subsidy whose verantwoording is due by `until` (only when the regeling says when)."""
    if subsidiejaar.status(s) != sm.VERLEEND or regeling is None:
        return None
    voor = regeling.verantwoording_uiterlijk(s.jaar)
    if voor is None or voor > until:
        return None
    return _item("verantwoording", voor, s, namen,
                 f"de verantwoording moet binnen zijn vóór {datum(voor)}; leg hem vast met 'wijkctl account'.")


def vaststelling_termijn(s: sm.Subsidie, regeling: model.Regeling | None, until: dt.date,
                         namen: dict[str, str]) -> Item | None:
    """An accounted subsidy to be settled by `until` (only when the regeling gives the term)."""
    if subsidiejaar.status(s) != subsidiejaar.VERANTWOORD or s.verantwoording is None or regeling is None:
        return None
    einde = regeling.vaststelling_uiterlijk(s.verantwoording.ontvangen)
    if einde is None or einde > until:
        return None
    return _item("vaststelling_termijn", einde, s, namen,
                 f"de verantwoording kwam op {datum(s.verantwoording.ontvangen)}; stel de subsidie vast "
                 f"uiterlijk {datum(einde)} met 'wijkctl settle'.")


def saldo_open(s: sm.Subsidie, on: dt.date, namen: dict[str, str]) -> Item | None:
    """A decided subsidy whose saldo is not 0: to pay, or to reclaim."""
    st = subsidiejaar.status(s)
    rest = subsidiejaar.saldo(s)
    if st not in (subsidiejaar.VASTGESTELD, sm.GEWEIGERD) or not rest:
        return None
    wat = "nog te betalen: 'wijkctl pay'" if rest > 0 else "terug te vorderen: 'wijkctl pay --kind terugbetaling'"
    grond = "vastgesteld" if st == subsidiejaar.VASTGESTELD else "geweigerd"
    return _item("saldo_open", on, s, namen, f"{grond}, saldo {euro(abs(rest))} {wat}.")
