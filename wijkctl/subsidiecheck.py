"""The rules `check` enforces on subsidies.yaml (CONTRACT §7), as plain functions.

Each takes the records of subsidies.yaml and the data set of the other files and yields
`Problem`s with file:line (from the records' `regel`/`regels`), a stable `regel_id` and the
wijk. Their scopes, for the validator registry: `PER_RECORD` looks at one record at a time,
`ACROSS_RECORDS` at all records of the file, `ACROSS_FILES` also at the other files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from wijkctl import model, subsidiejaar, subsidy
from wijkctl import subsidiemodel as sm
from wijkctl.errors import NotFound, Problem
from wijkctl.text import euro

SUBSIDIES = "subsidies.yaml"


def _line(waar: object, sleutel: str, record: sm.Subsidie) -> int:
    """The line of `sleutel` in `waar` (a record or a nested one), else of `waar`, else of the record."""
    regels = getattr(waar, "regels", {})
    return regels.get(sleutel) or getattr(waar, "regel", 0) or record.regel


def _problem(s: sm.Subsidie, regel: int, melding: str, regel_id: str, ernst: str = "fout") -> Problem:
    return Problem(SUBSIDIES, regel, f"{s.id}: {melding}", ernst, regel_id, s.wijk)


def check_stappen(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """Per record: steps in order with dates in order, payments within the verleend and
    vastgesteld amounts, vastgesteld <= verleend, a reden where required."""
    for s in records:
        for r in subsidiejaar.regels_van(s):
            yield _problem(s, _line(r.waar, r.sleutel, s), r.melding, r.regel_id)


def check_id(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """Per record: the id is `<jaar>-<organisatie>`."""
    for s in records:
        verwacht = sm.subsidie_id(s.jaar, s.organisatie)
        if s.id != verwacht:
            yield _problem(s, _line(s, "id", s), f"het id moet '{verwacht}' zijn (jaar-organisatie)", "subsidie-id")


def check_uniek(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """Across records: unique ids, one record per organisation and year."""
    ids: dict[str, int] = {}
    paren: dict[tuple[str, int], int] = {}
    for s in records:
        if s.id in ids:
            yield _problem(s, _line(s, "id", s), f"id komt al voor op regel {ids[s.id]}", "subsidie-id-uniek")
        ids.setdefault(s.id, _line(s, "id", s))
        paar = (s.organisatie, s.jaar)
        if paar in paren:
            yield _problem(s, _line(s, "organisatie", s),
                           f"{s.organisatie} heeft voor {s.jaar} al een subsidie (regel {paren[paar]}); "
                           "één per organisatie en jaar", "subsidie-uniek")
        paren.setdefault(paar, _line(s, "organisatie", s))


def _regeling(data: model.Dataset, jaar: int) -> model.Regeling | None:
    try:
        return subsidy.regeling_voor(data.regelingen, jaar)
    except NotFound:
        return None


def check_plafond(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """Across records and files: the total verleend in a year stays within its plafond
    (Awb 4:25 lid 2); reported at the record that takes the total past it."""
    totaal: dict[int, int] = {}
    for s in records:
        if s.verleend is None:
            continue
        regeling = _regeling(data, s.jaar)
        totaal[s.jaar] = totaal.get(s.jaar, 0) + s.verleend
        if regeling is not None and regeling.plafond is not None and totaal[s.jaar] > regeling.plafond:
            over = totaal[s.jaar] - regeling.plafond
            yield _problem(s, _line(s.besluit, "bedrag", s),
                           f"met deze subsidie is in {s.jaar} {euro(totaal[s.jaar])} verleend, {euro(over)} boven het "
                           f"plafond ({euro(regeling.plafond)}; Awb 4:25 lid 2)", "subsidie-plafond")


def _wijken(data: model.Dataset) -> Callable[[str], model.Wijk | None]:
    """The wijk of a code: through the index when the wijken come from the cache one at a
    time (only those asked for are built), else from the list."""
    if data.lazy:
        def find(code: str) -> model.Wijk | None:
            pos = data.index.find("code", code)
            return None if pos is None else data.wijk_at(pos)

        return find
    return {w.code: w for w in data.wijken}.get


def check_organisatie(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """Across files: the wijk exists, and the organisation is a wijkplatform of it active
    on at least one day of `jaar`."""
    wijk_van = _wijken(data)
    for s in records:
        wijk = wijk_van(s.wijk)
        if wijk is None:
            yield _problem(s, _line(s, "wijk", s), f"wijk '{s.wijk}' bestaat niet", "subsidie-wijk")
            continue
        org = next((o for o in wijk.organisaties if o.id == s.organisatie), None)
        if org is None:
            yield _problem(s, _line(s, "organisatie", s),
                           f"organisatie '{s.organisatie}' bestaat niet in wijk '{s.wijk}'", "subsidie-organisatie")
        elif org not in subsidy.platforms_in(wijk, s.jaar):
            wat = "geen wijkplatform" if org.soort != model.WIJKPLATFORM else f"in {s.jaar} niet actief"
            yield _problem(s, _line(s, "organisatie", s), f"{org.naam} is {wat}; een subsidie {s.jaar} kan "
                           f"alleen voor een wijkplatform dat in {s.jaar} actief is", "subsidie-organisatie")


def warn_venster(records: list[sm.Subsidie], data: model.Dataset) -> Iterator[Problem]:
    """A warning for an application received outside its window (`aanvragen_vanaf` of
    jaar − 1 up to `aanvragen_voor` of jaar)."""
    for s in records:
        regeling = _regeling(data, s.jaar)
        if s.aanvraag is None or regeling is None:
            continue
        buiten = subsidiejaar.buiten_venster(regeling, s.jaar, s.aanvraag.ontvangen)
        if buiten is not None:
            yield _problem(s, _line(s.aanvraag, "ontvangen", s), buiten[1], "subsidie-aanvraagtermijn", "waarschuwing")


def touched(pairs: list[tuple[sm.Subsidie | None, sm.Subsidie]], data: model.Dataset) -> Iterator[Problem]:
    """The errors of `PER_RECORD`, `check_uniek` and `check_plafond` when only the records
    `pairs` changed (each as it was, None when added, and as it is), the others valid and
    as they were: what running them on every record would find.

    A record of another year or wijk holds another id and another organisation and year
    (valid ids are `<jaar>-<organisatie>`, an organisation is of one wijk), so uniqueness
    is judged among the records of each touched year and wijk; the plafond in each year
    whose total verleend changed."""
    after = [new for _was, new in pairs]
    for check in PER_RECORD:
        yield from check(after, data)
    for jaar, wijk in sorted({(s.jaar, s.wijk) for s in after}):
        yield from check_uniek(data.where("subsidies", jaar=jaar, wijk=wijk), data)
    verschil: dict[int, int] = {}
    for was, new in pairs:
        verschil[new.jaar] = verschil.get(new.jaar, 0) + (new.verleend or 0)
        if was is not None:
            verschil[was.jaar] = verschil.get(was.jaar, 0) - (was.verleend or 0)
    for jaar in sorted(j for j, d in verschil.items() if d > 0):
        regeling = _regeling(data, jaar)
        if regeling is not None and regeling.plafond is not None:
            yield from check_plafond(data.where("subsidies", jaar=jaar), data)


PER_RECORD = (check_stappen, check_id)
ACROSS_RECORDS = (check_uniek,)
ACROSS_FILES = (check_plafond, check_organisatie, warn_venster)
VALIDATORS = (*PER_RECORD, *ACROSS_RECORDS, *ACROSS_FILES)


def problems(records: list[sm.Subsidie], data: model.Dataset) -> list[Problem]:
    """Every problem of subsidies.yaml, in validator order."""
    return [p for check in VALIDATORS for p in check(records, data)]
