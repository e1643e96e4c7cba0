"""The map by command (CONTRACT §9): add-wijk, add-buurt, rename, move-wijk, add-gebied,
remove-buurt, remove-wijk, remove-gebied. Thin: parse, `kaart` changes, `transaction` writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from wijkctl import model, transaction
from wijkctl.commands.common import CommitOpt, DryRunOpt, WijkArg, WriteOutputOpt, data_dir, written

WkOpt = Annotated[str | None, typer.Option("--cbs-code", metavar="WK…", help="CBS-wijkcode: WK en 6 cijfers.")]
BuOpt = Annotated[str | None, typer.Option("--cbs-code", metavar="BU…", help="CBS-buurtcode: BU en 8 cijfers.")]
RenameBuurtOpt = Annotated[str | None, typer.Option(
    "--buurt", metavar="BUURT", help="Hernoem deze buurt van WIJK in plaats van de wijk.")]
VerbinderNameOpt = Annotated[str | None, typer.Option(
    "--verbinder-name", metavar="NAAM", help="Naam van de gebiedsverbinder, als die bekend is.")]
VerbinderEmailOpt = Annotated[str | None, typer.Option(
    "--verbinder-email", metavar="E-MAIL", help="E-mailadres van de gebiedsverbinder.")]
NameOpt = Annotated[str, typer.Option("--name", metavar="NAAM", help="De naam.")]
GebiedOpt = Annotated[str, typer.Option("--gebied", metavar="GEBIED", help="Het gebied: code of naam.")]
GebiedArg = Annotated[str, typer.Argument(metavar="GEBIED", help="Het gebied: code of naam.")]
CodeArg = Annotated[str, typer.Argument(metavar="CODE", help="De code: kleine letters, cijfers en koppeltekens.")]
BuurtOpt = Annotated[str, typer.Option("--buurt", metavar="BUURT", help="De buurt van WIJK.")]


def _run(ctx: typer.Context, change: Callable[[model.Dataset], model.Change], dry_run: bool, commit: bool,
         output: object) -> None:
    outcome = transaction.apply(data_dir(ctx), change, dry_run=dry_run, commit=commit)
    written(outcome, output, lambda: dict(outcome.resultaat or {}))  # type: ignore[arg-type]


def add_wijk(ctx: typer.Context, code: CodeArg, name: NameOpt, gebied: GebiedOpt,
             cbs_code: WkOpt = None,
             dry_run: DryRunOpt = False, commit: CommitOpt = False,
             output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Voeg een wijk toe aan een gebied (bijvoorbeeld een voormalig wijkraadgebied)."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.add_wijk(d, code, naam=name, gebied=gebied, cbs_code=cbs_code), dry_run, commit, output)


def add_buurt(ctx: typer.Context, wijk: WijkArg, name: NameOpt,
              cbs_code: BuOpt = None,
              dry_run: DryRunOpt = False, commit: CommitOpt = False,
              output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Voeg een buurt toe aan een wijk (een buurtnaam komt in maar één wijk voor)."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.add_buurt(d, wijk, naam=name, cbs_code=cbs_code), dry_run, commit, output)


def rename(ctx: typer.Context, wijk: WijkArg, name: NameOpt,
           buurt: RenameBuurtOpt = None,
           dry_run: DryRunOpt = False, commit: CommitOpt = False,
           output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Geef een wijk of buurt een nieuwe naam; codes en ids blijven, organisaties volgen mee."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.rename(d, wijk, naam=name, buurt=buurt), dry_run, commit, output)


def move_wijk(ctx: typer.Context, wijk: WijkArg, gebied: GebiedOpt,
              dry_run: DryRunOpt = False, commit: CommitOpt = False,
              output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Verplaats een wijk naar een ander gebied."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.move_wijk(d, wijk, gebied=gebied), dry_run, commit, output)


def add_gebied(ctx: typer.Context, code: CodeArg, name: NameOpt,
               verbinder_name: VerbinderNameOpt = None, verbinder_email: VerbinderEmailOpt = None,
               dry_run: DryRunOpt = False, commit: CommitOpt = False,
               output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Voeg een gebied toe, met zijn gebiedsverbinder als die bekend is."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.add_gebied(d, code, naam=name, verbinder=verbinder_name, email=verbinder_email),
         dry_run, commit, output)


def remove_buurt(ctx: typer.Context, wijk: WijkArg, buurt: BuurtOpt,
                 dry_run: DryRunOpt = False, commit: CommitOpt = False,
                 output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Verwijder een buurt; geweigerd zolang een organisatie haar noemt."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.remove_buurt(d, wijk, buurt), dry_run, commit, output)


def remove_wijk(ctx: typer.Context, wijk: WijkArg,
                dry_run: DryRunOpt = False, commit: CommitOpt = False,
                output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Verwijder een wijk zonder organisaties; geweigerd zolang er een naar verwijst."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.remove_wijk(d, wijk), dry_run, commit, output)


def remove_gebied(ctx: typer.Context, gebied: GebiedArg,
                  dry_run: DryRunOpt = False, commit: CommitOpt = False,
                  output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Verwijder een gebied; geweigerd zolang er een wijk in ligt."""
    from wijkctl import kaart

    _run(ctx, lambda d: kaart.remove_gebied(d, gebied), dry_run, commit, output)


COMMANDS = {"add-wijk": add_wijk, "add-buurt": add_buurt, "rename": rename, "move-wijk": move_wijk,
            "add-gebied": add_gebied, "remove-buurt": remove_buurt, "remove-wijk": remove_wijk,
            "remove-gebied": remove_gebied}
