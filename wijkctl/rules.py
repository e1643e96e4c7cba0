"""The domain rules: finding a WIJK, and the life of an organisation.

Pure functions on a `Dataset`: they change it in place and return a `Change`, or raise
a WijkctlError carrying the contract's exit code. `transaction.apply` runs them under the lock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from wijkctl import model
from wijkctl.errors import NotFound, Refused, UsageError
from wijkctl.model import Change
from wijkctl.schema import schema_of
from wijkctl.text import datum, fold

# --- finding ------------------------------------------------------------------


def _suggest(query: str, names: list[str]) -> str:
    import difflib

    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(fold(name), name)
    close = difflib.get_close_matches(fold(query), list(folded), n=3, cutoff=0.6)
    if not close:
        return ""
    shown = [folded[c] for c in close]
    if len(shown) == 1:
        return f" Bedoelde je {shown[0]}?"
    return f" Bedoelde je {', '.join(shown[:-1])} of {shown[-1]}?"


def match_wijk(data: model.Dataset, query: str, *, prefix: bool = True) -> model.Wijk:
    """The wijk meant by `query` (CONTRACT §3): code, CBS code, name, buurt, then prefix.

    Commands that change data pass `prefix=False`: they act only on a wijk named exactly,
    and a unique prefix becomes a suggestion. Raises NotFound (exit 3) with suggestions,
    or listing the candidates when several fit.
    """
    q = query.strip()
    for wijk in data.wijken:
        if wijk.code == q:
            return wijk
    cbs = q.upper()
    if re.fullmatch(r"[0-9]{6}", cbs):
        cbs = "WK" + cbs
    for wijk in data.wijken:
        if wijk.cbs_code is not None and wijk.cbs_code == cbs:
            return wijk
    key = fold(q)
    if not key:
        raise NotFound(f"'{query}' is geen wijknaam.")
    for wijk in data.wijken:
        if fold(wijk.naam) == key:
            return wijk
    for wijk in data.wijken:
        if any(fold(b) == key for b in wijk.buurten):
            return wijk
    prefixed = [w for w in data.wijken if fold(w.naam).startswith(key)]
    if len(prefixed) == 1:
        if prefix:
            return prefixed[0]
        raise NotFound(
            f"Wijk '{query}' niet gevonden. Bedoelde je {prefixed[0].naam}? "
            "Een wijziging vraagt de volledige naam, de code of de CBS-code."
        )
    if prefixed:
        opties = ", ".join(f"{w.naam} ({w.code})" for w in prefixed)
        raise NotFound(f"'{query}' past bij meerdere wijken: {opties}. Wees specifieker.")
    names = [w.naam for w in data.wijken] + [b for w in data.wijken for b in w.buurten]
    raise NotFound(f"Wijk '{query}' niet gevonden.{_suggest(q, names)}")


def match_gebied(data: model.Dataset, query: str) -> model.Gebied:
    """A gebied by code or (folded) name; NotFound with suggestions otherwise."""
    key = fold(query)
    for gebied in data.gebieden:
        if gebied.code == query.strip() or fold(gebied.naam) == key:
            return gebied
    raise NotFound(f"Gebied '{query}' niet gevonden.{_suggest(query, [g.naam for g in data.gebieden])}")


# --- input values ---------------------------------------------------------------

_MEMBER = re.compile(r"\s*(?P<naam>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*(?P<telefoon>[^<>]*?)\s*")


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


def parse_member(text: str) -> model.KernLid:
    """`"Naam <email> [telefoon]"` as a kern member; UsageError (exit 2) when malformed."""
    m = _MEMBER.fullmatch(text)
    if not m or not m.group("naam"):
        raise UsageError(f"Kernlid '{text}' heeft niet de vorm \"Naam <e-mail> [telefoon]\".")
    lid = model.KernLid(naam=m.group("naam"), email=m.group("email").strip(), telefoon=m.group("telefoon") or None)
    for key in ("email", "telefoon"):
        if getattr(lid, key) is not None:
            _require(model.KernLid, key, getattr(lid, key), f"Kernlid '{lid.naam}': ")
    return lid


@dataclass(frozen=True)
class Details:
    """Optional platform details given on the command line, checked once when made:
    each value by its Organisatie declaration; UsageError (exit 2) for the first bad one."""

    rechtsvorm: str | None = None
    kvk: str | None = None
    email: str | None = None
    website: str | None = None

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
        if fold(lid.naam) in seen:
            raise UsageError(f"Kernlid '{lid.naam}' staat er twee keer in.")
        seen.add(fold(lid.naam))
    if len(members) < model.MIN_KERN:
        raise Refused(
            f"Een wijkplatform heeft een kern van minstens {model.MIN_KERN} bewoners; "
            f"er {'is' if len(members) == 1 else 'zijn'} {len(members)} opgegeven (--member)."
        )


# --- the life of an organisation -------------------------------------------------


def is_successor(org: model.Organisatie, of: model.Organisatie) -> bool:
    """True when `org` took over from `of`: it names `of` and starts the day `of` ends.

    A name alone is not enough: a wijkraad may be re-founded under an earlier name.
    """
    return org is not of and org.opvolger_van == of.naam and of.tot is not None and org.van == of.tot


def _insert(wijk: model.Wijk, org: model.Organisatie) -> None:
    """Add `org` keeping the organisations oldest first."""
    pos = len(wijk.organisaties)
    while pos > 0 and wijk.organisaties[pos - 1].van > org.van:
        pos -= 1
    wijk.organisaties.insert(pos, org)


def _refuse_overlap(wijk: model.Wijk, van: dt.date, ignore: model.Organisatie | None = None) -> None:
    for org in wijk.organisaties:
        if org is ignore or not org.overlapt(van, None):
            continue
        periode = f"vanaf {datum(org.van)}" + (f" tot {datum(org.tot)}" if org.tot else "")
        hint = ""
        if org.soort == model.WIJKRAAD and org.actief_op(max(van, org.van)):
            hint = f" Zet de wijkraad om met 'wijkctl convert {wijk.code} --from {van.isoformat()}'."
        elif org.tot is None:
            hint = f" Beëindig die eerst met 'wijkctl end {wijk.code} --on DATUM'."
        raise Refused(
            f"{wijk.naam} heeft al een organisatie in die periode: {org.naam} ({org.soort}, {periode}). "
            f"Per wijk is er één organisatie tegelijk.{hint}"
        )


def _platform(naam: str, van: dt.date, members: list[model.KernLid], details: Details,
              opvolger_van: str | None = None) -> model.Organisatie:
    """A new wijkplatform from command-line input (its details already checked by the
    command), after the checks every one needs."""
    _check_kvk_needed(details.rechtsvorm, details.kvk)
    if not naam.strip():
        raise UsageError("De naam (--name) mag niet leeg zijn.")
    _check_kern(members)
    return model.Organisatie(
        soort=model.WIJKPLATFORM,
        naam=naam.strip(),
        van=van,
        opvolger_van=opvolger_van,
        rechtsvorm=details.rechtsvorm,
        kvk=details.kvk,
        email=details.email,
        website=details.website,
        kern=members,
    )


def register(
    wijk: model.Wijk,
    *,
    naam: str,
    van: dt.date,
    members: list[model.KernLid],
    details: Details,
) -> Change:
    """Register a new wijkplatform for `wijk` from `van` on."""
    org = _platform(naam, van, members, details)
    _refuse_overlap(wijk, van)
    _insert(wijk, org)
    return Change(
        f"{org.naam} geregistreerd voor {wijk.naam} per {datum(van)}.",
        f"register: {org.naam} ({wijk.code}) per {van.isoformat()}",
    )


def convert(
    wijk: model.Wijk,
    *,
    van: dt.date,
    naam: str | None,
    members: list[model.KernLid],
    details: Details,
) -> Change:
    """End the wijkraad active on `van` and start its successor wijkplatform on `van`."""
    raad = wijk.organisatie_op(van)
    if raad is None or raad.soort != model.WIJKRAAD:
        wat = f"de actieve organisatie is {raad.naam} ({raad.soort})" if raad else "er is dan geen organisatie actief"
        raise Refused(f"{wijk.naam} heeft op {datum(van)} geen actieve wijkraad om om te zetten: {wat}.")
    if raad.van >= van:
        raise Refused(f"{raad.naam} begint op {datum(raad.van)}; de omzetting moet daarna liggen.")
    org = _platform(naam or f"Wijkplatform {wijk.naam}", van, members, details, opvolger_van=raad.naam)
    _refuse_overlap(wijk, van, ignore=raad)
    raad.tot = van
    _insert(wijk, org)
    return Change(
        f"{raad.naam} omgezet in {org.naam} per {datum(van)}.",
        f"convert: {raad.naam} -> {org.naam} ({wijk.code}) per {van.isoformat()}",
    )


def update(
    wijk: model.Wijk,
    *,
    on: dt.date,
    naam: str | None = None,
    details: Details | None = None,
    add: list[model.KernLid] | None = None,
    remove: list[str] | None = None,
) -> Change:
    """Change the details or kern of the wijkplatform active on `on`."""
    details = details or Details()
    org = wijk.organisatie_op(on)
    if org is None:
        raise Refused(f"{wijk.naam} heeft op {datum(on)} geen actieve organisatie om bij te werken.")
    if org.soort != model.WIJKPLATFORM:
        raise Refused(f"De actieve organisatie van {wijk.naam} is {org.naam}, een wijkraad; 'update' werkt op een wijkplatform.")
    wat: list[str] = []
    if naam is not None and naam.strip() != org.naam:
        if not naam.strip():
            raise UsageError("De naam (--name) mag niet leeg zijn.")
        for other in wijk.organisaties:
            if is_successor(other, org):
                other.opvolger_van = naam.strip()
        wat.append(f"naam {org.naam} → {naam.strip()}")
        org.naam = naam.strip()
    for attr, label in (("rechtsvorm", "rechtsvorm"), ("kvk", "KvK"), ("email", "e-mail"), ("website", "website")):
        value = getattr(details, attr)
        if value is not None and value != getattr(org, attr):
            setattr(org, attr, value)
            wat.append(f"{label} {value}")
    _check_kvk_needed(org.rechtsvorm, org.kvk)
    kern = list(org.kern)
    for naam_lid in remove or []:
        lid = next((lid for lid in kern if fold(lid.naam) == fold(naam_lid)), None)
        if lid is None:
            raise NotFound(
                f"'{naam_lid}' is geen kernlid van {org.naam}.{_suggest(naam_lid, [lid.naam for lid in kern])}"
            )
        kern.remove(lid)
        wat.append(f"kernlid {lid.naam} eruit")
    for lid in add or []:
        if any(fold(k.naam) == fold(lid.naam) for k in kern):
            raise Refused(f"{lid.naam} zit al in de kern van {org.naam}.")
        kern.append(lid)
        wat.append(f"kernlid {lid.naam} erbij")
    if len(kern) < model.MIN_KERN and len(kern) < len(org.kern):
        raise Refused(
            f"Na deze wijziging heeft {org.naam} {len(kern)} kernleden; minstens {model.MIN_KERN} zijn nodig."
        )
    org.kern = kern
    if not wat:
        return Change(f"Niets te wijzigen aan {org.naam}.", "")
    return Change(
        f"{org.naam} bijgewerkt: {', '.join(wat)}.",
        f"update: {org.naam} ({wijk.code}): {', '.join(wat)}",
    )


def end(wijk: model.Wijk, *, on: dt.date, reden: str | None = None) -> Change:
    """End the organisation active on `on`: `on` becomes its first inactive day."""
    org = wijk.organisatie_op(on)
    if org is None:
        raise Refused(f"{wijk.naam} heeft op {datum(on)} geen actieve organisatie om te beëindigen.")
    if on <= org.van:
        raise Refused(f"{org.naam} begint op {datum(org.van)}; de einddatum moet daarna liggen.")
    opvolger = next((o for o in wijk.organisaties if is_successor(o, org)), None)
    if opvolger is not None:
        raise Refused(
            f"{org.naam} eindigt al op {datum(org.tot)}, waar {opvolger.naam} het overneemt; "
            "een eerder einde zou die opvolging breken."
        )
    org.tot = on
    if reden is not None and reden.strip():
        org.reden_einde = reden.strip()
    return Change(
        f"{org.naam} ({org.soort}) beëindigd per {datum(on)}.",
        f"end: {org.naam} ({wijk.code}) per {on.isoformat()}",
    )
