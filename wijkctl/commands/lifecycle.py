"""`register`, `convert`, `update`, `end`: the life of a wijkplatform."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from enum import Enum
from typing import Annotated

import typer

from wijkctl import model, rules, text, transaction
from wijkctl.commands.common import (
    CommitOpt,
    DryRunOpt,
    WijkArg,
    data_dir,
    message,
    parse_date,
)
from wijkctl.errors import UsageError

Rechtsvorm = Enum("Rechtsvorm", {v.replace("-", "_"): v for v in model.RECHTSVORMEN}, type=str)  # type: ignore[misc]

MemberOpt = Annotated[
    list[str] | None,
    typer.Option("--member", "-m", metavar='"NAAM <E-MAIL> [TELEFOON]"',
                 help="Een kernlid; herhaal de optie, minstens 3 keer."),
]
LegalFormOpt = Annotated[
    Rechtsvorm | None,
    typer.Option("--legal-form", help="Rechtsvorm; stichting, vereniging en cooperatie vragen om --kvk."),
]
KvkOpt = Annotated[str | None, typer.Option("--kvk", metavar="NUMMER", help="KvK-nummer, 8 cijfers.")]
EmailOpt = Annotated[str | None, typer.Option("--email", metavar="E-MAIL", help="E-mailadres van het platform.")]
WebsiteOpt = Annotated[str | None, typer.Option("--website", metavar="URL", help="Website van het platform (https://...).")]


def _details(legal_form: Rechtsvorm | None, kvk: str | None, email: str | None, website: str | None) -> rules.Details:
    # checked as it is made: a bad value is a usage error before the data is even read
    return rules.Details(legal_form.value if legal_form else None, kvk, email, website)


def _platform_input(from_: str, member: list[str] | None, legal_form: Rechtsvorm | None, kvk: str | None,
                    email: str | None, website: str | None) -> tuple[dt.date, list[model.KernLid], rules.Details]:
    """The start date, kern and details of a new platform, or exit 2."""
    return parse_date(from_, "--from"), [rules.parse_member(m) for m in member or []], _details(legal_form, kvk, email, website)


def _run(ctx: typer.Context, wijk: str, change: Callable[[model.Wijk], model.Change],
         dry_run: bool, commit: bool) -> None:
    """Apply `change` to the wijk meant by `wijk`, on the data as read under the lock."""

    def mutate(data: model.Dataset) -> model.Change:
        return change(rules.match_wijk(data, wijk, prefix=False))

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    if dry_run:
        sys.stdout.write(outcome.diff)
    message(outcome.report())

def register_(
    ctx: typer.Context,
    wijk: WijkArg,
    name: Annotated[str, typer.Option("--name", metavar="NAAM", help="Naam van het wijkplatform.")],
    from_: Annotated[str, typer.Option("--from", metavar="DATUM", help="Eerste actieve dag (JJJJ-MM-DD); mag in de toekomst liggen.")],
    member: MemberOpt = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
) -> None:
    """Registreer een nieuw wijkplatform voor een wijk."""
    van, members, details = _platform_input(from_, member, legal_form, kvk, email, website)
    _run(ctx, wijk, lambda w: rules.register(w, naam=name, van=van, members=members, details=details), dry_run, commit)


def convert(
    ctx: typer.Context,
    wijk: WijkArg,
    from_: Annotated[str, typer.Option("--from", metavar="DATUM", help="Dag waarop de wijkraad eindigt en het wijkplatform begint.")],
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM", help='Naam van het wijkplatform; standaard "Wijkplatform <wijk>".')] = None,
    member: MemberOpt = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
) -> None:
    """Zet de actieve wijkraad van een wijk om in een wijkplatform."""
    van, members, details = _platform_input(from_, member, legal_form, kvk, email, website)
    _run(ctx, wijk, lambda w: rules.convert(w, van=van, naam=name, members=members, details=details), dry_run, commit)


def update(
    ctx: typer.Context,
    wijk: WijkArg,
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM", help="Nieuwe naam van het wijkplatform.")] = None,
    legal_form: LegalFormOpt = None,
    kvk: KvkOpt = None,
    email: EmailOpt = None,
    website: WebsiteOpt = None,
    add_member: Annotated[list[str] | None, typer.Option("--add-member", metavar='"NAAM <E-MAIL> [TELEFOON]"', help="Voeg een kernlid toe (herhaalbaar).")] = None,
    remove_member: Annotated[list[str] | None, typer.Option("--remove-member", metavar="NAAM", help="Haal een kernlid weg (herhaalbaar).")] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="Werk het platform bij dat op deze datum actief is; standaard vandaag.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
) -> None:
    """Wijzig de gegevens of de kern van het actieve wijkplatform."""
    dag = parse_date(on, "--on") if on else text.today()
    if not any((name, legal_form, kvk, email, website, add_member, remove_member)):
        raise UsageError("Niets opgegeven om te wijzigen: gebruik bijvoorbeeld --name, --email of --add-member.")
    add = [rules.parse_member(m) for m in add_member or []]
    details = _details(legal_form, kvk, email, website)
    _run(ctx, wijk, lambda w: rules.update(w, on=dag, naam=name, details=details, add=add, remove=remove_member or []),
         dry_run, commit)


def end(
    ctx: typer.Context,
    wijk: WijkArg,
    on: Annotated[str, typer.Option("--on", metavar="DATUM", help="Eerste dag dat de organisatie niet meer actief is.")],
    reason: Annotated[str | None, typer.Option("--reason", metavar="REDEN", help="Waarom de organisatie stopt; komt in het record.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
) -> None:
    """Beëindig de actieve organisatie (wijkraad of wijkplatform) van een wijk."""
    dag = parse_date(on, "--on")
    _run(ctx, wijk, lambda w: rules.end(w, on=dag, reden=reason), dry_run, commit)


COMMANDS = {"register": register_, "convert": convert, "update": update, "end": end}
