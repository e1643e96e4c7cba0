"""What needs attention on a day (`wijkctl due`): pure, records in, items out.

Deadlines of the subsidy, a kern below 3, organisations ending, old figures, wijkraden
still active, and the steps of the subsidy year (`subsidiedue.py`: an application
missing, a beslistermijn ending, a verantwoording or vaststelling due, a saldo open).
Each item has a stable `soort` for scripts.
"""

from __future__ import annotations

import datetime as dt

from wijkctl import model, subsidiedue
from wijkctl.dueitem import Item, woorden
from wijkctl.text import datum, kernleden

SOORTEN = ("aanvraagtermijn", "aanvraag_volgend_jaar", "kern_te_klein", "einde", "cijfers_oud", "wijkraad_actief",
           *subsidiedue.SOORTEN)
# the items that say how things stand rather than what happens on a day (and the missing
# applications, which stand so every night up to the deadline): they repeat every night,
# so the nightly lines sum them up per soort when there are more than SAMEN
TOESTAND = ("kern_te_klein", "cijfers_oud", "wijkraad_actief", "aanvraag_ontbreekt")
SAMEN = 3
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
    return _with_gebied(data, sorted(items, key=lambda i: (i.datum, SOORTEN.index(i.soort), i.wijk or "",
                                                           i.organisatie or "")))


def _with_gebied(data: model.Dataset, items: list[Item]) -> list[Item]:
    """Each item with its wijk's gebied and that gebied's verbinder's e-mail (None where
    the item is city-wide or the gebied has no verbinder yet)."""
    gebied_van = {w.code: w.gebied for w in data.wijken}
    email = {g.code: g.verbinder.email if g.verbinder else None for g in data.gebieden}
    out = []
    for item in items:
        gebied = gebied_van.get(item.wijk) if item.wijk else None
        out.append(item._replace(gebied=gebied, verbinder_email=email.get(gebied) if gebied else None))
    return out


def select(items: list[Item], gebied: str | None = None, soorten: list[str] | None = None) -> list[Item]:
    """The items of one gebied (with the city-wide ones, which concern every verbinder)
    and of the given soorten."""
    return [i for i in items if (gebied is None or i.gebied in (None, gebied)) and (not soorten or i.soort in soorten)]


def lines(items: list[Item]) -> list[str]:
    """The nightly lines: one per item, except that the items of one soort of `TOESTAND`
    (the missing applications: of one deadline) of which there are more than SAMEN are
    one line, where the first of them stood."""
    groups: dict[tuple[str, object], list[Item]] = {}
    for item in items:
        if item.soort in TOESTAND:
            groups.setdefault(_group(item), []).append(item)
    out, gezien = [], set()
    for item in items:
        samen = groups.get(_group(item), [])
        if len(samen) <= SAMEN:
            out.append(f"{item.datum.isoformat()}  {woorden(item.soort)}  {item.melding}")
        elif _group(item) not in gezien:
            gezien.add(_group(item))
            out.append(f"{item.datum.isoformat()}  {woorden(item.soort)}  {_samen(item.soort, samen)}")
    return out


def _group(item: Item) -> tuple[str, object]:
    return item.soort, item.datum if item.soort == "aanvraag_ontbreekt" else None


_SAMEN = {
    "kern_te_klein": "{n} wijkplatforms met minder dan " + str(model.MIN_KERN) + " kernleden",
    "cijfers_oud": "{n} wijken met oude cijfers; werk ze bij met 'wijkctl import-cbs'",
    "wijkraad_actief": "{n} wijkraden nog actief, zonder omzetting; zet ze om met 'wijkctl convert'",
    "aanvraag_ontbreekt": "{n} wijkplatforms zonder subsidieaanvraag; aanvragen vóór {datum}",
}


def _samen(soort: str, items: list[Item]) -> str:
    """One line for the items of one soort: how many, the first few wijken, and how to see them all."""
    wijken = [i.wijk or "" for i in items]
    return (f"{_SAMEN[soort].format(n=len(items), datum=datum(items[0].datum))} ({', '.join(wijken[:SAMEN])} en nog "
            f"{len(wijken) - SAMEN}; allemaal: --kind {soort}).")


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
        # no members at all is a kern not recorded (the bundled data holds no personal data):
        # `check` notes it; nothing to do tonight
        if org.soort == model.WIJKPLATFORM and 0 < len(org.kern) < model.MIN_KERN and dag <= until:
            out.append(Item("kern_te_klein", dag, w.code, org.id,
                            f"{org.naam} ({w.naam}) heeft {kernleden(len(org.kern))}; minstens {model.MIN_KERN} zijn "
                            "nodig."))
        # a wijkraad whose end is recorded (its conversion on a later day) needs no advice: `einde` says when
        if org.soort == model.WIJKRAAD and org.actief_op(on) and org.tot is None:
            out.append(Item("wijkraad_actief", on, w.code, org.id,
                            f"{org.naam} ({w.naam}) is nog een wijkraad; zet die om met 'wijkctl convert {w.code}'."))
    return out
