"""`init`: write the bundled Haarlem data set into a directory."""

from __future__ import annotations

import os
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import fileio, gitops, store, transaction
from wijkctl.commands.common import WriteOutputOpt, message
from wijkctl.errors import InvalidData, Refused, UsageError, WriteFailed
from wijkctl.output import Report, WriteFormat, render


def bundled(name: str) -> str:
    """The text of one bundled data file (package data)."""
    return resources.files("wijkctl").joinpath("data", name).read_text(encoding="utf-8")


def bundled_files() -> list[str]:
    """The declared files the package bundles: every file but an optional one without
    records in the Haarlem set (absent means none)."""
    from wijkctl.schema import FILES

    return [name for name, f in FILES.items()
            if not f.optional or resources.files("wijkctl").joinpath("data", name).is_file()]


def init(
    map_: Annotated[str, typer.Argument(metavar="MAP", help="De map voor de gegevens; wordt zo nodig aangemaakt.")],
    force: Annotated[bool, typer.Option("--force", help="Overschrijf bestaande gegevensbestanden.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Voeg de nieuwe bestanden toe aan hun git-repository en "
                                                          "commit ze, zodat een volgende --commit werkt.")] = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Schrijf de meegeleverde Haarlemse gegevensset in een map."""
    directory = _target(map_)
    created = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file in the way, also of a parent
        raise UsageError(f"Kan de map {directory} niet maken: daar (of erboven) staat een bestand dat geen map is; "
                         "er is niets veranderd.") from None
    except OSError as exc:
        raise WriteFailed(f"Kan de map {directory} niet maken: {fileio.reason(exc)}.") from None
    try:
        _write(directory, force, commit)
    except BaseException:
        if created:  # a refusal leaves no trace, not even the folder it made
            with suppress(OSError):
                directory.rmdir()
        raise
    if output != WriteFormat.table:
        render(Report({"map": str(directory), "bestanden": bundled_files(), "gecommit": commit}, []), output)
    message(
        f"Gegevensset Haarlem geschreven naar {directory}{' en gecommit' if commit else ''}. "
        f"Probeer: WIJKCTL_DATA={directory} wijkctl verbinder Molenwijk"
        + (f"\nIn een git-repository met meer clones: 'wijkctl --data-dir {directory} git-setup' laat git de "
           "bestanden per wijk samenvoegen." if commit else "")
    )


def _target(map_: str) -> Path:
    """The folder to write into; an empty name is refused (it would mean the current
    folder without anyone having said so), as is a file that is not a folder."""
    if not map_.strip():
        raise UsageError("De map voor 'init' is leeg; geef een map op, bijvoorbeeld 'wijkctl init data' "
                         "(of 'wijkctl init .' voor de huidige map).")
    directory = Path(map_)
    if os.path.lexists(directory) and not directory.is_dir():
        raise UsageError(f"{directory} is een bestand, geen map; kies een map voor de gegevens. Er is niets veranderd.")
    return directory


def _write(directory: Path, force: bool, commit: bool) -> None:
    """Under the lock: refuse existing data unless forced, write all or nothing, commit."""
    with store.locked(directory):
        names = bundled_files()
        existing = [name for name in store.DATA_FILES if os.path.lexists(directory / name)]
        if existing and not force:
            raise Refused(
                f"{directory} bevat al gegevens ({', '.join(existing)}); er is niets veranderd. "
                "Gebruik --force om ze te overschrijven."
            )
        link = fileio.refuse_symlinks(directory, existing)
        if link:
            raise InvalidData(f"{link}; er is niets veranderd.")
        if commit:
            gitops.precheck(directory, names)
            try:  # what to put back when the commit fails
                before = {name: fileio.read_regular(directory / name, store.MAX_FILE_BYTES) if name in existing
                          else None for name in names}
            except fileio.Unreadable as exc:
                raise InvalidData(f"{exc.path} {exc.reden}; er is niets veranderd.") from None
        transaction.write(directory, {name: bundled(name) for name in names})
        if commit:
            transaction.commit_or_undo(directory, names, "init: gegevensset Haarlem", before)


COMMANDS = {"init": init}
