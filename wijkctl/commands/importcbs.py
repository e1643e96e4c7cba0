"""`import-cbs`: update the figures from a CBS Kerncijfers wijken en buurten CSV."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from wijkctl import cbs, fileio, invoer, model, transaction
from wijkctl.commands.common import (
    CommitOpt,
    DryRunOpt,
    WriteOutputOpt,
    data_dir,
    message,
    written,
)
from wijkctl.errors import UsageError
from wijkctl.output import Block, Column, is_terminal, render_plain
from wijkctl.text import aantal, getal

PROGRESS_FROM = 1_000_000  # characters; smaller files read in a blink


def _lines(handle: IO[str], size: int) -> Iterator[str]:
    """The file's lines (`size` characters in all), with a progress line on a terminal (stderr)
    for large files, erased when done; never when stderr is piped. Written by hand, per
    percent: a progress bar library would cost more to import than the file costs to read."""
    if size < PROGRESS_FROM or not is_terminal(sys.stderr):
        yield from handle
        return
    step = max(size // 100, 1)
    read, next_at = 0, step
    try:
        for line in handle:
            read += len(line)
            if read >= next_at:
                sys.stderr.write(f"\rCBS-bestand lezen: {min(100 * read // size, 100)}%")
                sys.stderr.flush()
                next_at = read + step
            yield line
    finally:
        sys.stderr.write("\r\x1b[2K")  # the line goes, as a finished progress bar does
        sys.stderr.flush()


MAX_CSV_BYTES = 512 * 1024 * 1024  # the whole country's table is about 30 MiB


def read_table(path: Path, keep: Callable[[str, str | None], bool] | None = None) -> cbs.Table:
    """Parse the CSV at `path` (only the rows `keep` keeps: `cbs.parse`); exit 2 when it is
    missing, not a regular file within the size limit, or not a Kerncijfers table."""
    import io

    try:
        raw = fileio.read_regular(path, MAX_CSV_BYTES)
    except FileNotFoundError:
        raise UsageError(f"Het bestand {path} bestaat niet.") from None
    except fileio.Unreadable as exc:
        raise UsageError(f"{path} {exc.reden}; verwacht een CSV-bestand van CBS.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is geen UTF-8-tekst; is dit wel een CSV van CBS?") from None
    return cbs.parse(_lines(io.StringIO(text, newline=""), len(text)), path.name, keep)


def import_cbs(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="BESTAND", help="CSV van CBS Kerncijfers wijken en buurten "
                                                                 "(OData-sleutels als kolomnamen).")],
    year_: Annotated[str, typer.Option("--year", "-j", metavar="JAAR", help="Het peiljaar van de cijfers, "
                                                                            "bijvoorbeeld 2024.")],
    add_buurten: Annotated[bool, typer.Option("--add-buurten", help=(
        "Voeg de CBS-buurten van bekende wijken die in de gegevens ontbreken toe, met naam en code."))] = False,
    dry_run: DryRunOpt = False,
    commit: CommitOpt = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Werk de cijfers van de wijken bij uit een CBS-tabel Kerncijfers wijken en buurten."""
    year = invoer.jaar(year_, "--year")
    table = read_table(file)

    extra: dict[str, list] = {}

    def mutate(data: model.Dataset) -> model.Change:
        missing = cbs.missing_buurten(data, table)
        extra["toegevoegd"] = cbs.add_buurten(data, missing, file.name) if add_buurten else []
        extra["ontbrekend"] = [] if add_buurten else [(code, r) for code, rs in missing.items() for r in rs]
        result = cbs.apply(data, table, year)
        n = len(result.bijgewerkt)
        return model.Change(
            f"Cijfers van {aantal(n, 'wijk', 'wijken')} bijgewerkt uit CBS {year} "
            f"({aantal(len(result.wijzigingen), 'wijziging', 'wijzigingen')}).",
            f"import-cbs: CBS Kerncijfers wijken en buurten {year}, {aantal(n, 'wijk', 'wijken')}",
            result,
        )

    outcome = transaction.apply(data_dir(ctx), mutate, dry_run=dry_run, commit=commit)
    result: cbs.Resultaat = outcome.resultaat
    if result.wijzigingen:  # for the person at the terminal, beside the one-line report
        rows = [{"wijk": w.plaats, "cijfer": w.cijfer, "oud": _cell(w.oud, w.cijfer), "nieuw": _cell(w.nieuw, w.cijfer)}
                for w in result.wijzigingen if w.cijfer != "bron"]
        block = Block([Column("wijk", "Wijk"), Column("cijfer", "Cijfer"), Column("oud", "Oud", "text"),
                       Column("nieuw", "Nieuw", "text")], rows)
        sys.stderr.write(render_plain(block))
    for figuur in result.ontbrekend:
        message(f"Het bestand heeft geen kolom voor {figuur.replace('_', ' ')}; dat cijfer blijft zoals het was.")
    for naam, codes in result.niet_gevonden:
        message(f"Niet in het bestand: {naam} ({codes}); cijfers ongewijzigd.")
    for code, missing in result.onbekende_buurten.items():
        message(f"Buurten van {code} ontbreken in het bestand: {', '.join(missing)}; die sommen zijn onbekend.")
    for naam in extra["toegevoegd"]:
        message(f"Buurt toegevoegd: {naam}.")
    if extra["ontbrekend"]:
        namen = ", ".join(f"{r.naam or r.code} ({r.code}, {code})" for code, r in extra["ontbrekend"][:20])
        message(f"CBS-buurten van bekende wijken die de gegevens niet hebben: {namen}"
                f"{' en meer' if len(extra['ontbrekend']) > 20 else ''}; voeg ze toe met --add-buurten.")
    if result.onbekende_codes:
        message(f"Wijkcodes in het bestand die geen wijk in de gegevens hebben: {', '.join(result.onbekende_codes)}.")
    if not (outcome.changed or dry_run):
        outcome.change.samenvatting = "De cijfers waren al bijgewerkt; er is niets veranderd."
    written(outcome, output, lambda: _payload(result))


def _payload(result: cbs.Resultaat) -> dict:
    """The figures written, per wijk, and every change to them."""
    from wijkctl.schema import WIJK, to_plain

    return {
        "wijken": [{"code": w.code, **{k: v for k, v in to_plain(w, WIJK).items() if k in ("cijfers", "buurten")}}
                   for w in result.bijgewerkt],
        "wijzigingen": [{"plaats": w.plaats, "cijfer": w.cijfer, "oud": w.oud, "nieuw": w.nieuw}
                        for w in result.wijzigingen],
        "niet_gevonden": [naam for naam, _codes in result.niet_gevonden],
        "onbekende_codes": list(result.onbekende_codes),
    }


def _cell(value: int | str | None, cijfer: str) -> str:
    if value is None:
        return "onbekend"
    return getal(value) if isinstance(value, int) and cijfer != "peiljaar" else str(value)


COMMANDS = {"import-cbs": import_cbs}
