"""`set-verbinder`: a new gebiedsverbinder for a gebied."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wijkctl import model, rules, transaction
from wijkctl.commands.common import (
    CommitOpt,
    DryRunOpt,
    WriteOutputOpt,
    data_dir,
    written,
)


def set_verbinder(
    ctx: typer.Context,
    gebied: Annotated[str, typer.Argument(metavar="GEBIED", help="Het gebied: code of naam.")],
    name: Annotated[str | None, typer.Option("--name", metavar="NAAM",
                                             help="Naam van de nieuwe gebiedsverbinder.")] = None,
    email: Annotated[str | None, typer.Option("--email", metavar="E-MAIL", help="E-mailadres van de "
                                                                                "gebiedsverbinder.")] = None,
    none: Annotated[bool, typer.Option("--none", help="De gebiedsverbinder vertrekt: "
                                                      "nog geen opvolger bekend.")] = False,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Leg een nieuwe gebiedsverbinder vast voor een gebied (de vorige blijft in git); --none als hij vertrekt."""
    from wijkctl.errors import UsageError
    from wijkctl.schema import GEBIED, to_plain

    if none and (name is not None or email is not None):
        raise UsageError("--none gaat niet samen met --name of --email: kies een nieuwe verbinder of geen.")
    if not none and name is None:
        raise UsageError("Geef --name (de nieuwe gebiedsverbinder) of --none (de verbinder vertrekt).")
    seen: dict[str, Any] = {}

    def mutate(data: model.Dataset) -> model.Change:
        seen["voor"] = [to_plain(g, GEBIED) for g in data.gebieden]
        change = (rules.clear_verbinder(data, gebied) if none
                  else rules.set_verbinder(data, gebied, naam=name or "", email=email))
        seen["na"] = [to_plain(g, GEBIED) for g in data.gebieden]
        return change

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    changed = [g for g in seen["na"] if g not in seen["voor"]]
    written(outcome, output, {"gebied": changed[0] if changed else None})


COMMANDS = {"set-verbinder": set_verbinder}
