"""Options and helpers shared by the commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from wijkctl.output import Format, WriteFormat

OutputOpt = Annotated[
    Format, typer.Option("--output", "-o", help=(
        "Uitvoervorm: table (standaard; op een smalle terminal vallen kolommen weg), wide (alle kolommen), "
        "json, yaml, csv, csv-nl (voor Nederlandse Excel) of xlsx (een spreadsheet, met --file of "
        "doorgestuurd naar een bestand)."))
]
FileOpt = Annotated[
    Path | None,
    typer.Option("--file", metavar="BESTAND", show_default=False, help=(
        "Schrijf de uitvoer naar dit bestand in plaats van naar het scherm (voor -o xlsx nodig op een terminal).")),
]
WriteOutputOpt = Annotated[
    WriteFormat, typer.Option("--output", "-o", help=(
        "Uitvoervorm: table (standaard: een regel op stderr) of json/yaml: het geschreven record met zijn id, "
        "bij --dry-run ook de diff."))
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
    list[str] | None, typer.Argument(metavar="[WIJK]", help=_WIJK_HELP, autocompletion=complete_wijk,
                                      show_default=False)
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


@contextmanager
def after_write(landed: bool) -> Iterator[None]:
    """Around what a command prints after its write, ending with stdout flushed: when stdout
    fails here and the files were replaced (`landed`, as the write returned it), the run is
    still a success ("De wijziging is wel opgeslagen")."""
    from wijkctl.errors import OutputFailed

    try:
        yield
        sys.stdout.flush()
    except OutputFailed as exc:
        exc.landed = landed
        raise


def written(outcome: Any, output: WriteFormat, payload: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
    """What a write prints: its one-line report on stderr; the unified diff of a dry run on
    stdout; under `-o json`/`yaml` instead of that diff, `payload` (the record(s) written,
    with their ids) and what happened (files, dry run, commit, and the diff of a dry run)."""
    from wijkctl.output import Report, render

    with after_write(outcome.landed):
        if output == WriteFormat.table:
            if outcome.dry_run:
                sys.stdout.write(outcome.diff)
        else:
            data = {**(payload() if callable(payload) else payload), "samenvatting": outcome.change.samenvatting,
                    "bestanden": list(outcome.changed), "proefdraai": outcome.dry_run,
                    "gecommit": outcome.committed}
            if outcome.dry_run:
                data["diff"] = outcome.diff
            render(Report(data, []), output)
        message(outcome.report())


def public_organisation(org: Any) -> dict[str, Any]:
    """An organisation as its record in the YAML, the kern by names only (personal data)."""
    from wijkctl import model
    from wijkctl.schema import schema_of, to_plain

    record = to_plain(org, schema_of(model.Organisatie))
    if "kern" in record:
        record["kern"] = [{"naam": lid["naam"]} for lid in record["kern"]]
    return record
