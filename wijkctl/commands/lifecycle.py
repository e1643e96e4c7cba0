"""`register`, `convert`, `update`, `end`: the life of a wijkplatform."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
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

MemberOpt = Annotated[
    list[str] | None,
    typer.Option("--member", "-m", metavar='"NAAM <E-MAIL> [TELEFOON]"',
                 help='Een kernlid; herhaal de optie, minstens 3 keer. Alleen een telefoonnummer: '
                      '"Naam <> 023 531 2345".'),
]
# how a typed value becomes the stored one, by the field's format (a KvK number may hold spaces or dots)
_INVOER: dict[str, Callable[[str], str]] = {"kvk": invoer.kvk}


def details_options(*, clear: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one option group of the organisation details, for register, convert and update.

    The command declares a parameter `details: rules.Details`; `with_details` replaces it
    by one option per field that `model.settable(model.Organisatie)` declares (its flag,
    metavar and help; a choice as its choices) and hands the command the Details they
    make. So a settable field is declared once, in model.py. `clear`: an empty value
    clears that detail (update); elsewhere it is refused, as there is nothing to clear.
    This only marks the command: the group is built when `COMMANDS` hands the command out,
    so a run builds it for the one command it runs, not for all three at import."""
    def mark(command: Callable[..., Any]) -> Callable[..., Any]:
        command.details_clear = clear  # type: ignore[attr-defined]
        return command

    return mark


def with_details(command: Callable[..., Any], *, clear: bool) -> Callable[..., Any]:
    """`command` with its `details` parameter replaced by the option group (`details_options`)."""
    hints = typing.get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        if param.name == "details":
            params += _detail_parameters()
        else:
            params.append(param.replace(annotation=hints.get(param.name, param.annotation)))
    keys = [key for key, _optie in model.settable(model.Organisatie)]

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        given = {key: kwargs.pop(key) for key in keys}
        return command(**kwargs, details=_details(given, clear=clear))

    del run.details_clear  # type: ignore[attr-defined]  # copied by `wraps`: this one has the group
    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return run


class _Commands(Mapping[str, Callable[..., Any]]):
    """The module's commands by name; a command marked by `details_options` is handed out
    with its option group, built when it is first asked for (and once)."""

    def __init__(self, commands: dict[str, Callable[..., Any]]):
        self._commands, self._built = commands, {}

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if name not in self._built:
            command = self._commands[name]
            clear = getattr(command, "details_clear", None)
            self._built[name] = command if clear is None else with_details(command, clear=clear)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


def _detail_parameters() -> list[inspect.Parameter]:
    """One optional Typer option per settable organisation field, in declaration order."""
    from wijkctl.schema import schema_of

    keuzes = {f.key: f.keuze for f in schema_of(model.Organisatie).fields}
    params = []
    for key, optie in model.settable(model.Organisatie):
        keuze = keuzes[key]
        kind: Any = Enum(key.capitalize(), {v.replace("-", "_"): v for v in keuze}, type=str) if keuze else str
        option = typer.Option(optie.vlag, metavar=optie.metavar, help=optie.help, show_default=False)
        params.append(inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                        annotation=Annotated[kind | None, option]))
    return params


def _details(given: dict[str, Any], *, clear: bool) -> rules.Details:
    """The details as given; checked as they are made, so a bad value is a usage error before
    the data is even read. An empty value clears that detail where `clear` (update), and is
    refused elsewhere (there is nothing to clear)."""
    from wijkctl.schema import schema_of

    values = {key: value.value if isinstance(value, Enum) else value for key, value in given.items()
              if value is not None}
    leeg = tuple(key for key, value in values.items() if not value.strip())
    if leeg and not clear:
        optie = dict(model.settable(model.Organisatie))[leeg[0]]
        raise UsageError(f"{optie.vlag} is leeg; laat de optie weg als er niets is.")
    formats = {f.key: f.fmt for f in schema_of(model.Organisatie).fields}
    waarden = {}
    for key, value in values.items():
        if key not in leeg:
            parse = _INVOER.get(formats[key] or "")
            waarden[key] = parse(value) if parse else value.strip()
    return rules.Details(waarden, leeg)


BuurtOpt = Annotated[
    list[str] | None,
    typer.Option("--buurt", metavar="BUURT", help="Een buurt van de wijk die de organisatie dekt (herhaalbaar); "
                                                  "zonder --buurt de hele wijk."),
]
OrgOpt = Annotated[str | None, typer.Option("--org", metavar="ID", help="De organisatie (id of naam) als er meer dan "
                                                                        "één in aanmerking komt.")]


def _members(member: list[str] | None) -> list[model.KernLid]:
    return [invoer.lid(m) for m in member or []]


class _Taken:
    """The organisation ids in the file as read, for a new organisation's id (`text.unique_id`
    asks only `in`): looked up in the index when asked, so a change that makes no new
    organisation (`update --email`) does not gather them."""

    def __init__(self, data: model.Dataset):
        self._index = data.index

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._index.find("id", key) is not None


def _run(ctx: typer.Context, wijk: str, change: Callable[[model.Wijk, set[str]], model.Change],
         dry_run: bool, commit: bool, output: WriteFormat = WriteFormat.table) -> None:
    """Apply `change` to the wijk meant by `wijk` (exactly: never a prefix), on the data as
    read under the lock; `change` also gets the organisation ids already in the file.
    Under `-o json`: the organisations written (new or changed) and the ids removed."""
    seen: dict[str, Any] = {}

    def mutate(data: model.Dataset) -> model.Change:
        w = rules.match_wijk(data, wijk, prefix=False)
        seen.update(wijk=w, voor={o.id: public_organisation(o) for o in w.organisaties})
        return change(w, _Taken(data))  # type: ignore[arg-type]  # only `in` is asked of it

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


@details_options(clear=False)
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
    details: rules.Details = None,  # type: ignore[assignment]  # the option group: details_options
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Registreer een wijkplatform, of met --wijkraad een (vroegere) wijkraad."""
    tot = parse_date(to, "--to") if to is not None else None
    if wijkraad:
        rules.refuse_for_wijkraad(details, kern=bool(member))
        van = None if from_ is None or from_.strip().lower() == "onbekend" else parse_date(from_, "--from")
        area = rules.Area(van, tot, tuple(buurt or ()))
        _run(ctx, wijk, lambda w, taken: rules.register_wijkraad(w, naam=name, area=area, taken=taken,
                                                                 details=details), dry_run, commit, output)
        return
    if from_ is None:
        raise UsageError("Optie --from ontbreekt: de eerste actieve dag van het wijkplatform (JJJJ-MM-DD of D-M-JJJJ).")
    area = rules.Area(parse_date(from_, "--from"), tot, tuple(buurt or ()))
    members = _members(member)
    _run(ctx, wijk, lambda w, taken: rules.register(w, naam=name, area=area, members=members, details=details,
                                                    taken=taken), dry_run, commit, output)


@details_options(clear=False)
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
    details: rules.Details = None,  # type: ignore[assignment]  # the option group: details_options
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Zet een wijkraad om in een wijkplatform: de wijkraad eindigt, het platform begint."""
    van = parse_date(from_, "--from")
    members = _members(member)
    _run(ctx, wijk, lambda w, taken: rules.convert(
        w, van=van, raden=list(raad or []), naam=name, members=members, details=details,
        buurten=list(buurt or []), taken=taken), dry_run, commit, output)


@details_options(clear=True)
def update(
    ctx: typer.Context,
    wijk: WijkArg,
    org: OrgOpt = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM", help="Nieuwe naam van het "
                                                                            "wijkplatform.")] = None,
    details: rules.Details = None,  # type: ignore[assignment]  # the option group: details_options
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
    """Wijzig de gegevens, het gebied, de start of de kern van een wijkplatform (of het contact van een wijkraad)."""
    if per is not None:
        _update_per(ctx, wijk, org, name, buurt, per, (details or None, add_member, remove_member, change_member,
                                                       role, from_, on), (dry_run, commit, output))
        return
    dag = parse_date(on, "--on") if on is not None else text.today()
    if not any((name, add_member, remove_member, buurt, change_member, from_, details)):
        raise UsageError("Niets opgegeven om te wijzigen: gebruik bijvoorbeeld --name, --email of --add-member.")
    add = _members(add_member)
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


COMMANDS = _Commands({"register": register_, "convert": convert, "update": update, "end": end,
                      "unregister": unregister})
