"""`set-verbinder`: a new gebiedsverbinder for a gebied."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from wijkctl import model, rules, transaction
from wijkctl.commands.common import CommitOpt, DryRunOpt, data_dir, message


def set_verbinder(
    ctx: typer.Context,
    gebied: Annotated[str, typer.Argument(metavar="GEBIED", help="Het gebied: code of naam.")],
    name: Annotated[str, typer.Option("--name", metavar="NAAM", help="Naam van de nieuwe gebiedsverbinder.")],
    email: Annotated[str | None, typer.Option("--email", metavar="E-MAIL", help="E-mailadres van de gebiedsverbinder.")] = None,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
) -> None:
    """Leg een nieuwe gebiedsverbinder vast voor een gebied (de vorige blijft in git)."""

    def mutate(data: model.Dataset) -> model.Change:
        return rules.set_verbinder(data, gebied, naam=name, email=email)

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    if dry_run:
        sys.stdout.write(outcome.diff)
    message(outcome.report())


COMMANDS = {"set-verbinder": set_verbinder}
