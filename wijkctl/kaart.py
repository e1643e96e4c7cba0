"""The map by command (CONTRACT §9): wijken, buurten and gebieden added, renamed, moved
and removed. Pure functions on a `Dataset`, like `rules.py`: they change it in place and
return a `Change`, or raise a WijkctlError with the contract's exit code; the validation
of the whole result (`transaction.apply`) stays the last word."""

from __future__ import annotations

from wijkctl import model
from wijkctl.errors import Refused, UsageError
from wijkctl.model import Change
from wijkctl.rules import _require, match_gebied, match_wijk
from wijkctl.text import fold


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"{what} mag niet leeg zijn.")
    return value


def _free_wijk(data: model.Dataset, *, code: str | None = None, naam: str | None = None,
               cbs: str | None = None, skip: model.Wijk | None = None) -> None:
    """Refused (exit 4) when another wijk already has this code, name or CBS code."""
    for w in data.wijken:
        if w is skip:
            continue
        if code is not None and w.code == code:
            raise Refused(f"Er is al een wijk met code '{code}' ({w.naam}); er is niets veranderd.")
        if naam is not None and fold(w.naam) == fold(naam):
            raise Refused(f"Er is al een wijk met de naam {w.naam} ({w.code}); er is niets veranderd.")
        if cbs is not None and (w.cbs_code == cbs or cbs in w.cbs_buurten):
            raise Refused(f"CBS-code {cbs} hoort al bij {w.naam} ({w.code}); er is niets veranderd.")


def _free_buurt(data: model.Dataset, naam: str | None, cbs: str | None, skip: model.Buurt | None = None) -> None:
    """Refused (exit 4) when a buurt of any wijk already has this name or CBS code (a
    buurt lies in one wijk)."""
    for w in data.wijken:
        for b in w.buurten:
            if b is skip:
                continue
            if naam is not None and fold(b.naam) == fold(naam):
                raise Refused(f"Er is al een buurt {b.naam} in {w.naam}; een buurt ligt in één wijk. "
                              "Er is niets veranderd.")
            if cbs is not None and b.cbs_code == cbs:
                raise Refused(f"CBS-code {cbs} hoort al bij buurt {b.naam} in {w.naam}; er is niets veranderd.")


def add_wijk(data: model.Dataset, code: str, *, naam: str, gebied: str, cbs_code: str | None) -> Change:
    """A new wijk (e.g. a former wijkraad area) in an existing gebied."""
    code, naam = code.strip(), _text(naam, "De naam (--name)")
    _require(model.Wijk, "code", code)
    _require(model.Wijk, "naam", naam)
    if cbs_code is not None:
        cbs_code = cbs_code.strip().upper()
        _require(model.Wijk, "cbs_code", cbs_code)
    g = match_gebied(data, gebied)
    _free_wijk(data, code=code, naam=naam, cbs=cbs_code)
    data.wijken.append(model.Wijk(code=code, naam=naam, cbs_code=cbs_code, gebied=g.code))
    return Change(f"Wijk {naam} ({code}) toegevoegd aan gebied {g.naam}.",
                  f"add-wijk: {naam} ({code}) in {g.code}" + (f", {cbs_code}" if cbs_code else ""),
                  {"code": code, "naam": naam, "gebied": g.code, "cbs_code": cbs_code})


def add_buurt(data: model.Dataset, wijk_query: str, *, naam: str, cbs_code: str | None) -> Change:
    """A new buurt of a wijk; its name and CBS code unique over all wijken."""
    naam = _text(naam, "De naam (--name)")
    _require(model.Buurt, "naam", naam)
    if cbs_code is not None:
        cbs_code = cbs_code.strip().upper()
        _require(model.Buurt, "cbs_code", cbs_code)
    wijk = match_wijk(data, wijk_query, prefix=False)
    _free_buurt(data, naam, cbs_code)
    wijk.buurten.append(model.Buurt(naam=naam, cbs_code=cbs_code))
    return Change(f"Buurt {naam} toegevoegd aan {wijk.naam}" + (f" ({cbs_code})." if cbs_code else "."),
                  f"add-buurt: {naam} in {wijk.code}" + (f" ({cbs_code})" if cbs_code else ""),
                  {"wijk": wijk.code, "buurt": naam, "cbs_code": cbs_code})


def _buurt_of(wijk: model.Wijk, query: str) -> model.Buurt:
    from wijkctl.rules import _check_buurten

    return wijk.buurt(_check_buurten(wijk, [query])[0])  # type: ignore[return-value]


def rename(data: model.Dataset, wijk_query: str, *, naam: str, buurt: str | None = None) -> Change:
    """A new name for a wijk, or for one of its buurten (also in every organisation's
    `buurten`); codes and ids stay."""
    naam = _text(naam, "De nieuwe naam (--name)")
    wijk = match_wijk(data, wijk_query, prefix=False)
    if buurt is None:
        _require(model.Wijk, "naam", naam)
        if wijk.naam == naam:
            return Change(f"Niets te wijzigen: {wijk.code} heet al {naam}.", "")
        _free_wijk(data, naam=naam, skip=wijk)
        oud, wijk.naam = wijk.naam, naam
        return Change(f"Wijk {oud} ({wijk.code}) heet nu {naam}.", f"rename: wijk {wijk.code}: {oud} -> {naam}",
                      {"wijk": wijk.code, "oud": oud, "nieuw": naam})
    _require(model.Buurt, "naam", naam)
    b = _buurt_of(wijk, buurt)
    if b.naam == naam:
        return Change(f"Niets te wijzigen: de buurt heet al {naam}.", "")
    _free_buurt(data, naam, None, skip=b)
    oud, b.naam = b.naam, naam
    for org in wijk.organisaties:
        org.buurten = [naam if x == oud else x for x in org.buurten]
    return Change(f"Buurt {oud} in {wijk.naam} heet nu {naam}.", f"rename: buurt {oud} -> {naam} ({wijk.code})",
                  {"wijk": wijk.code, "oud": oud, "nieuw": naam})


def move_wijk(data: model.Dataset, wijk_query: str, *, gebied: str) -> Change:
    """A wijk to another gebied."""
    wijk = match_wijk(data, wijk_query, prefix=False)
    g = match_gebied(data, gebied)
    if wijk.gebied == g.code:
        return Change(f"Niets te wijzigen: {wijk.naam} ligt al in {g.naam}.", "")
    oud, wijk.gebied = wijk.gebied, g.code
    return Change(f"{wijk.naam} ligt nu in gebied {g.naam} (was {oud}).", f"move-wijk: {wijk.code}: {oud} -> {g.code}",
                  {"wijk": wijk.code, "oud": oud, "nieuw": g.code})


def add_gebied(data: model.Dataset, code: str, *, naam: str, verbinder: str | None, email: str | None) -> Change:
    """A new gebied, with its verbinder when known."""
    code, naam = code.strip(), _text(naam, "De naam (--name)")
    _require(model.Gebied, "code", code)
    _require(model.Gebied, "naam", naam)
    if email is not None and verbinder is None:
        raise UsageError("--verbinder-email vraagt ook --verbinder-name.")
    v = None
    if verbinder is not None:
        v = model.Verbinder(naam=_text(verbinder, "De naam van de verbinder"), email=email.strip() if email else None)
        _require(model.Verbinder, "naam", v.naam)
        if v.email is not None:
            _require(model.Verbinder, "email", v.email)
    for g in data.gebieden:
        if g.code == code or fold(g.naam) == fold(naam):
            raise Refused(f"Er is al een gebied {g.naam} ({g.code}); er is niets veranderd.")
    data.gebieden.append(model.Gebied(code=code, naam=naam, verbinder=v))
    return Change(f"Gebied {naam} ({code}) toegevoegd" + (f", gebiedsverbinder {v.naam}." if v else "."),
                  f"add-gebied: {naam} ({code})", {"code": code, "naam": naam})


def _records(data: model.Dataset, wijk: model.Wijk, orgs: list[model.Organisatie] | None = None) -> str:
    """The subsidy records (subsidies.yaml) of `wijk`, or of its organisations `orgs`, as a
    clause naming them ("" when there are none)."""
    ids = {o.id for o in orgs} if orgs is not None else None
    found = [s.id for s in data.of("subsidies") if s.wijk == wijk.code and (ids is None or s.organisatie in ids)]
    if not found:
        return ""
    shown = ", ".join(found[:5]) + (" en nog " + str(len(found) - 5) if len(found) > 5 else "")
    return f" Er {'is een subsidie' if len(found) == 1 else 'zijn subsidies'} vastgelegd in subsidies.yaml: {shown}."


def remove_buurt(data: model.Dataset, wijk_query: str, buurt: str) -> Change:
    """A buurt removed; refused (exit 4) while an organisation's `buurten` names it (naming
    that organisation's subsidy records too)."""
    wijk = match_wijk(data, wijk_query, prefix=False)
    b = _buurt_of(wijk, buurt)
    users = [o for o in wijk.organisaties if b.naam in o.buurten]
    if users:
        raise Refused(f"Buurt {b.naam} wordt genoemd door {', '.join(o.naam for o in users)}; pas die eerst aan."
                      f"{_records(data, wijk, users)} Er is niets veranderd.")
    wijk.buurten.remove(b)
    return Change(f"Buurt {b.naam} verwijderd uit {wijk.naam}.", f"remove-buurt: {b.naam} ({wijk.code})",
                  {"wijk": wijk.code, "buurt": b.naam})


def remove_wijk(data: model.Dataset, wijk_query: str) -> Change:
    """A wijk removed; refused (exit 4) while it has organisations or subsidy records, naming them
    (history stays in git)."""
    wijk = match_wijk(data, wijk_query, prefix=False)
    records = _records(data, wijk)
    if wijk.organisaties or records:
        wie = f" heeft organisaties ({', '.join(o.naam for o in wijk.organisaties)})" if wijk.organisaties else ""
        raise Refused(f"{wijk.naam}{wie or ' heeft subsidies'}; een wijk met geschiedenis blijft.{records} "
                      "Er is niets veranderd.")
    data.wijken.remove(wijk)
    return Change(f"Wijk {wijk.naam} ({wijk.code}) verwijderd.", f"remove-wijk: {wijk.naam} ({wijk.code})",
                  {"wijk": wijk.code})


def remove_gebied(data: model.Dataset, gebied: str) -> Change:
    """A gebied removed; refused (exit 4) while a wijk lies in it."""
    g = match_gebied(data, gebied)
    wijken = [w.naam for w in data.wijken if w.gebied == g.code]
    if wijken:
        raise Refused(f"Gebied {g.naam} heeft nog wijken: {', '.join(wijken)}; verplaats ze eerst met "
                      "'wijkctl move-wijk'. Er is niets veranderd.")
    data.gebieden.remove(g)
    return Change(f"Gebied {g.naam} ({g.code}) verwijderd.", f"remove-gebied: {g.naam} ({g.code})", {"gebied": g.code})
