"""The domain rules: finding a WIJK, and the life of an organisation.

Pure functions on a `Dataset`: they change it in place and return a `Change`, or raise
a WijkctlError carrying the contract's exit code. `transaction.apply` runs them under the lock.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from wijkctl import model
from wijkctl.errors import NotFound, Refused, UsageError
from wijkctl.model import Change
from wijkctl.schema import schema_of
from wijkctl.text import datum, fold, kernleden, opsomming, slug, unique_id

# --- finding ------------------------------------------------------------------


def _suggest(query: str, names: list[str]) -> str:
    import difflib

    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(fold(name), name)
    key = fold(query)
    # a name that contains what was typed ("zaanen": Te Zaanenkwartier) comes first,
    # then names spelled alike
    inside = [f for f in folded if len(key) >= 3 and key in f] if key else []
    alike = difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)
    close = list(dict.fromkeys(inside + alike))[:3]
    if not close:
        return ""
    shown = [folded[c] for c in close]
    if len(shown) == 1:
        return f" Bedoelde je {shown[0]}?"
    return f" Bedoelde je {', '.join(shown[:-1])} of {shown[-1]}?"


_ARTICLE = re.compile(r"(?:de|het|'t|’t)\s+", re.IGNORECASE)


def without_article(data: model.Dataset, query: str) -> str:
    """`query` without a leading Dutch article ("de Vijfhoek", "het ...", "'t ..."),
    unless a wijk is named with it."""
    q = query.strip()
    article = _ARTICLE.match(q)
    if article and data.index.find("naam", fold(q)) is None:
        return q[article.end():]
    return q


def match_wijk(data: model.Dataset, query: str, *, prefix: bool = True) -> model.Wijk:
    """The wijk meant by `query` (CONTRACT §3): code, CBS code, name, buurt, then prefix.

    Commands that change data pass `prefix=False`: they act only on a wijk named exactly,
    and a unique prefix becomes a suggestion. Raises NotFound (exit 3) with suggestions,
    or listing the candidates when several fit. Found through the look-ups of the
    wijken's index (`data.index`: find, starting_with, label, names), so only the wijk
    found is built.
    """
    index = data.index
    q = without_article(data, query)
    cbs = q.upper()
    if re.fullmatch(r"[0-9]{6}", cbs):
        cbs = "WK" + cbs
    key = fold(q)
    for kind, wanted in (("code", q), ("cbs", cbs), ("naam", key), ("buurt", key)):
        pos = index.find(kind, wanted) if wanted else None
        if pos is not None:
            return data.wijk_at(pos)
        if kind == "cbs" and not key:
            raise NotFound(f"'{query}' is geen wijknaam.")
    prefixed = index.starting_with(key)
    if len(prefixed) == 1:
        if prefix:
            return data.wijk_at(prefixed[0])
        raise NotFound(
            f"Wijk '{query}' niet gevonden. Bedoelde je {index.name(prefixed[0])}? "
            "Een wijziging vraagt de volledige naam, de code of de CBS-code."
        )
    if prefixed:
        opties = ", ".join(index.label(pos) for pos in prefixed)
        raise NotFound(f"'{query}' past bij meerdere wijken: {opties}. Wees specifieker.")
    raise NotFound(f"Wijk '{query}' niet gevonden.{_suggest(q, list(index.names()))}")


def match_gebied(data: model.Dataset, query: str) -> model.Gebied:
    """A gebied by code or (folded) name; NotFound with suggestions otherwise."""
    key = fold(query)
    for gebied in data.gebieden:
        if gebied.code == query.strip() or fold(gebied.naam) == key:
            return gebied
    raise NotFound(f"Gebied '{query}' niet gevonden.{_suggest(query, [g.naam for g in data.gebieden])}")


def gebieden_of_verbinder(data: model.Dataset, query: str) -> list[model.Gebied]:
    """The gebieden whose gebiedsverbinder is the person `query` names (folded, as names
    are compared everywhere): a verbinder may serve several gebieden."""
    key = fold(query)
    return [g for g in data.gebieden if key and g.verbinder is not None and fold(g.verbinder.naam) == key]


# --- input values ---------------------------------------------------------------

def value_complaint(cls: type, key: str, value: object) -> str | None:
    """What is wrong with a command-line value for the field `key` of record `cls`,
    judged by the field's declaration (the same rule `check` applies to the files)."""
    from wijkctl.formats import complaint
    from wijkctl.text import control_character

    f = next(f for f in schema_of(cls).fields if f.key == key)
    if isinstance(value, str) and control_character(value, multiline=f.multiline):
        return f"{f.label} bevat een stuurteken"
    return complaint(f.label, value, f.fmt, f.keuze)


def _require(cls: type, key: str, value: object, context: str = "") -> None:
    klacht = value_complaint(cls, key, value)
    if klacht is not None:
        raise UsageError(f"{context}{klacht[0].upper()}{klacht[1:]}.")


@dataclass(frozen=True)
class Details:
    """Optional platform details given on the command line, checked once when made:
    each value by its Organisatie declaration; UsageError (exit 2) for the first bad one.
    `leeg` names the details to clear (`update --email ""`)."""

    rechtsvorm: str | None = None
    kvk: str | None = None
    email: str | None = None
    website: str | None = None
    leeg: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in ("rechtsvorm", "kvk", "email", "website"):
            value = getattr(self, key)
            if value is not None:
                _require(model.Organisatie, key, value)


def _check_kvk_needed(rechtsvorm: str | None, kvk: str | None) -> None:
    if rechtsvorm in model.KVK_VERPLICHT and kvk is None:
        raise UsageError(f"Een {rechtsvorm} heeft een KvK-nummer nodig: geef --kvk op (8 cijfers).")


def _check_kern(members: list[model.KernLid]) -> None:
    seen: set[str] = set()
    for lid in members:
        key = model.identity(model.KernLid, lid)
        if not key:
            raise UsageError(f"Kernlid '{lid.naam}' heeft geen naam met letters of cijfers.")
        if key in seen:
            raise UsageError(f"Kernlid '{lid.naam}' staat er twee keer in.")
        seen.add(key)
    if len(members) < model.MIN_KERN:
        raise Refused(
            f"Een wijkplatform heeft een kern van minstens {model.MIN_KERN} bewoners; "
            f"er {'is' if len(members) == 1 else 'zijn'} {kernleden(len(members))} opgegeven (--member)."
        )


# --- the life of an organisation -------------------------------------------------


def is_successor(org: model.Organisatie, of: model.Organisatie) -> bool:
    """True when `org` took over from `of`: it names `of`'s id and starts the day `of` ends."""
    return org is not of and of.id in org.opvolger_van and of.tot is not None and org.van == of.tot


def find_org(wijk: model.Wijk, query: str, candidates: list[model.Organisatie] | None = None,
             wat: str = "organisatie") -> model.Organisatie:
    """The organisation of `wijk` named by `query`: its id, or its name compared folded.
    NotFound (exit 3) with suggestions, or listing the candidates when several fit."""
    pool = wijk.organisaties if candidates is None else candidates
    q = query.strip()
    hits = [o for o in pool if o.id == q] or [o for o in pool if fold(o.naam) == fold(q)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise NotFound(f"'{query}' past bij meerdere organisaties van {wijk.naam}: {_listing(hits)}. Geef het id.")
    namen = [o.naam for o in pool] + [o.id for o in pool]
    raise NotFound(f"{wat.capitalize()} '{query}' niet gevonden in {wijk.naam}.{_suggest(q, namen)}"
                   + (f" Kies uit: {_listing(pool)}." if pool else ""))


def _listing(orgs: list[model.Organisatie]) -> str:
    return "; ".join(f"{o.naam} ({o.id}, {_periode(o)})" for o in orgs)


def _periode(org: model.Organisatie) -> str:
    return f"vanaf {datum(org.van)}" + (f" tot {datum(org.tot)}" if org.tot else "")


def _one_active(wijk: model.Wijk, on: dt.date, org_query: str | None, soort: str | None,
                doel: str) -> model.Organisatie:
    """The organisation an update or end acts on: `--org`, else the only one active on `on`."""
    if org_query is not None:
        return find_org(wijk, org_query)
    actief = [o for o in wijk.actief_op(on) if soort is None or o.soort == soort]
    if len(actief) == 1:
        return actief[0]
    if actief:
        raise NotFound(f"{wijk.naam} heeft op {datum(on)} meerdere actieve organisaties: {_listing(actief)}. "
                       f"Kies er een met --org.")
    anders = wijk.actief_op(on)
    if anders:
        raise Refused(f"De actieve organisatie van {wijk.naam} is {anders[0].naam}, een {anders[0].soort}; "
                      f"'update' werkt op een wijkplatform.")
    later = [o for o in wijk.organisaties if o.van is not None and o.van > on and (soort is None or o.soort == soort)]
    hint = (f" {later[0].naam} begint op {datum(later[0].van)}: gebruik --on {later[0].van.isoformat()}."
            if later else "")
    raise Refused(f"{wijk.naam} heeft op {datum(on)} geen actieve organisatie om {doel}.{hint}")


def _insert(wijk: model.Wijk, org: model.Organisatie) -> None:
    """Add `org` keeping the organisations oldest first (an unknown start first)."""
    pos = len(wijk.organisaties)
    while pos > 0 and wijk.organisaties[pos - 1].begin > org.begin:
        pos -= 1
    wijk.organisaties.insert(pos, org)


def _check_buurten(wijk: model.Wijk, buurten: list[str]) -> list[str]:
    """The buurten named by --buurt, as their names in the data; UsageError (exit 2) for an
    unknown one, with a suggestion."""
    out = []
    for query in buurten:
        buurt = next((b for b in wijk.buurten if fold(b.naam) == fold(query)), None)
        if buurt is None:
            bekend = ", ".join(b.naam for b in wijk.buurten) or "geen"
            raise UsageError(f"'{query}' is geen buurt van "
                             f"{wijk.naam}.{_suggest(query, [b.naam for b in wijk.buurten])} "
                             f"Buurten van {wijk.naam}: {bekend}. Een nieuwe buurt komt erbij met "
                             f"'wijkctl add-buurt {wijk.code} --name NAAM [--cbs-code BU...]'.")
        if buurt.naam not in out:
            out.append(buurt.naam)
    return out


def _refuse_overlap(wijk: model.Wijk, new: model.Organisatie, ignore: tuple[model.Organisatie, ...] = ()) -> None:
    for org in wijk.organisaties:
        if org is new or org in ignore or not org.botst(new):
            continue
        grond = "de hele wijk" if not org.buurten or not new.buurten else \
            ", ".join(sorted(set(org.buurten) & set(new.buurten)))
        hint = ""
        if org.soort == model.WIJKRAAD and org.tot is None and new.soort == model.WIJKPLATFORM and new.van:
            hint = (f" Zet de wijkraad om met 'wijkctl convert {wijk.code} --from {new.van.isoformat()}"
                    f" --wijkraad {org.id}'.")
        elif org.tot is None:
            hint = f" Beëindig die eerst met 'wijkctl end {wijk.code} --org {org.id} --on DATUM'."
        raise Refused(
            f"{wijk.naam} heeft al een organisatie op {grond} in die periode: {org.naam} ({org.soort}, "
            f"{_periode(org)}). "
            f"Per stuk van de wijk is er één organisatie tegelijk.{hint}"
        )


def _new_org(wijk: model.Wijk, taken: set[str], **fields: object) -> model.Organisatie:
    """A new organisation with a fresh id: from its name, unique among the ids in the file
    (`taken`). An id removed by `unregister` is known only to git's history and may return."""
    naam = str(fields["naam"]).strip()
    if not naam:
        raise UsageError("De naam (--name) mag niet leeg zijn.")
    _require(model.Organisatie, "naam", naam)
    org = model.Organisatie(id=unique_id(slug(naam), taken), **{**fields, "naam": naam})  # type: ignore[arg-type]
    if org.tot is not None and org.van is not None and org.tot <= org.van:
        raise UsageError(f"--to ({org.tot.isoformat()}) moet na --from ({org.van.isoformat()}) liggen.")
    return org


@dataclass
class Area:
    """Where and when: start (None: unknown), end, the buurten covered (empty: the whole
    wijk) and the source of the facts."""

    van: dt.date | None
    tot: dt.date | None = None
    buurten: tuple[str, ...] = ()
    bron: str | None = None


def register(wijk: model.Wijk, *, naam: str, area: Area, members: list[model.KernLid], details: Details,
             taken: set[str]) -> Change:
    """Register a wijkplatform for `wijk` (one that has already ended, with `area.tot`)."""
    _check_kvk_needed(details.rechtsvorm, details.kvk)
    _check_kern(members)
    org = _new_org(wijk, taken, soort=model.WIJKPLATFORM, naam=naam, van=area.van, tot=area.tot,
                   bron=area.bron, buurten=_check_buurten(wijk, list(area.buurten)), rechtsvorm=details.rechtsvorm,
                   kvk=details.kvk, email=details.email, website=details.website, kern=members)
    _refuse_overlap(wijk, org)
    _insert(wijk, org)
    return Change(
        f"{org.naam} geregistreerd voor {wijk.naam} per {datum(org.van)} ({org.id}).",
        f"register: {org.naam} ({wijk.code}) per {org.van.isoformat()}",  # type: ignore[union-attr]
    )


def register_wijkraad(wijk: model.Wijk, *, naam: str, area: Area, taken: set[str]) -> Change:
    """Record an existing or historic wijkraad; its start may be unknown."""
    org = _new_org(wijk, taken, soort=model.WIJKRAAD, naam=naam, van=area.van, tot=area.tot, bron=area.bron,
                   buurten=_check_buurten(wijk, list(area.buurten)))
    _refuse_overlap(wijk, org)
    _insert(wijk, org)
    start = datum(org.van) if org.van else "onbekende datum"
    return Change(
        f"{org.naam} vastgelegd voor {wijk.naam}, actief vanaf {start}"
        + (f" tot {datum(org.tot)}" if org.tot else "") + f" ({org.id}).",
        f"register: {org.naam} ({wijk.code}), wijkraad" + (f" tot {org.tot.isoformat()}" if org.tot else ""),
    )


def convert(wijk: model.Wijk, *, van: dt.date, raden: list[str], naam: str | None, members: list[model.KernLid],
            details: Details, buurten: list[str], bron: str | None, taken: set[str]) -> Change:
    """End the named wijkraden (default: the only one active on `van`) on `van` and start
    their wijkplatform on `van`, covering the union of their areas unless `buurten` says."""
    actief = [o for o in wijk.actief_op(van) if o.soort == model.WIJKRAAD]
    if raden:
        gekozen = [find_org(wijk, q, actief, "actieve wijkraad") for q in raden]
    elif len(actief) == 1:
        gekozen = actief
    elif actief:
        raise NotFound(f"{wijk.naam} heeft op {datum(van)} meerdere actieve wijkraden: {_listing(actief)}. "
                       "Kies met --wijkraad ID welke worden omgezet.")
    else:
        wat = ", ".join(f"{o.naam} ({o.soort})" for o in wijk.actief_op(van)) or "er is dan geen organisatie actief"
        raise Refused(f"{wijk.naam} heeft op {datum(van)} geen actieve wijkraad om om te zetten: {wat}.")
    gekozen = [r for i, r in enumerate(gekozen) if all(r is not s for s in gekozen[:i])]  # once each
    for raad in gekozen:
        if raad.van is not None and raad.van >= van:
            raise Refused(f"{raad.naam} begint op {datum(raad.van)}; de omzetting moet daarna liggen.")
        _refuse_breaking_succession(wijk, raad)
    if not buurten:  # the union of their areas; one that covers the whole wijk makes it whole
        gedekt = dict.fromkeys(b for r in gekozen for b in r.buurten)
        buurten = [] if any(not r.buurten for r in gekozen) else list(gedekt)
    _check_kvk_needed(details.rechtsvorm, details.kvk)
    _check_kern(members)
    org = _new_org(wijk, taken, soort=model.WIJKPLATFORM, naam=naam or f"Wijkplatform {wijk.naam}", van=van,
                   bron=bron, opvolger_van=[r.id for r in gekozen], buurten=_check_buurten(wijk, buurten),
                   rechtsvorm=details.rechtsvorm, kvk=details.kvk, email=details.email, website=details.website,
                   kern=members)
    _refuse_overlap(wijk, org, ignore=tuple(gekozen))
    for raad in gekozen:
        raad.tot = van
    _insert(wijk, org)
    namen = ", ".join(r.naam for r in gekozen)
    return Change(
        f"{namen} omgezet in {org.naam} per {datum(van)} ({org.id}).",
        f"convert: {namen} -> {org.naam} ({wijk.code}) per {van.isoformat()}",
    )


def update(
    wijk: model.Wijk,
    *,
    on: dt.date,
    org_query: str | None = None,
    naam: str | None = None,
    details: Details | None = None,
    add: list[model.KernLid] | None = None,
    remove: list[str] | None = None,
    buurten: list[str] | None = None,
    van: dt.date | None = None,
    change: tuple[str, model.KernLid] | None = None,
) -> Change:
    """Change the details, area, start or kern of a wijkplatform (`--org`, else the one
    active on `on`); `change` replaces one kern member (by name or e-mail) in place.

    A kern below 3 is recorded as it is, with a warning: the register holds what is true.
    """
    details = details or Details()
    org = _one_active(wijk, on, org_query, model.WIJKPLATFORM if org_query is None else None, "bij te werken")
    if org.soort != model.WIJKPLATFORM:
        raise Refused(f"{org.naam} is een wijkraad; 'update' werkt op een wijkplatform.")
    wat = _update_details(wijk, org, naam, details, buurten, van)
    herhaald = _update_kern(org, wat, change, remove or [], add or [])
    if herhaald is not None:
        return Change(f"Niets te wijzigen: {herhaald}", "")
    if not wat:
        return Change(f"Niets te wijzigen aan {org.naam}.", "")
    let_op = (f" Let op: {org.naam} heeft nu {kernleden(len(org.kern))}; een wijkplatform heeft er minstens "
              f"{model.MIN_KERN}." if len(org.kern) < model.MIN_KERN and (remove or add) else "")
    return Change(
        f"{org.naam} bijgewerkt: {opsomming(wat)}.{let_op}",
        f"update: {org.naam} ({wijk.code}): {opsomming(wat)}",
    )


def update_per(wijk: model.Wijk, *, per: dt.date, org_query: str | None, naam: str | None,
               buurten: list[str] | None, taken: set[str]) -> Change:
    """A change of name or area that takes effect on `per` (CONTRACT §7): the wijkplatform
    (`--org`, else the one active on `per`) ends on `per` and its successor starts that day
    with the same details and kern, a new id and `opvolger_van` the old one, so the months
    before `per` keep the old name and area in every computation."""
    org = _one_active(wijk, per, org_query, model.WIJKPLATFORM if org_query is None else None, "bij te werken")
    if org.soort != model.WIJKPLATFORM:
        raise Refused(f"{org.naam} is een wijkraad; 'update' werkt op een wijkplatform.")
    if not org.actief_op(per):
        raise Refused(f"{org.naam} is op {datum(per)} niet actief ({_periode(org)}); --per moet in die periode vallen.")
    nieuw_naam = naam.strip() if naam is not None else org.naam
    nieuw_buurten = _check_buurten(wijk, buurten) if buurten else list(org.buurten)
    wat = ([f"naam {org.naam} → {nieuw_naam}"] if nieuw_naam != org.naam else []) + (
        [f"buurten {', '.join(nieuw_buurten) or 'hele wijk'}"] if nieuw_buurten != org.buurten else [])
    if not wat:
        return Change(f"Niets te wijzigen aan {org.naam}.", "")
    if per <= org.begin:
        raise Refused(f"{org.naam} begint op {datum(org.van)}; een wijziging per die dag is een correctie: "
                      "laat --per weg.")
    _refuse_breaking_succession(wijk, org)
    velden = {f.name: copy.deepcopy(getattr(org, f.name)) for f in dataclasses.fields(org)
              if f.name not in ("id", "regel", "regels")}
    velden.update(naam=nieuw_naam, van=per, buurten=nieuw_buurten, opvolger_van=[org.id])
    opvolger = _new_org(wijk, taken, **velden)
    _refuse_overlap(wijk, opvolger, ignore=(org,))
    org.tot, org.reden_einde = per, f"opgevolgd door {opvolger.naam} ({opvolger.id}): {', '.join(wat)}"
    _insert(wijk, opvolger)
    return Change(
        f"{org.naam} eindigt per {datum(per)}; {opvolger.naam} ({opvolger.id}) volgt op met {', '.join(wat)}.",
        f"update: {org.naam} ({wijk.code}) per {per.isoformat()}: {', '.join(wat)}, opvolger {opvolger.id}",
    )


def _update_details(wijk: model.Wijk, org: model.Organisatie, naam: str | None, details: Details,
                    buurten: list[str] | None, van: dt.date | None) -> list[str]:
    """Apply name, details, area and start; what changed, in words."""
    wat: list[str] = []
    if naam is not None and naam.strip() != org.naam:
        if not naam.strip():
            raise UsageError("De naam (--name) mag niet leeg zijn.")
        _require(model.Organisatie, "naam", naam.strip())
        wat.append(f"naam {org.naam} → {naam.strip()}")
        org.naam = naam.strip()
    for attr, label in (("rechtsvorm", "rechtsvorm"), ("kvk", "KvK"), ("email", "e-mail"), ("website", "website")):
        value = getattr(details, attr)
        if value is not None and value != getattr(org, attr):
            setattr(org, attr, value)
            wat.append(f"{label} {value}")
        elif attr in details.leeg and getattr(org, attr) is not None:
            setattr(org, attr, None)
            wat.append(f"{label} verwijderd")
    _check_kvk_needed(org.rechtsvorm, org.kvk)
    if buurten:
        nieuw = _check_buurten(wijk, buurten)
        if nieuw != org.buurten:
            org.buurten = nieuw
            _refuse_overlap(wijk, org)
            wat.append(f"buurten {', '.join(nieuw)}")
    if van is not None and van != org.van:
        if org.opvolger_van:
            raise Refused(f"{org.naam} volgt {', '.join(org.opvolger_van)} op per {datum(org.van)}; "
                          "die dag verschuift alleen samen met het einde van de voorganger.")
        wat.append(f"van {datum(org.van)} → {datum(van)}")
        org.van = van
        _refuse_overlap(wijk, org)
        wijk.organisaties.remove(org)
        _insert(wijk, org)
    return wat


def _update_kern(org: model.Organisatie, wat: list[str], change: tuple[str, model.KernLid] | None,
                 remove: list[str], add: list[model.KernLid]) -> str | None:
    """Change, remove and add kern members, noting each in `wat`. Returns why nothing is to
    change when the whole request is a repeat of what the data already holds."""
    kern = list(org.kern)
    if change is not None:
        lid, nieuw = _member(org, kern, change[0]), change[1]
        if nieuw.rol is None and lid.rol is not None:  # new contact details keep the member's role
            nieuw = dataclasses.replace(nieuw, rol=lid.rol)
        if lid != nieuw:
            _refuse_twice(org, [k for k in kern if k is not lid], nieuw)
            kern[kern.index(lid)] = nieuw
            wat.append(f"kernlid {lid.naam} gewijzigd")
    missing = [q for q in remove if not _matches(org.kern, q)]
    if missing and len(missing) == len(remove) and not add and not wat and not any(
            _suggest(q, [k.naam for k in kern]) for q in missing):
        return f"'{missing[0]}' is geen kernlid (meer) van {org.naam}."  # a repeated removal: already as asked
    for query in remove:
        if not _matches(kern, query) and _matches(org.kern, query):
            continue  # already gone in this very change
        lid = _member(org, kern, query)
        kern.remove(lid)
        wat.append(f"kernlid {lid.naam} vertrokken")
    for lid in add:
        if any(k == lid for k in kern) and not remove and not wat:  # a repeated addition
            return f"{lid.naam} zit al in de kern van {org.naam}."
        _refuse_twice(org, kern, lid)
        kern.append(lid)
        wat.append(f"kernlid {lid.naam} toegevoegd")
    org.kern = kern
    return None


def _refuse_twice(org: model.Organisatie, kern: list[model.KernLid], lid: model.KernLid) -> None:
    """Refuse a member without an identity (exit 2) or one whose identity (folded name) is
    already in the kern (exit 4)."""
    if not model.identity(model.KernLid, lid):
        raise UsageError(f"Kernlid '{lid.naam}' heeft geen naam met letters of cijfers.")
    if any(model.identity(model.KernLid, k) == model.identity(model.KernLid, lid) for k in kern):
        raise Refused(f"{lid.naam} zit al in de kern van {org.naam}.")


def _matches(kern: list[model.KernLid], query: str) -> list[model.KernLid]:
    """The members a person means by `query`: the one whose identity (folded name) it is,
    else those with that e-mail address (several share one in a household)."""
    key = fold(query)
    by_name = [k for k in kern if model.identity(model.KernLid, k) == key] if key else []
    if by_name:
        return by_name
    email = query.strip().lower()
    return [k for k in kern if k.email is not None and k.email.lower() == email]


def _member(org: model.Organisatie, kern: list[model.KernLid], query: str) -> model.KernLid:
    """The kern member `query` means (by name, folded, or e-mail); NotFound (exit 3) with
    "bedoelde je" when none, or listing them when an e-mail address is several members'."""
    found = _matches(kern, query)
    if not found:
        raise NotFound(f"'{query}' is geen kernlid van {org.naam}.{_suggest(query, [k.naam for k in kern])}")
    if len(found) > 1:
        raise NotFound(f"'{query}' is het e-mailadres van meer kernleden van {org.naam}: "
                       f"{', '.join(k.naam for k in found)}. Noem het kernlid bij naam.")
    return found[0]


def _refuse_breaking_succession(wijk: model.Wijk, org: model.Organisatie) -> None:
    """Refuse to move the end of an organisation whose successor takes over on that day."""
    opvolger = next((o for o in wijk.organisaties if is_successor(o, org)), None)
    if opvolger is not None:
        raise Refused(
            f"{org.naam} eindigt al op {datum(org.tot)}, waar {opvolger.naam} het overneemt; "
            "een ander einde zou die opvolging breken."
        )


def unregister(wijk: model.Wijk, *, org_query: str | None, reden: str) -> Change:
    """Remove an organisation that was recorded by mistake (the history stays in git)."""
    if not reden.strip():
        raise UsageError("Geef met --reason aan waarom de registratie weg moet; die reden komt in de commit.")
    if org_query is not None:
        org = find_org(wijk, org_query)
    elif len(wijk.organisaties) == 1:
        org = wijk.organisaties[0]
    elif wijk.organisaties:
        raise NotFound(f"{wijk.naam} heeft meerdere organisaties: {_listing(wijk.organisaties)}. Kies er een met "
                       "--org.")
    else:
        raise Refused(f"{wijk.naam} heeft geen organisaties om te verwijderen.")
    opvolgers = [o.naam for o in wijk.organisaties if org.id in o.opvolger_van]
    if opvolgers:
        raise Refused(f"{', '.join(opvolgers)} volgt {org.naam} op; verwijder of wijzig eerst die registratie.")
    wijk.organisaties.remove(org)
    return Change(
        f"{org.naam} ({org.id}) verwijderd uit {wijk.naam}: {reden.strip()}.",
        f"unregister: {org.naam} ({org.id}, {wijk.code}): {reden.strip()}",
    )


def end(wijk: model.Wijk, *, on: dt.date, org_query: str | None = None, reden: str | None = None) -> Change:
    """End an organisation (`--org`, else the only one active on `on`): `on` is its first
    inactive day."""
    org = _one_active(wijk, on, org_query, None, "te beëindigen")
    if not org.actief_op(on):
        raise Refused(f"{org.naam} is op {datum(on)} niet actief ({_periode(org)}).")
    if on <= org.begin:
        raise Refused(f"{org.naam} begint op {datum(org.van)}; de einddatum moet daarna liggen.")
    _refuse_breaking_succession(wijk, org)
    org.tot = on
    if reden is not None and reden.strip():
        org.reden_einde = reden.strip()
    return Change(
        f"{org.naam} ({org.soort}) beëindigd per {datum(on)}.",
        f"end: {org.naam} ({wijk.code}) per {on.isoformat()}",
    )


def clear_verbinder(data: model.Dataset, gebied_query: str) -> Change:
    """The gebiedsverbinder of a gebied leaves: none known until a new one is set."""
    gebied = match_gebied(data, gebied_query)
    oud = gebied.verbinder
    if oud is None:
        return Change(f"Niets te wijzigen: {gebied.naam} heeft al geen gebiedsverbinder.", "")
    gebied.verbinder = None
    return Change(f"Gebiedsverbinder van {gebied.naam}: {oud.naam} vertrokken; nog geen gebiedsverbinder bekend.",
                  f"set-verbinder: {gebied.code}: geen gebiedsverbinder meer ({oud.naam} vertrokken)")


def set_verbinder(data: model.Dataset, gebied_query: str, *, naam: str, email: str | None) -> Change:
    """A new gebiedsverbinder for a gebied (the previous one stays in git's history)."""
    naam = naam.strip()
    if not naam:
        raise UsageError("De naam (--name) mag niet leeg zijn.")
    _require(model.Verbinder, "naam", naam)
    if email is not None:
        _require(model.Verbinder, "email", email.strip())
        email = email.strip()
    gebied = match_gebied(data, gebied_query)
    oud = gebied.verbinder
    if oud is not None and oud.naam == naam and oud.email == email:
        return Change(f"Niets te wijzigen: {naam} is al de gebiedsverbinder van {gebied.naam}.", "")
    gebied.verbinder = model.Verbinder(naam=naam, email=email)
    was = f"{oud.naam} → " if oud is not None and oud.naam != naam else ""
    return Change(
        f"Gebiedsverbinder van {gebied.naam}: {was}{naam}" + (f" <{email}>" if email else "") + ".",
        f"set-verbinder: {gebied.code}: {naam}" + (f" <{email}>" if email else ""),
    )
