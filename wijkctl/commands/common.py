"""Options and helpers shared by the commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from wijkctl.output import Format

OutputOpt = Annotated[
    Format, typer.Option("--output", "-o", help="Uitvoervorm: table (standaard; op een smalle terminal vallen kolommen weg), wide (alle kolommen), json, yaml, csv of csv-nl (voor Nederlandse Excel).")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Toon de wijziging als diff van de YAML en verander niets.")
]
CommitOpt = Annotated[
    bool,
    typer.Option("--commit", help="Commit na het schrijven precies de gewijzigde gegevensbestanden met git."),
]


def complete_wijk(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for WIJK: codes and names of the data in use (never an error)."""
    from wijkctl import completion

    return completion.wijken(_data_dir_option(ctx), incomplete)


_WIJK_HELP = "De wijk: code, CBS-code, naam (hoofdletters en leestekens doen er niet toe) of een buurtnaam."
WijkArg = Annotated[str, typer.Argument(metavar="WIJK", help=_WIJK_HELP, autocompletion=complete_wijk)]
# A WIJK typed as several words ("waarder en veerpolder") is one name: the words are joined.
WijksArg = Annotated[list[str], typer.Argument(metavar="WIJK", help=_WIJK_HELP, autocompletion=complete_wijk)]
OptionalWijksArg = Annotated[
    list[str] | None, typer.Argument(metavar="[WIJK]", help=_WIJK_HELP, autocompletion=complete_wijk, show_default=False)
]


def _data_dir_option(ctx: typer.Context) -> str | None:
    root_ctx = ctx.find_root()
    obj = root_ctx.obj or {}
    value = obj.get("data_dir")
    return value if value is not None else root_ctx.params.get("data_dir")


def data_dir(ctx: typer.Context) -> Path:
    """The data directory of this run (CONTRACT §1)."""
    from wijkctl.store import find_data_dir

    return find_data_dir(_data_dir_option(ctx))


def message(text: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays data."""
    from wijkctl.text import printable

    print(printable(text, keep_newlines=True), file=sys.stderr)
