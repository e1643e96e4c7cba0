"""The cross-record rules of CONTRACT §1 and §2, as plain functions returning problems.

Each validator takes a data set and yields `Problem`s with file and line, so `check`
can report every problem at once. A new rule is one function and one line in `RULES`,
which declares its scope (`Rule`); the paths that validate only what changed (a write
from the cache, `refresh`, `check`'s quick answer and the cache's "quiet from" day of
each wijk) are derived from those scopes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from wijkctl import model, text
from wijkctl.errors import Problem
from wijkctl.formats import complaint
from wijkctl.schema import FILES, REGELINGEN, SUBSIDIES, VERBINDERS, WIJKEN, Field, Schema
from wijkctl.text import fold, kernleden

if TYPE_CHECKING:
    from wijkctl.index import Index, Summary


def _err(bestand: str, regel: int, melding: str, rule: str, wijk: str | None = None) -> Problem:
    return Problem(bestand, regel, melding, "fout", rule, wijk)


def _warn(bestand: str, regel: int, melding: str, rule: str, wijk: str | None = None,
          tot: dt.date | None = None) -> Problem:
    """A warning; `tot`: the first day it no longer holds (None: it lasts)."""
    return Problem(bestand, regel, melding, "waarschuwing", rule, wijk, tot.isoformat() if tot else None)


def _line(record: object, key: str) -> int:
    return record.regels.get(key, record.regel)  # type: ignore[attr-defined]


def check_wijk_formats(data: model.Dataset) -> Iterator[Problem]:
    """Every value of a wijk has its declared format or is one of its declared choices (model.decl)."""
    return _file_formats(data, WIJKEN)


def check_small_formats(data: model.Dataset) -> Iterator[Problem]:
    """`check_wijk_formats`, for every other file."""
    for bestand in FILES:
        if bestand != WIJKEN:
            yield from _file_formats(data, bestand)


def _file_formats(data: model.Dataset, bestand: str) -> Iterator[Problem]:
    records = data.of(FILES[bestand].attr)
    if records:  # no records: the schema is not asked for (subsidies.yaml's classes stay unimported)
        schema = FILES[bestand].schema
        for record in records:
            yield from _formats(bestand, record, schema, record.code if bestand == WIJKEN else None)
    for key, head_schema in FILES[bestand].heads.items():  # e.g. verbinders.yaml's gemeente
        for record in data.of(key):
            yield from _formats(bestand, record, head_schema, None)


def _formats(bestand: str, record: object, schema: Schema, wijk: str | None) -> Iterator[Problem]:
    for f in _RULED.get(schema) or _ruled(schema):
        value = getattr(record, f.key)
        if value is None:
            continue
        if f.schema is not None:
            for item in (value if f.kind == "records" else [value]):
                yield from _formats(bestand, item, f.schema, wijk)
        else:
            for item in (value if f.kind == "strlist" else [value]):
                klacht = complaint(f.label, item, f.fmt, f.keuze)
                if klacht is not None:
                    yield _err(bestand, _line(record, f.key), klacht, f"formaat-{f.key}", wijk)


_RULED: dict[Schema, list[Field]] = {}


def _ruled(schema: Schema) -> list[Field]:
    """The fields of `schema` with a format or choices, or with records inside."""
    _RULED[schema] = [f for f in schema.fields if f.schema is not None or f.fmt or f.keuze]
    return _RULED[schema]


def check_wijk_identity(data: model.Dataset) -> Iterator[Problem]:
    """Codes, names, CBS codes and buurten are unique."""
    codes: dict[str, int] = {}
    namen: dict[str, model.Wijk] = {}
    cbs: dict[str, model.Wijk] = {}
    buurten: dict[str, model.Wijk] = {}
    cbs_buurten: dict[str, model.Wijk] = {}
    buurtcodes: dict[str, str] = {}
    for w in data.wijken:
        if w.code in codes:
            yield _err(WIJKEN, _line(w, "code"), f"code '{w.code}' komt al voor op regel {codes[w.code]}",
                       "wijk-code-uniek", w.code)
        codes.setdefault(w.code, _line(w, "code"))
        key = fold(w.naam)
        if not key:
            yield _err(WIJKEN, _line(w, "naam"), "naam is leeg", "wijk-naam-leeg", w.code)
        elif key in namen:
            yield _err(WIJKEN, _line(w, "naam"), f"naam '{w.naam}' komt al voor bij wijk "
                                                 f"'{namen[key].code}'", "wijk-naam-uniek", w.code)
        namen.setdefault(key, w)
        if w.cbs_code is not None:
            if w.cbs_code in cbs:
                yield _err(WIJKEN, _line(w, "cbs_code"), f"cbs_code {w.cbs_code} komt al voor bij wijk "
                                                         f"'{cbs[w.cbs_code].code}'", "cbs-code-uniek", w.code)
            cbs.setdefault(w.cbs_code, w)
            if w.cbs_buurten:
                yield _err(WIJKEN, _line(w, "cbs_buurten"), "een wijk heeft cbs_code of cbs_buurten, niet "
                                                            "allebei", "cbs-code-of-buurten", w.code)
        for code in w.cbs_buurten:
            if code in cbs_buurten:
                yield _err(WIJKEN, _line(w, "cbs_buurten"), f"buurtcode {code} hoort al bij wijk "
                                                            f"'{cbs_buurten[code].code}'", "buurtcode-uniek", w.code)
            cbs_buurten.setdefault(code, w)
        for b in w.buurten:
            key = fold(b.naam)
            if not key:
                yield _err(WIJKEN, _line(b, "naam"), "naam van de buurt is leeg", "buurt-naam-leeg", w.code)
            elif key in buurten:
                yield _err(WIJKEN, _line(b, "naam"), f"buurt '{b.naam}' hoort al bij wijk "
                                                     f"'{buurten[key].code}'", "buurt-naam-uniek", w.code)
            buurten.setdefault(key, w)
            if b.cbs_code is not None:
                if b.cbs_code in buurtcodes:
                    yield _err(WIJKEN, _line(b, "cbs_code"), f"buurtcode {b.cbs_code} komt al voor bij buurt "
                                                             f"'{buurtcodes[b.cbs_code]}'", "buurtcode-uniek", w.code)
                buurtcodes.setdefault(b.cbs_code, b.naam)


def check_gebied_bestaat(data: model.Dataset) -> Iterator[Problem]:
    """The gebied of every wijk exists."""
    gebieden = {g.code for g in data.gebieden}
    for w in data.wijken:
        if w.gebied not in gebieden:
            yield _err(WIJKEN, _line(w, "gebied"), f"gebied '{w.gebied}' bestaat niet in "
                                                   f"{VERBINDERS}", "gebied-bestaat", w.code)


def check_cijfers(data: model.Dataset) -> Iterator[Problem]:
    """Figures are consistent: social rental homes never exceed homes."""
    for code, c in ((w.code, x.cijfers) for w in data.wijken for x in (w, *w.buurten)):
        if c is None:
            continue
        if c.sociale_huurwoningen is not None and c.woningen is not None and c.sociale_huurwoningen > c.woningen:
            yield _err(WIJKEN, _line(c, "sociale_huurwoningen"), f"het aantal sociale huurwoningen "
                f"({c.sociale_huurwoningen}) is groter dan het aantal woningen ({c.woningen})",
                "sociale-huur-niet-boven-woningen", code)


def check_organisaties(data: model.Dataset, today: dt.date | None = None) -> Iterator[Problem]:
    """Ids unique in the file; per wijk: order, no two organisations on common ground on a
    common day, successors, areas, dates, legal forms, kern."""
    today = today or text.today()
    ids: dict[str, int] = {}
    for w in data.wijken:
        for org in w.organisaties:
            if org.id in ids:
                yield _err(WIJKEN, _line(org, "id"), f"id '{org.id}' komt al voor op regel {ids[org.id]}; een id is "
                                                     "uniek in het bestand", "organisatie-id-uniek", w.code)
            ids.setdefault(org.id, _line(org, "id"))
            yield from _check_organisatie(w, org, today)
        yield from _check_ground(w)
        yield from _check_successors(w)


def _check_ground(w: model.Wijk) -> Iterator[Problem]:
    """Oldest first; per wijk één organisatie per stuk grond op elke dag (CONTRACT §1)."""
    orgs = w.organisaties
    for a, b in zip(orgs, orgs[1:]):
        if b.begin < a.begin:
            yield _err(WIJKEN, _line(b, "van"), f"organisaties van wijk '{w.code}' staan niet op volgorde van 'van' "
                                                "(oudste eerst; onbekend eerst)", "organisaties-op-volgorde", w.code)
    for i, a in enumerate(orgs):
        for b in orgs[i + 1:]:
            if a.botst(b):
                waar = "de hele wijk" if not a.buurten and not b.buurten else "een gemeenschappelijke buurt"
                yield _err(WIJKEN, _line(b, "van"), f"'{b.naam}' overlapt in tijd met '{a.naam}' (regel {a.regel}) "
                                                    f"op {waar}; "
                           "per stuk van de wijk is er één organisatie tegelijk", "een-organisatie-per-buurt", w.code)


def _check_successors(w: model.Wijk) -> Iterator[Problem]:
    by_id = {o.id: o for o in w.organisaties}
    for org in w.organisaties:
        for ident in org.opvolger_van:
            voorganger = by_id.get(ident)
            if voorganger is None or voorganger is org:
                yield _err(WIJKEN, _line(org, "opvolger_van"), f"opvolger_van '{ident}' is geen andere organisatie "
                                                               f"van wijk '{w.code}'", "opvolger-bestaat", w.code)
            elif org.van is None or voorganger.tot != org.van:
                start = org.van.isoformat() if org.van else "een onbekende dag"
                yield _err(WIJKEN, _line(org, "opvolger_van"), f"'{voorganger.naam}' ({ident}) eindigt niet op "
                    f"{start}, de startdatum van '{org.naam}'", "opvolger-sluit-aan", w.code)


def _check_organisatie(w: model.Wijk, org: model.Organisatie, today: dt.date) -> Iterator[Problem]:
    if not org.naam.strip():
        yield _err(WIJKEN, _line(org, "naam"), "naam van de organisatie is leeg", "organisatie-naam-leeg", w.code)
    if org.van is None and org.soort != model.WIJKRAAD:
        yield _err(WIJKEN, org.regel, f"'{org.naam}' heeft geen 'van'; alleen van een wijkraad mag de start onbekend "
                                      "zijn", "van-ontbreekt", w.code)
    if org.tot is not None and org.van is not None and org.tot <= org.van:
        yield _err(WIJKEN, _line(org, "tot"), f"tot ({org.tot.isoformat()}) moet na van ({org.van.isoformat()}) "
                                              "liggen", "tot-na-van", w.code)
    if org.reden_einde is not None and org.tot is None:
        yield _err(WIJKEN, _line(org, "reden_einde"), "reden_einde zonder einddatum (tot)", "reden-zonder-tot", w.code)
    namen = {b.naam for b in w.buurten}
    for naam in org.buurten:
        if naam not in namen:
            yield _err(WIJKEN, _line(org, "buurten"), f"'{naam}' is geen buurt van wijk '{w.code}'",
                           "buurt-van-eigen-wijk", w.code)
    if len(set(org.buurten)) != len(org.buurten):
        yield _err(WIJKEN, _line(org, "buurten"), f"'{org.naam}' noemt een buurt twee keer", "buurt-dubbel", w.code)
    if org.rechtsvorm in model.KVK_VERPLICHT and org.kvk is None:
        yield _err(WIJKEN, _line(org, "rechtsvorm"), f"een {org.rechtsvorm} heeft een kvk-nummer "
                                                     "nodig", "kvk-nodig", w.code)
    yield from _check_kern(w, org)
    if _kern_te_klein(org) and (org.tot is None or today < org.tot):
        yield _warn(WIJKEN, org.regel, f"'{org.naam}' heeft {kernleden(len(org.kern))}; een wijkplatform heeft er "
                                       f"minstens {model.MIN_KERN}",
                    "kern_te_klein", w.code, org.tot)


def _check_kern(w: model.Wijk, org: model.Organisatie) -> Iterator[Problem]:
    """Every kern member has a name, and no two have the same identity (the folded name,
    model.KernLid.IDENTITY): the commands, the merge driver and `diff` know a member by it.
    Two members sharing an e-mail address (a household) are allowed."""
    seen: dict[str, model.KernLid] = {}
    for lid in org.kern:
        key = model.identity(model.KernLid, lid)
        if not key:
            yield _err(WIJKEN, _line(lid, "naam"), f"kernlid van '{org.naam}' zonder naam (of alleen leestekens)",
                       "kernlid-naam-leeg", w.code)
        elif lid.email is None and lid.telefoon is None:
            yield _err(WIJKEN, lid.regel, f"kernlid '{lid.naam}' heeft geen e-mailadres en geen telefoonnummer; "
                       "een kernlid heeft er minstens één", "kernlid-contact", w.code)
        if key and key in seen:
            yield _err(WIJKEN, _line(lid, "naam"), f"kernlid '{lid.naam}' staat al in de kern van '{org.naam}' "
                       f"(regel {seen[key].regel}); een naam komt één keer voor in een kern", "kernlid-uniek", w.code)
        seen.setdefault(key, lid)


def _kern_te_klein(org: model.Organisatie) -> bool:
    """A platform with too small a recorded kern: a warning on every day before its end. A
    kern without members is one not recorded (the key absent: the file cannot hold an empty
    list), which is unknown rather than too small: `check` notes it (`kern_niet_vastgelegd`)."""
    return org.soort == model.WIJKPLATFORM and 0 < len(org.kern) < model.MIN_KERN


def kern_niet_vastgelegd(data: model.Dataset, today: dt.date) -> Iterator[tuple[str, str, str]]:
    """The wijkplatforms active on `today` or starting later whose kern is not recorded
    (CONTRACT §1: noted, never a warning), as (wijk code, organisation id, naam), in file
    order. Read from each wijk's organisations without a kern (`index.zonder_kern`): from
    the cache's column when the wijken come from it (none is built; the data set as read,
    for `check`), else from the records."""
    from wijkctl.index import CODE, ZONDER_KERN, zonder_kern

    if data.lazy:
        index = data.index
        rows: Iterable[tuple[str, list]] = ((index.column(CODE)[pos], orgs)
                                            for pos, orgs in enumerate(index.column(ZONDER_KERN)) if orgs)
    else:
        rows = ((w.code, zonder_kern(w)) for w in data.wijken if w.organisaties)
    day = today.isoformat()
    for code, orgs in rows:
        for ident, soort, naam, tot in orgs:
            if soort == model.WIJKPLATFORM and (tot is None or day < tot):
                yield code, ident, naam


def check_gebieden(data: model.Dataset) -> Iterator[Problem]:
    """Gebied codes and names are unique."""
    codes: dict[str, int] = {}
    namen: dict[str, int] = {}
    for g in data.gebieden:
        if g.code in codes:
            yield _err(VERBINDERS, _line(g, "code"), f"code '{g.code}' komt al voor op regel "
                                                     f"{codes[g.code]}", "gebied-code-uniek")
        codes.setdefault(g.code, _line(g, "code"))
        if fold(g.naam) in namen:
            yield _err(VERBINDERS, _line(g, "naam"), f"naam '{g.naam}' komt al voor op regel "
                                                     f"{namen[fold(g.naam)]}", "gebied-naam-uniek")
        namen.setdefault(fold(g.naam), _line(g, "naam"))
        # a gebied without a verbinder is normal: not known yet (CONTRACT §1, verbinders.yaml versie 2)


def check_regelingen(data: model.Dataset) -> Iterator[Problem]:
    """One regeling a year; toeslagen well formed (CONTRACT §1, subsidieregeling.yaml)."""
    jaren: dict[int, int] = {}
    for r in data.regelingen:
        if r.jaar in jaren:
            yield _err(REGELINGEN, _line(r, "jaar"), f"er is al een regeling voor {r.jaar} (regel "
                                                     f"{jaren[r.jaar]})", "regeling-jaar-uniek")
        jaren.setdefault(r.jaar, _line(r, "jaar"))
        if r.maximum < r.basisbedrag:
            yield _err(REGELINGEN, _line(r, "maximum"), f"maximum ({r.maximum}) is lager dan basisbedrag "
                                                        f"({r.basisbedrag})", "maximum-niet-onder-basis")
        toeslag_namen: dict[str, int] = {}
        for t in r.toeslagen:
            if fold(t.naam) in toeslag_namen:
                yield _err(REGELINGEN, _line(t, "naam"), f"toeslag '{t.naam}' komt al voor in de regeling van "
                    f"{r.jaar} (regel {toeslag_namen[fold(t.naam)]})", "toeslag-naam-uniek")
            toeslag_namen.setdefault(fold(t.naam), _line(t, "naam"))
            if (t.staffels is None) == (t.boven_gemiddelde is None):
                yield _err(REGELINGEN, t.regel, f"toeslag '{t.naam}' heeft staffels of boven_gemiddelde nodig, "
                                                "precies één van beide", "toeslag-staffels-of-gemiddelde")
            if t.staffels is not None:
                if not t.staffels:
                    yield _err(REGELINGEN, _line(t, "staffels"), f"toeslag '{t.naam}' heeft een lege lijst "
                                                                 "staffels", "staffels-niet-leeg")
                for a, b in zip(t.staffels, t.staffels[1:]):
                    if b.vanaf <= a.vanaf:
                        yield _err(REGELINGEN, b.regel, f"staffels van '{t.naam}' moeten oplopen: {b.vanaf} volgt op "
                                                        f"{a.vanaf}", "staffels-oplopend")
                    elif b.bedrag < a.bedrag:
                        yield _warn(REGELINGEN, b.regel, f"staffel vanaf {b.vanaf} van '{t.naam}' betaalt minder dan "
                            f"die vanaf {a.vanaf}: een hogere waarde geeft dan minder subsidie",
                            "staffel-betaalt-minder")


def check_subsidies(data: model.Dataset) -> Iterator[Problem]:
    """subsidies.yaml (CONTRACT §7) against itself and the regelingen: steps and dates in
    order, payments within what was granted, ids, one record per organisation and year,
    the plafond, the application window; the wijk of each record exists (found through
    the look-up interface, so a cached data set builds no wijk for it)."""
    records = data.of("subsidies")
    if not records:
        return  # nothing to judge: subsidiecheck (and the record classes) stay unimported
    from wijkctl import subsidiecheck as sc

    for check in (*sc.PER_RECORD, *sc.ACROSS_RECORDS, sc.check_plafond, sc.warn_venster):
        yield from check(records, data)
    yield from _wijk_bestaat(records, data)


def _wijk_bestaat(records: list, data: model.Dataset) -> Iterator[Problem]:
    """The wijk of each subsidy record exists (found through the look-up interface, so a
    cached data set builds no wijk for it)."""
    for s in records:
        if data.index.find("code", s.wijk) is None:
            yield _err(SUBSIDIES, s.regels.get("wijk", s.regel), f"{s.id}: wijk '{s.wijk}' bestaat niet",
                       "subsidie-wijk", s.wijk)


def _subsidies_touched(data: model.Dataset, name: str, pairs: list[tuple[object | None, object]]) -> Iterator[Problem]:
    """`check_subsidies` where only the records `pairs` (each as it was, None when added,
    and as it is) of subsidies.yaml changed, the others valid."""
    if name != SUBSIDIES or not pairs:
        return
    from wijkctl import subsidiecheck as sc

    yield from sc.touched(pairs, data)
    yield from _wijk_bestaat([s for _was, s in pairs], data)


def _organisaties_touched(data: model.Dataset, name: str,
                          pairs: list[tuple[object | None, object]]) -> Iterator[Problem]:
    """`check_subsidie_organisaties` for the records `pairs` of subsidies.yaml that changed."""
    if name != SUBSIDIES or not pairs:
        return
    from wijkctl import subsidiecheck as sc

    yield from (p for p in sc.check_organisatie([s for _was, s in pairs], data) if p.rule != "subsidie-wijk")


def _formats_touched(data: model.Dataset, name: str, pairs: list[tuple[object | None, object]]) -> Iterator[Problem]:
    """`check_small_formats` for the records `pairs` of file `name` that changed."""
    schema = FILES[name].schema
    for _was, record in pairs:
        yield from _formats(name, record, schema, None)


def check_subsidie_organisaties(data: model.Dataset) -> Iterator[Problem]:
    """Per wijk: the organisation of each of its subsidy records is a wijkplatform of it,
    active on at least one day of the record's year."""
    wijken = data.wijken
    if data.pending("subsidies") is not None and len(wijken) <= _FEW:  # their records only, from the cache
        mine = [s for w in wijken for s in data.where("subsidies", wijk=w.code)]
    else:
        codes = {w.code for w in wijken}
        mine = [s for s in data.of("subsidies") if s.wijk in codes]
    if not mine:
        return  # nothing to judge: subsidiecheck (and the record classes) stay unimported
    from wijkctl import subsidiecheck as sc

    yield from (p for p in sc.check_organisatie(mine, data) if p.rule != "subsidie-wijk")


_FEW = 8  # wijken whose subsidy records are looked up one wijk at a time rather than all read


class Rule(NamedTuple):
    """A validator and its scope, which says what a change must run it on:

    - "wijk": a rule about each wijk on its own, reading of the other files only those
      in `reads`; run on the wijken that changed (on all, when a file it reads changed);
    - "uniek": a "wijk" rule that also finds keys held twice among the wijken it is
      given; those keys are declared in `index.KEYS`, so a change is checked against the
      others through the index (`index.conflicts`);
    - "bestand": a rule about the files other than wijken.yaml; run when one changed;
    - "alles": a rule across files over every wijk; any change runs it on everything.

    A warning of a "wijk" or "uniek" rule holds from now until its `tot` (warnings only
    end): each wijk's "quiet from" day, kept in the cache, is derived from them.

    `touched`: for a rule that reads the records of a deferred file (subsidies.yaml), the
    errors it finds when only some of those records changed (`valid_records_change`),
    given the data, the file and each record touched as it was (None: added) and as it
    is: every error the whole rule would find then, at the cost of those records."""

    check: Callable[[model.Dataset], Iterable[Problem]]
    scope: str
    reads: tuple[str, ...] = ()
    warns: bool = True  # False: gives errors only, so it has no say in a wijk's "quiet from" day
    touched: Callable[[model.Dataset, str, list[tuple[object | None, object]]], Iterable[Problem]] | None = None


RULES: tuple[Rule, ...] = (
    Rule(check_wijk_formats, "wijk"),
    Rule(check_small_formats, "bestand", touched=_formats_touched),
    Rule(check_wijk_identity, "uniek"),
    Rule(check_gebied_bestaat, "wijk", reads=(VERBINDERS,)),
    Rule(check_cijfers, "wijk"),
    Rule(check_organisaties, "uniek"),
    Rule(check_gebieden, "bestand"),
    Rule(check_regelingen, "bestand"),
    # a record's wijk missing makes the part-only run of a change see every other wijk's
    # records as orphans: that verdict is "not clean", so the change is validated whole
    Rule(check_subsidies, "bestand", touched=_subsidies_touched),
    Rule(check_subsidie_organisaties, "wijk", reads=(SUBSIDIES,), warns=False, touched=_organisaties_touched),
)
PER_WIJK = ("wijk", "uniek")


def validate(data: model.Dataset) -> list[Problem]:
    """Every problem of every registered rule, sorted by file and line."""
    problems = [p for rule in RULES for p in rule.check(data)]
    return sorted(problems, key=lambda p: (p.bestand, p.regel, p.melding))


def quiet_from(w: model.Wijk, others: dict[str, list] | model.Dataset) -> str:
    """The first day (ISO) from which the rules give no warning for wijk `w` (with the
    other files' records `others`, by Dataset attribute): "" when they give none now,
    index.NOOIT when one lasts for ever."""
    from wijkctl.index import NOOIT

    part = _part([w], others)
    ends = [p.tot for rule in RULES if rule.scope in PER_WIJK and rule.warns for p in rule.check(part)
            if p.ernst != "fout"]
    if not ends:
        return ""
    return NOOIT if None in ends else max(ends)  # type: ignore[type-var]


def _part(wijken: list[model.Wijk], others: dict[str, list] | model.Dataset) -> model.Dataset:
    """A data set of `wijken` with the other files' records `others` (by Dataset
    attribute, or those of a data set, a deferred file's still deferred)."""
    if isinstance(others, model.Dataset):
        return others.sharing(wijken)
    return model.Dataset(wijken, **others)


def quiet_files(data: model.Dataset) -> bool:
    """Whether the rules that are not about each wijk on its own give no problem today."""
    return not any(True for rule in RULES if rule.scope not in PER_WIJK for _p in rule.check(data))


def valid_change(old: Index, changed: dict[int, tuple[Summary, model.Wijk]], others: dict[str, list] | model.Dataset, *,
                 changed_files: frozenset[str]) -> bool | None:
    """Whether valid wijken (`old`, their index) stay valid when the wijken at the
    positions in `changed` (each with its summary before) become those given, with the
    other files' records `others` (by Dataset attribute), of which `changed_files`
    changed: the verdict of validating everything (no error), at the cost of the change;
    None when the rules' scopes do not allow it (validate everything).

    The rules about each wijk run on the changed wijken; what must be unique is looked
    up in the index of the others (`index.conflicts`).
    """
    from wijkctl.index import conflicts, summary

    verdict = breaks_rules([w for _was, w in changed.values()], others, changed_files=changed_files)
    if verdict is None or verdict:
        return None if verdict is None else False
    return not conflicts(old, {pos: (was, summary(w, None)) for pos, (was, w) in changed.items()})


def valid_records_change(data: model.Dataset, touched: dict[str, list[tuple[object | None, object]]]) -> bool | None:
    """Whether valid data stays valid when only the records `touched` of deferred files
    change (by file name: each as it was, None when added, and as it is), the wijken and
    every other record as they were: the verdict of validating everything (no error), at
    the cost of the change; None when a rule's scope asks for everything.

    A rule with a `touched` part runs that; a rule about the other files runs whole; a
    rule about each wijk that reads none of these files has nothing new to judge."""
    names = frozenset(touched)
    for rule in RULES:
        if rule.touched is not None:
            problems: Iterable[Problem] = (p for name, pairs in touched.items()
                                           for p in rule.touched(data, name, pairs))
        elif rule.scope == "alles" or (rule.scope in PER_WIJK and names & set(rule.reads)):
            return None
        elif rule.scope in PER_WIJK:
            continue
        else:
            problems = rule.check(data)
        if any(p.ernst == "fout" for p in problems):
            return False
    return True


def breaks_rules(wijken: list[model.Wijk], others: dict[str, list] | model.Dataset, *,
                 changed_files: frozenset[str]) -> bool | None:
    """Whether these wijken, among themselves and with the other files' records
    `others`, break a rule (an error, not a warning), when the data was valid before and
    only these wijken and the files in `changed_files` changed; None when a rule's scope
    asks for every wijk (an "alles" rule, or a "wijk" rule reading a changed file)."""
    part = _part(wijken, others)
    run = []
    for rule in RULES:
        if rule.scope == "alles" or (rule.scope in PER_WIJK and changed_files & set(rule.reads)):
            return None
        if rule.scope in PER_WIJK or changed_files - {WIJKEN}:
            run.append(rule)
    return any(p.ernst == "fout" for rule in run for p in rule.check(part))
