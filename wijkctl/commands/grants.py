"""`apply`, `award`, `refuse`, `pay`, `account`, `settle`, `correct`: the subsidy year as it
happens (CONTRACT §7), each a step of `subsidiejaar` on a record of subsidies.yaml, written
through the one transaction with the other files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import typer

from wijkctl import invoer, model, rules, subsidy, text, transaction
from wijkctl.commands.common import CommitOpt, DryRunOpt, WijkArg, WriteOutputOpt, data_dir, message, written
from wijkctl.commands.grantsview import public_record, regeling_of
from wijkctl.errors import NotFound, Refused, UsageError
from wijkctl.output import WriteFormat

YearOpt = Annotated[str, typer.Option("--year", "-j", metavar="JAAR", help="Het subsidiejaar, bijvoorbeeld 2025.")]
OnOpt = Annotated[str, typer.Option("--on", metavar="DATUM", help="De dag van het besluit of de betaling.")]
OrgOpt = Annotated[str | None, typer.Option(
    "--org", metavar="ID", help="Het wijkplatform (id of naam) als de wijk er in dat jaar meer dan één heeft.")]
CaseOpt = Annotated[str | None, typer.Option(
    "--case", metavar="KENMERK", help="Het kenmerk (zaaknummer) van de gemeente.")]
AmountOpt = Annotated[str | None, typer.Option(
    "--amount", metavar="BEDRAG", help="Hele euro's: 6500, 6.500 of € 6.500.")]
ReasonOpt = Annotated[str | None, typer.Option(
    "--reason", metavar="REDEN", help="De reden, zoals die in het besluit staat.")]
Soort = Enum("Soort", {v: v for v in ("voorschot", "nabetaling", "terugbetaling")}, type=str)  # type: ignore[misc]
Stapnaam = Enum("Stapnaam", {v: v for v in ("aanvraag", "besluit", "betaling", "verantwoording",  # type: ignore[misc]
                                              "vaststelling")}, type=str)
Bijlage = Enum("Bijlage", {v: v for v in ("plan", "kern", "kvk", "statuten", "reglement")},  # type: ignore[misc]
               type=str)
Besluitsoort = Enum("Besluitsoort", {v: v for v in ("verleend", "geweigerd")}, type=str)  # type: ignore[misc]

# a step: (data, wijk, jaar) -> (the Stap, what it did in words for the summary and the commit message)
Take = Callable[[model.Dataset, model.Wijk, int], tuple[Any, str]]


def _platform(wijk: model.Wijk, jaar: int, org_query: str | None) -> model.Organisatie:
    """The wijkplatform an application is for: `--org`, else the only one active in `jaar`."""
    if org_query is not None:
        return rules.find_org(wijk, org_query, wat="wijkplatform")
    actief = subsidy.platforms_in(wijk, jaar)
    if len(actief) == 1:
        return actief[0]
    if actief:
        namen = "; ".join(f"{o.naam} ({o.id})" for o in actief)
        raise NotFound(f"{wijk.naam} heeft in {jaar} meerdere wijkplatforms: {namen}. Kies er een met --org.")
    raise Refused(f"{wijk.naam} heeft in {jaar} geen actief wijkplatform; een aanvraag kan alleen voor een "
                  "wijkplatform dat dat jaar actief is (registreer het eerst met 'register').")


def _record(data: model.Dataset, wijk: model.Wijk, jaar: int, org_query: str | None) -> Any:
    """The record of `wijk` for `jaar` (of `--org`); refused, naming `apply`, when there is none."""
    records = data.where("subsidies", wijk=wijk.code, jaar=jaar)
    wie = ""
    if org_query is not None:
        org = rules.find_org(wijk, org_query, wat="wijkplatform")
        records, wie = [r for r in records if r.organisatie == org.id], f" van {org.naam}"
    if len(records) == 1:
        return records[0]
    if records:
        ids = ", ".join(r.organisatie for r in records)
        raise NotFound(f"{wijk.naam} heeft voor {jaar} meerdere subsidies ({ids}). Kies er een met --org.")
    raise Refused(f"Er is geen subsidie {jaar}{wie} in {wijk.naam}: er is nog geen aanvraag vastgelegd; "
                  "de stap die nu past is 'apply'.")


def _under_plafond(data: model.Dataset, jaar: int, regeling: model.Regeling | None) -> list:
    """The records of `jaar` that share its plafond: none to weigh when the regeling sets none."""
    if regeling is None or regeling.plafond is None:
        return []
    return data.where("subsidies", jaar=jaar)


def _org_naam(wijk: model.Wijk, record: Any) -> str:
    return next((o.naam for o in wijk.organisaties if o.id == record.organisatie), record.organisatie)


def _step(ctx: typer.Context, command: str, wijk: str, year: str, take: Take, dry_run: bool, commit: bool,
          output: WriteFormat) -> None:
    """Take one step on the data as read under the lock: a changed record is written, the
    same step again is exit 0 and writes nothing; a refusal changes no file."""
    jaar = invoer.jaar(year, "--year")
    seen: dict[str, Any] = {}

    def mutate(data: model.Dataset) -> model.Change:
        w = rules.match_wijk(data, wijk, prefix=False)
        stap, wat = take(data, w, jaar)
        seen.update(record=stap.record, regeling=regeling_of(data, jaar))
        for waarschuwing in stap.waarschuwingen:
            message(f"Let op: {waarschuwing}.")
        label = f"{_org_naam(w, stap.record)} {jaar}"
        if not stap.veranderd:
            return model.Change(f"Al vastgelegd: {label}, {wat}; er is niets veranderd.", "", stap.record)
        data.put("subsidies", stap.record)  # in place of the one with its id, else at the end
        return model.Change(f"{label}: {wat}.", f"{command}: {label}, {wat}", stap.record)

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    written(outcome, output, lambda: {"id": seen["record"].id,
                                      "subsidie": public_record(seen["record"], seen["regeling"])})


def _datum(value: str | None, option: str) -> dt.date | None:
    return invoer.datum(value, option) if value is not None else None


def _bedrag(value: str | None, option: str) -> int | None:
    return invoer.bedrag(value, option) if value is not None else None


def _kenmerk(case: str | None) -> str | None:
    """A case number as given, stripped; an empty one is refused (leave the option out)."""
    if case is None:
        return None
    if not case.strip():
        raise UsageError("--case is leeg; laat de optie weg als er geen kenmerk is.")
    if text.control_character(case, multiline=False) is not None:
        raise UsageError("--case bevat een stuurteken; dat mag niet in een kenmerk.")
    return case.strip()


def _reden(reason: str | None) -> str | None:
    if reason is not None and text.control_character(reason, multiline=True) is not None:
        raise UsageError("--reason bevat een stuurteken; dat mag niet in een reden.")
    return reason


def _met(kenmerk: str | None) -> str:
    return f" ({kenmerk})" if kenmerk else ""


def apply_(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    received: Annotated[str, typer.Option("--received", metavar="DATUM", help="De dag dat de aanvraag binnenkwam.")],
    org: OrgOpt = None,
    case: CaseOpt = None,
    amount: Annotated[str | None, typer.Option(
        "--amount", metavar="BEDRAG", help="Het gevraagde bedrag, hele euro's.")] = None,
    attachment: Annotated[list[Bijlage] | None, typer.Option(
        "--attachment", metavar="BIJLAGE", help="Een meegestuurde bijlage (herhaalbaar).")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Leg een subsidieaanvraag vast en bevries de berekening zoals de gegevens nu zijn."""
    from wijkctl import subsidiejaar
    from wijkctl import subsidiemodel as sm

    aanvraag = sm.Aanvraag(ontvangen=invoer.datum(received, "--received"), kenmerk=_kenmerk(case),
                           gevraagd=_bedrag(amount, "--amount"),
                           bijlagen=list(dict.fromkeys(a.value for a in attachment or [])))

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        platform = _platform(w, jaar, org)
        bestaand = subsidiejaar.vind(data.where("subsidies", wijk=w.code, jaar=jaar), jaar, platform.id)
        stap = subsidiejaar.aanvragen(bestaand, data, w, platform, jaar, aanvraag, text.today())
        b = stap.record.berekening
        return stap, f"aanvraag ontvangen op {text.datum(aanvraag.ontvangen)}{_met(aanvraag.kenmerk)}, " \
                     f"berekend {text.euro(b.bedrag if b else 0)}"

    _step(ctx, "apply", wijk, year, take, dry_run, commit, output)


def award(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    on: OnOpt,
    org: OrgOpt = None,
    amount: AmountOpt = None,
    reason: ReasonOpt = None,
    case: CaseOpt = None,
    recompute: Annotated[bool, typer.Option(
        "--recompute", help="Bereken opnieuw zoals de gegevens nu zijn en verleen dat bedrag.")] = False,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Verleen de subsidie: standaard het bevroren berekende bedrag; geweigerd boven het plafond."""
    from wijkctl import subsidiejaar

    op, bedrag, kenmerk, reden = invoer.datum(on, "--on"), _bedrag(amount, "--amount"), _kenmerk(case), _reden(reason)

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        s = _record(data, w, jaar, org)
        regeling = subsidy.regeling_voor(data.regelingen, jaar)
        berekening = None
        if recompute and s.aanvraag is not None and s.besluit is None:
            platform = rules.find_org(w, s.organisatie)
            berekening, _w = subsidiejaar.bevries(data, w, platform, jaar, s.aanvraag.ontvangen, text.today())
        stap = subsidiejaar.verlenen(s, _under_plafond(data, jaar, regeling), regeling, op, bedrag=bedrag, reden=reden,
                                     kenmerk=kenmerk, berekening=berekening)
        b = stap.record.besluit
        return stap, f"{text.euro(b.bedrag)} verleend{_met(b.kenmerk)}"

    _step(ctx, "award", wijk, year, take, dry_run, commit, output)


def refuse(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    on: OnOpt,
    reason: Annotated[str, typer.Option("--reason", metavar="REDEN", help="Waarom de subsidie wordt geweigerd.")],
    org: OrgOpt = None,
    case: CaseOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Weiger de subsidie, met de reden."""
    from wijkctl import subsidiejaar

    op, kenmerk, reden = invoer.datum(on, "--on"), _kenmerk(case), _reden(reason)

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        stap = subsidiejaar.weigeren(_record(data, w, jaar, org), op, reden or "", kenmerk)
        return stap, f"geweigerd{_met(kenmerk)}"

    _step(ctx, "refuse", wijk, year, take, dry_run, commit, output)


def pay(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    on: OnOpt,
    amount: Annotated[str, typer.Option("--amount", metavar="BEDRAG", help="Hele euro's: 6500, 6.500 of € 6.500.")],
    org: OrgOpt = None,
    kind: Annotated[Soort | None, typer.Option(
        "--kind", help="Soort betaling; standaard voorschot vóór de vaststelling en nabetaling erna.")] = None,
    case: Annotated[str | None, typer.Option(
        "--case", metavar="KENMERK", help="Het kenmerk van de betaling in het financiële systeem.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Leg een betaling vast, of met --kind terugbetaling een terugbetaling door het platform."""
    from wijkctl import subsidiejaar

    op, bedrag, kenmerk = invoer.datum(on, "--on"), invoer.bedrag(amount, "--amount"), _kenmerk(case)

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        stap = subsidiejaar.betalen(_record(data, w, jaar, org), op, bedrag, kind.value if kind else None, kenmerk)
        soort = next(b.soort for b in stap.record.betalingen if (b.datum, b.bedrag) == (op, bedrag))
        gedaan = "terugbetaald" if soort == "terugbetaling" else "betaald"
        return stap, f"{text.euro(bedrag)} {gedaan} op {text.datum(op)} ({soort})"

    _step(ctx, "pay", wijk, year, take, dry_run, commit, output)


def account(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    received: Annotated[str, typer.Option(
        "--received", metavar="DATUM", help="De dag dat de verantwoording binnenkwam.")],
    spent: Annotated[str, typer.Option("--spent", metavar="BEDRAG", help="De verantwoorde uitgaven, hele euro's.")],
    org: OrgOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Leg vast dat de verantwoording binnen is, met de verantwoorde uitgaven."""
    from wijkctl import subsidiejaar

    ontvangen, uitgaven = invoer.datum(received, "--received"), invoer.bedrag(spent, "--spent")

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        stap = subsidiejaar.verantwoorden(_record(data, w, jaar, org), ontvangen, uitgaven)
        return stap, f"verantwoording ontvangen op {text.datum(ontvangen)}, {text.euro(uitgaven)} uitgegeven"

    _step(ctx, "account", wijk, year, take, dry_run, commit, output)


def settle(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    on: OnOpt,
    org: OrgOpt = None,
    amount: Annotated[str | None, typer.Option(
        "--amount", metavar="BEDRAG",
        help="Het vastgestelde bedrag; standaard het laagste van verleend en uitgegeven.")] = None,
    case: CaseOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Stel de subsidie vast en toon het saldo: nog te betalen of terug te vorderen."""
    from wijkctl import subsidiejaar

    op, bedrag, kenmerk = invoer.datum(on, "--on"), _bedrag(amount, "--amount"), _kenmerk(case)

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        stap = subsidiejaar.vaststellen(_record(data, w, jaar, org), op, bedrag, kenmerk)
        r = stap.record
        return stap, (f"{text.euro(r.vaststelling.bedrag)} vastgesteld{_met(kenmerk)}; "
                      f"{subsidiejaar.saldo_tekst(subsidiejaar.saldo(r))}")

    _step(ctx, "settle", wijk, year, take, dry_run, commit, output)


# per step: option -> the field of the recorded step it corrects
_VELDEN = {
    "aanvraag": {"--date": "ontvangen", "--amount": "gevraagd", "--case": "kenmerk", "--withdrawn": "ingetrokken"},
    "besluit": {"--date": "datum", "--amount": "bedrag", "--case": "kenmerk", "--decision": "soort"},
    "betaling": {"--date": "datum", "--amount": "bedrag", "--case": "kenmerk", "--kind": "soort"},
    "verantwoording": {"--date": "ontvangen", "--spent": "uitgaven"},
    "vaststelling": {"--date": "datum", "--amount": "bedrag", "--case": "kenmerk"},
}


def _velden(stap: str, given: dict[str, Any]) -> dict[str, Any]:
    """The fields a correction of `stap` sets, from the options given; an option that does
    not belong to the step is a usage error."""
    passend = _VELDEN[stap]
    vreemd = [optie for optie, waarde in given.items() if waarde is not None and optie not in passend]
    if vreemd:
        raise UsageError(f"{', '.join(vreemd)} hoort niet bij een correctie van de {stap}; "
                         f"bij --step {stap} passen: {', '.join(passend)}.")
    return {passend[optie]: waarde for optie, waarde in given.items() if waarde is not None}


def _betaling(value: str | None) -> tuple[dt.date, int, str] | None:
    """`--payment "DATUM BEDRAG SOORT"`: the recorded payment a correction is about."""
    if value is None:
        return None
    delen = value.split()
    if len(delen) != 3:
        raise UsageError(f"Ongeldige --payment '{value}': geef \"DATUM BEDRAG SOORT\", bijvoorbeeld "
                         "\"2025-01-15 6500 voorschot\".")
    soort = delen[2]
    if soort not in {s.value for s in Soort}:
        raise UsageError(f"Onbekende soort betaling '{soort}' in --payment; "
                         "kies uit voorschot, nabetaling, terugbetaling.")
    return invoer.datum(delen[0], "--payment"), invoer.bedrag(delen[1], "--payment"), soort


def correct(
    ctx: typer.Context,
    wijk: WijkArg,
    year: YearOpt,
    step: Annotated[Stapnaam, typer.Option("--step", help="De stap die wordt gecorrigeerd.")],
    reason: Annotated[str, typer.Option("--reason", metavar="REDEN", help="Waarom: komt in het record en de commit.")],
    org: OrgOpt = None,
    on: Annotated[str | None, typer.Option(
        "--on", metavar="DATUM", help="De dag van de correctie; standaard vandaag.")] = None,
    date: Annotated[str | None, typer.Option("--date", metavar="DATUM", help="De juiste datum van de stap.")] = None,
    amount: Annotated[str | None, typer.Option("--amount", metavar="BEDRAG", help="Het juiste bedrag.")] = None,
    spent: Annotated[str | None, typer.Option(
        "--spent", metavar="BEDRAG", help="De juiste uitgaven (verantwoording).")] = None,
    case: CaseOpt = None,
    kind: Annotated[Soort | None, typer.Option("--kind", help="De juiste soort betaling.")] = None,
    decision: Annotated[Besluitsoort | None, typer.Option(
        "--decision", help="Het herziene besluit (na bezwaar).")] = None,
    withdrawn: Annotated[str | None, typer.Option(
        "--withdrawn", metavar="DATUM", help="De dag dat de aanvraag werd ingetrokken.")] = None,
    payment: Annotated[str | None, typer.Option(
        "--payment", metavar='"DATUM BEDRAG SOORT"', help="Welke betaling (bij --step betaling).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Schrap de betaling (een vergissing).")] = False,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Corrigeer een vastgelegde stap (een verkeerd getypte betaling, een besluit na bezwaar, een intrekking)."""
    from wijkctl import subsidiejaar

    stap = step.value
    velden = _velden(stap, {
        "--date": _datum(date, "--date"), "--amount": _bedrag(amount, "--amount"), "--spent": _bedrag(spent, "--spent"),
        "--case": _kenmerk(case), "--kind": kind.value if kind else None,
        "--decision": decision.value if decision else None, "--withdrawn": _datum(withdrawn, "--withdrawn")})
    welke = _betaling(payment)
    if stap == "betaling" and welke is None:
        raise UsageError('Geef bij --step betaling met --payment "DATUM BEDRAG SOORT" welke betaling.')
    if (welke is not None or remove) and stap != "betaling":
        raise UsageError("--payment en --remove horen bij --step betaling.")
    if not velden and not remove:
        raise UsageError(f"Er valt niets te corrigeren: geef wat er anders moet ({', '.join(_VELDEN[stap])}).")
    op, reden = _datum(on, "--on") or text.today(), _reden(reason)

    def take(data: model.Dataset, w: model.Wijk, jaar: int) -> tuple[Any, str]:
        s = _record(data, w, jaar, org)
        regeling = regeling_of(data, jaar)
        result = subsidiejaar.corrigeren(s, stap, op=op, reden=reden or "",
                                         records=_under_plafond(data, jaar, regeling), regeling=regeling,
                                         betaling=welke, vervalt=remove, **velden)
        return result, f"{stap} gecorrigeerd: {(reden or '').strip()}"

    _step(ctx, "correct", wijk, year, take, dry_run, commit, output)


COMMANDS = {"apply": apply_, "award": award, "refuse": refuse, "pay": pay, "account": account, "settle": settle,
            "correct": correct}
