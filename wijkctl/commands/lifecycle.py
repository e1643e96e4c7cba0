"""`register`, `convert`, `update`, `end`: the life of a wijkplatform."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import typer

from wijkctl import invoer, model, rules, text, transaction
from wijkctl.commands.common import (
    CommitOpt,
    DryRunOpt,
    WijkArg,
    WriteOutputOpt,
    data_dir,
    public_organisation,
    written,
)
from wijkctl.errors import UsageError
from wijkctl.invoer import datum as parse_date
from wijkctl.output import WriteFormat

Rechtsvorm = Enum("Rechtsvorm", {v.replace("-", "_"): v for v in model.RECHTSVORMEN}, type=str)  # type: ignore[misc]

MemberOpt = Annotated[
    list[str] | None,
    typer.Option("--member", "-m", metavar='"NAAM <E-MAIL> [TELEFOON]"',
                 help='Een kernlid; herhaal de optie, minstens 3 keer. Alleen een telefoonnummer: '
                      '"Naam <> 023 531 2345".'),
]
LegalFormOpt = Annotated[
    Rechtsvorm | None,
    typer.Option("--legal-form", help="Rechtsvorm; stichting, vereniging en cooperatie vragen om --kvk."),
]
KvkOpt = Annotated[
    str | None, typer.Option("--kvk", metavar="NUMMER", help="KvK-nummer, 8 cijfers (spaties of punten mogen).")
]
EmailOpt = Annotated[
    str | None,
    typer.Option("--email", metavar="E-MAIL",
                 help='E-mailadres van het platform; bij update haalt "" het weg (zo ook bij --website en --kvk).'),
]
WebsiteOpt = Annotated[str | None, typer.Option("--website", metavar="URL", help="Website van het platform "
                                                                                 "(https://...).")]
_CLEARABLE = (("kvk", "--kvk"), ("email", "--email"), ("website", "--website"))


def _details(legal_form: Rechtsvorm | None, kvk: str | None, email: str | None, website: str | None, *,
             clear: bool = False) -> rules.Details:
    """The details as given; checked as they are made, so a bad value is a usage error before
    the data is even read. An empty value clears that detail where `clear` (update), and is
    refused elsewhere (there is nothing to clear)."""
    given = {"kvk": kvk, "email": email, "website": website}
    leeg = tuple(key for key, value in given.items() if value is not None and not value.strip())
    if leeg and not clear:
        optie = dict(_CLEARABLE)[leeg[0]]
        raise UsageError(f"{optie} is leeg; laat de optie weg als er niets is.")
    waarden = {key: None if key in leeg or value is None else value.strip() for key, value in given.items()}
    if waarden["kvk"] is not None:
        waarden["kvk"] = invoer.kvk(waarden["kvk"])
    return rules.Details(legal_form.value if legal_form else None, leeg=leeg, **waarden)


BuurtOpt = Annotated[
    list[str] | None,
    typer.Option("--buurt", metavar="BUURT", help="Een buurt van de wijk die de organisatie dekt (herhaalbaar); "
                                                  "zonder --buurt de hele wijk."),
]
SourceOpt = Annotated[str | None, typer.Option("--source", metavar="BRON", help="Waar de gegevens vandaan komen: een "
                                                                                "URL of vindplaats.")]
OrgOpt = Annotated[str | None, typer.Option("--org", metavar="ID", help="De organisatie (id of naam) als er meer dan "
                                                                        "één in aanmerking komt.")]


def _members(member: list[str] | None) -> list[model.KernLid]:
    return [invoer.lid(m) for m in member or []]


def _run(ctx: typer.Context, wijk: str, change: Callable[[model.Wijk, set[str]], model.Change],
         dry_run: bool, commit: bool, output: WriteFormat = WriteFormat.table) -> None:
    """Apply `change` to the wijk meant by `wijk` (exactly: never a prefix), on the data as
    read under the lock; `change` also gets the organisation ids already in the file.
    Under `-o json`: the organisations written (new or changed) and the ids removed."""
    seen: dict[str, Any] = {}

    def mutate(data: model.Dataset) -> model.Change:
        w = rules.match_wijk(data, wijk, prefix=False)
        seen.update(wijk=w, voor={o.id: public_organisation(o) for o in w.organisaties})
        return change(w, set(data.index.keys("id")))

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    payload: dict[str, Any] = {}
    if output != WriteFormat.table:
        w, voor = seen["wijk"], seen["voor"]
        na = {o.id: public_organisation(o) for o in w.organisaties}
        nieuw = [i for i in na if i not in voor]
        payload = {"wijk": w.code, "id": nieuw[0] if len(nieuw) == 1 else None,
                   "organisaties": [r for i, r in na.items() if voor.get(i) != r],
                   "verwijderd": [i for i in voor if i not in na]}
    written(outcome, output, payload)


def register_(
    ctx: typer.Context,
    wijk: WijkArg,
    name: Annotated[str, typer.Option("--name", metavar="NAAM", help="Naam van het wijkplatform of de wijkraad.")],
    from_: Annotated[str | None, typer.Option("--from", metavar="DATUM", help="Eerste actieve dag (JJJJ-MM-DD of "
        "D-M-JJJJ); bij een wijkraad mag dat 'onbekend' zijn.")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATUM", help="Eerste dag niet meer actief, voor een "
                                                                         "organisatie die al gestopt is.")] = None,
    wijkraad: Annotated[bool, typer.Option("--wijkraad", help="Leg een bestaande of vroegere wijkraad vast (zonder "
                                                              "kern).")] = False,
    member: MemberOpt = None,
    buurt: BuurtOpt = None,
    source: SourceOpt = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Registreer een wijkplatform, of met --wijkraad een (vroegere) wijkraad."""
    tot = parse_date(to, "--to") if to is not None else None
    if wijkraad:
        if member or legal_form or any(v is not None for v in (kvk, email, website)):
            raise UsageError("Een wijkraad krijgt geen kern, rechtsvorm, KvK, e-mail of website; laat die opties weg.")
        van = None if from_ is None or from_.strip().lower() == "onbekend" else parse_date(from_, "--from")
        area = rules.Area(van, tot, tuple(buurt or ()), source)
        _run(ctx, wijk, lambda w, taken: rules.register_wijkraad(w, naam=name, area=area, taken=taken),
             dry_run, commit, output)
        return
    if from_ is None:
        raise UsageError("Optie --from ontbreekt: de eerste actieve dag van het wijkplatform (JJJJ-MM-DD of D-M-JJJJ).")
    area = rules.Area(parse_date(from_, "--from"), tot, tuple(buurt or ()), source)
    members, details = _members(member), _details(legal_form, kvk, email, website)
    _run(ctx, wijk, lambda w, taken: rules.register(w, naam=name, area=area, members=members, details=details,
                                                    taken=taken), dry_run, commit, output)


def convert(
    ctx: typer.Context,
    wijk: WijkArg,
    from_: Annotated[str, typer.Option("--from", metavar="DATUM", help="Dag waarop de wijkraad eindigt en het "
                                                                       "wijkplatform begint.")],
    raad: Annotated[list[str] | None, typer.Option("--wijkraad", metavar="ID", help="De wijkraad die wordt omgezet "
        "(id of naam, herhaalbaar); standaard de enige actieve.")] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM", help='Naam van het wijkplatform; standaard '
                                                                            '"Wijkplatform <wijk>".')] = None,
    member: MemberOpt = None,
    buurt: BuurtOpt = None,
    source: SourceOpt = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Zet een wijkraad om in een wijkplatform: de wijkraad eindigt, het platform begint."""
    van = parse_date(from_, "--from")
    members, details = _members(member), _details(legal_form, kvk, email, website)
    _run(ctx, wijk, lambda w, taken: rules.convert(
        w, van=van, raden=list(raad or []), naam=name, members=members, details=details,
        buurten=list(buurt or []), bron=source, taken=taken), dry_run, commit, output)


def update(
    ctx: typer.Context,
    wijk: WijkArg,
    org: OrgOpt = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM", help="Nieuwe naam van het "
                                                                            "wijkplatform.")] = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    buurt: Annotated[list[str] | None, typer.Option("--buurt", metavar="BUURT", help="Het nieuwe gebied van het "
        "platform: de buurten die het dekt (herhaalbaar).")] = None,
    add_member: Annotated[list[str] | None, typer.Option(
        "--add-member", metavar='"NAAM <E-MAIL> [TELEFOON]"', help="Voeg een kernlid toe (herhaalbaar).")] = None,
    remove_member: Annotated[list[str] | None, typer.Option(
        "--remove-member", metavar="NAAM", help="Haal een kernlid weg, op naam of e-mailadres (herhaalbaar).")] = None,
    change_member: Annotated[tuple[str, str] | None, typer.Option("--change-member", metavar='NAAM|E-MAIL "NAAM '
        '<E-MAIL> [TELEFOON]"', help="Wijzig een kernlid op zijn plaats: wie (naam of e-mail) en de nieuwe "
                                     "gegevens.")] = None,
    role: Annotated[str | None, typer.Option("--role", metavar="ROL", help="Met --change-member: de rol van dat "
        f"kernlid ({', '.join(model.ROLLEN)}); zonder houdt het zijn rol.")] = None,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATUM", help="Verbeter de eerste actieve dag van "
                                                                              "het platform.")] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="Werk het platform bij dat op deze datum "
        "actief is (ook een dat later begint); standaard vandaag.")] = None,
    per: Annotated[str | None, typer.Option(
        "--per", metavar="DATUM", help="Een nieuwe naam of nieuw gebied vanaf deze dag: het platform eindigt en een "
                                       "opvolger begint; zonder --per is het een correctie.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Wijzig de gegevens, het gebied, de start of de kern van een wijkplatform."""
    if per is not None:
        _update_per(ctx, wijk, org, name, buurt, per, (legal_form, kvk, email, website, add_member, remove_member,
                                                       change_member, role, from_, on), (dry_run, commit, output))
        return
    dag = parse_date(on, "--on") if on is not None else text.today()
    wijzigt = (name, legal_form, add_member, remove_member, buurt, change_member, from_)
    if not any(wijzigt) and kvk is None and email is None and website is None:
        raise UsageError("Niets opgegeven om te wijzigen: gebruik bijvoorbeeld --name, --email of --add-member.")
    add = _members(add_member)
    details = _details(legal_form, kvk, email, website, clear=True)
    van = parse_date(from_, "--from") if from_ is not None else None
    change = (change_member[0], invoer.met_rol(invoer.lid(change_member[1]), role)) if change_member else None
    if role is not None and change is None:
        raise UsageError("--role hoort bij --change-member: welk kernlid krijgt die rol?")
    _run(ctx, wijk, lambda w, _taken: rules.update(
        w, on=dag, org_query=org, naam=name, details=details, add=add, remove=remove_member or [],
        buurten=list(buurt or []), van=van, change=change), dry_run, commit, output)


def _update_per(ctx: typer.Context, wijk: str, org: str | None, name: str | None, buurt: list[str] | None, per: str,
                anders: tuple[object, ...], schrijf: tuple[bool, bool, WriteFormat]) -> None:
    """`update --per`: only the name and the area change on a date; the rest is a correction."""
    dag = parse_date(per, "--per")
    if any(v is not None and v != [] for v in anders):
        raise UsageError("--per gaat alleen samen met --name, --buurt en --org: wijzig de andere gegevens apart, "
                         "zonder --per.")
    if name is None and not buurt:
        raise UsageError("--per heeft --name of --buurt nodig: wat verandert er op die dag?")
    _run(ctx, wijk, lambda w, taken: rules.update_per(w, per=dag, org_query=org, naam=name, buurten=list(buurt or []),
                                                      taken=taken), *schrijf)


def end(
    ctx: typer.Context,
    wijk: WijkArg,
    on: Annotated[str, typer.Option("--on", metavar="DATUM", help="Eerste dag dat de organisatie niet meer actief "
                                                                  "is.")],
    org: OrgOpt = None,
    reason: Annotated[str | None, typer.Option("--reason", metavar="REDEN", help="Waarom de organisatie stopt; komt "
                                                                                 "in het record.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Beëindig een actieve organisatie (wijkraad of wijkplatform) van een wijk."""
    dag = parse_date(on, "--on")
    _run(ctx, wijk, lambda w, _taken: rules.end(w, on=dag, org_query=org, reden=reason), dry_run, commit, output)


def unregister(
    ctx: typer.Context,
    wijk: WijkArg,
    reason: Annotated[str, typer.Option("--reason", metavar="REDEN", help="Waarom de registratie weg moet; komt in "
                                                                          "de commit.")],
    org: OrgOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Verwijder een organisatie die per vergissing is vastgelegd (de geschiedenis blijft in git)."""
    _run(ctx, wijk, lambda w, _taken: rules.unregister(w, org_query=org, reden=reason), dry_run, commit, output)


COMMANDS = {"register": register_, "convert": convert, "update": update, "end": end, "unregister": unregister}
