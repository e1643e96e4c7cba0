"""What needs attention on a day (`wijkctl due`): pure, records in, items out.

Deadlines of the subsidy, a kern below 3, organisations ending, old figures, wijkraden
still active, and the steps of the subsidy year (`subsidiedue.py`: an application
missing, a beslistermijn ending, a verantwoording or vaststelling due, a saldo open).
Each item has a stable `soort` for scripts.
"""

from __future__ import annotations

import datetime as dt

from wijkctl import model, subsidiedue
from wijkctl.dueitem import Item
from wijkctl.text import datum, kernleden

SOORTEN = ("aanvraagtermijn", "aanvraag_volgend_jaar", "kern_te_klein", "einde", "cijfers_oud", "wijkraad_actief",
           *subsidiedue.SOORTEN)
PEILJAREN = 2  # figures older than this many peiljaren are due for an update


def due(data: model.Dataset, on: dt.date, within: int) -> list[Item]:
    """Everything due on `on` or within `within` days after it, by date (a term the
    regeling leaves unknown gives no item: `grants` and `subsidy --explain` name it)."""
    until = on + dt.timedelta(days=within)
    items = [*_deadlines(data, on, until), *subsidiedue.due(data, data.of("subsidies"), on, within)]
    for w in data.wijken:
        items += _organisations(w, on, until)
        peiljaar = w.cijfers.peiljaar if w.cijfers else None
        if peiljaar is None or peiljaar < on.year - PEILJAREN:
            wat = f"de cijfers zijn van {peiljaar}" if peiljaar else "de cijfers hebben geen peiljaar"
            items.append(Item("cijfers_oud", on, w.code, None,
                              f"{w.naam}: {wat}; werk ze bij met 'wijkctl import-cbs'."))
    return sorted(items, key=lambda i: (i.datum, SOORTEN.index(i.soort), i.wijk or "", i.organisatie or ""))


def _deadlines(data: model.Dataset, on: dt.date, until: dt.date) -> list[Item]:
    out = []
    regeling = _regeling(data, on.year)
    deadline = regeling.deadline(on.year) if regeling else None
    if deadline is not None and on <= deadline <= until:
        out.append(Item("aanvraagtermijn", deadline, None, None,
                        f"De aanvraagtermijn voor subsidie {on.year} sluit: aanvragen vóór {datum(deadline)}."))
    volgend = _regeling(data, on.year + 1)
    opent = model.dag_van(on.year, (volgend.aanvragen_vanaf if volgend else None) or model.AANVRAGEN_VANAF)
    if on <= opent <= until:
        out.append(Item("aanvraag_volgend_jaar", opent, None, None,
                        f"Vanaf {datum(opent)} kan subsidie voor {on.year + 1} worden aangevraagd."))
    return out


def _regeling(data: model.Dataset, jaar: int) -> model.Regeling | None:
    """The regeling in force in `jaar`, or None."""
    return max((r for r in data.regelingen if r.jaar <= jaar), key=lambda r: r.jaar, default=None)


def _organisations(w: model.Wijk, on: dt.date, until: dt.date) -> list[Item]:
    out = []
    for org in w.organisaties:
        if org.tot is not None and on <= org.tot <= until:
            out.append(Item("einde", org.tot, w.code, org.id, f"{org.naam} ({w.naam}) stopt op {datum(org.tot)}."))
        if org.tot is not None and org.tot <= on:
            continue
        dag = max(on, org.begin)
        if org.soort == model.WIJKPLATFORM and len(org.kern) < model.MIN_KERN and dag <= until:
            out.append(Item("kern_te_klein", dag, w.code, org.id,
                            f"{org.naam} ({w.naam}) heeft {kernleden(len(org.kern))}; minstens {model.MIN_KERN} zijn "
                            "nodig."))
        if org.soort == model.WIJKRAAD and org.actief_op(on):
            out.append(Item("wijkraad_actief", on, w.code, org.id,
                            f"{org.naam} ({w.naam}) is nog een wijkraad; zet die om met 'wijkctl convert {w.code}'."))
    return out
