"""`init`: write the bundled Haarlem data set into a directory."""

from __future__ import annotations

import os
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import fileio, gitops, store, transaction
from wijkctl.commands.common import WriteOutputOpt, after_write, message
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


FromCbsOpt = Annotated[Path | None, typer.Option("--from-cbs", metavar="BESTAND", help=(
    "Begin het register van een gemeente uit de CBS-tabel Kerncijfers wijken en buurten (CSV)."))]
YearOpt = Annotated[int | None, typer.Option("--year", metavar="JAAR", help=(
    "Het peiljaar van de CBS-tabel (bij --from-cbs)."))]
GemeenteOpt = Annotated[str | None, typer.Option("--gemeente", metavar="GM…|NAAM", help=(
    "De gemeente: CBS-code (GM0344) of naam (bij --from-cbs)."))]
GebiedenOpt = Annotated[Path | None, typer.Option("--gebieden", metavar="BESTAND", help=(
    "CSV met kopregel 'wijk,gebied': per wijk (CBS-code of naam) zijn gebied."))]


def init(
    map_: Annotated[str, typer.Argument(metavar="MAP", help="De map voor de gegevens; wordt zo nodig aangemaakt.")],
    force: Annotated[bool, typer.Option("--force", help="Overschrijf bestaande gegevensbestanden.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Voeg de nieuwe bestanden toe aan hun git-repository en "
                                                          "commit ze, zodat een volgende --commit werkt.")] = False,
    from_cbs: FromCbsOpt = None,
    year: YearOpt = None,
    gemeente: GemeenteOpt = None,
    gebieden: GebiedenOpt = None,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Schrijf de meegeleverde Haarlemse gegevensset in een map, of met --from-cbs het register van een gemeente."""
    texts, wat, proof = _texts(from_cbs, year, gemeente, gebieden)
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
        landed = _write(directory, force, commit, texts, wat, proof)
    except BaseException:
        if created:  # a refusal leaves no trace, not even the folder it made
            with suppress(OSError):
                directory.rmdir()
        raise
    with after_write(landed):
        if output != WriteFormat.table:
            render(Report({"map": str(directory), "bestanden": list(texts), "gecommit": commit}, []), output)
        probeer = "wijkctl verbinder Molenwijk" if from_cbs is None else "wijkctl list"
        message(
            f"Gegevensset {wat} geschreven naar {directory}{' en gecommit' if commit else ''}. "
            f"Probeer: cd {directory} && {probeer} (of WIJKCTL_DATA={directory} {probeer})\n"
            + _next_step(directory, commit)
        )


def _next_step(directory: Path, commit: bool) -> str:
    """What to commit next: the data (not yet in git, or not yet committed), or, once
    committed, the merge set-up that every clone shares."""
    if commit:
        return (f"Volgende stap, in een repository met meer clones: 'wijkctl --data-dir {directory} git-setup', en "
                f"commit daarna {directory / '.gitattributes'}.")
    if gitops.git(directory, "rev-parse", "--is-inside-work-tree").returncode != 0:
        return (f"Nog niet in git: 'cd {directory} && git init && wijkctl commit' legt de gegevens vast, zodat elke "
                "wijziging daarna een eigen commit is.")
    return f"Nog niet gecommit: 'wijkctl --data-dir {directory} commit' legt de gegevens vast."


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


def _texts(from_cbs: Path | None, year: int | None, gemeente: str | None,
           gebieden: Path | None) -> tuple[dict[str, str], str, store.Snapshot | None]:
    """The files to write, whose data set they are (the bundled one, or a new register
    from a CBS table, read, built and validated before anything is written) and, for a
    register, the texts parsed, known canonical (they read back as the records dumped)."""
    if from_cbs is None:
        if year is not None or gemeente is not None or gebieden is not None:
            raise UsageError("--year, --gemeente en --gebieden horen bij --from-cbs.")
        return {name: bundled(name) for name in bundled_files()}, "Haarlem", None
    if year is None or gemeente is None:
        raise UsageError("--from-cbs vraagt ook --year (het peiljaar) en --gemeente (GM-code of naam).")
    from wijkctl import start, yamlio
    from wijkctl.commands.importcbs import read_table
    from wijkctl.schema import FILES, PARTS

    mapping = _read_text(gebieden) if gebieden is not None else None
    # only the rows of that gemeente are read: the national table holds every gemeente's
    table = read_table(from_cbs, start.rows_of(gemeente))
    data = start.register(table, year, gemeente, bestand=str(from_cbs), mapping=mapping,
                          mapping_bestand=str(gebieden))
    texts = {name: yamlio.dump_data(name, data) for name, f in FILES.items() if not f.optional}
    # an optional file init writes none of (subsidies.yaml) reads as its text without records
    snap = store.parse(Path("."), {name: texts[name] if name in texts else f.empty().decode()
                                   for name, f in FILES.items()})
    if snap.errors:
        raise Refused("Het nieuwe register zou ongeldig zijn; er is niets geschreven:",
                      [str(p) for p in snap.errors[:10]])
    same = all(snap.data.of(attr) == data.of(attr) for _part, (_name, attr, _s) in PARTS.items())
    return texts, data.gemeentenaam, snap if same else None


def _read_text(path: Path) -> str:
    try:
        return fileio.read_regular(path, store.MAX_FILE_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path} bestaat niet; er is niets geschreven.") from None
    except fileio.Unreadable as exc:
        raise UsageError(f"{path} {exc.reden}; er is niets geschreven.") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is geen UTF-8 (byte {exc.start}); er is niets geschreven.") from None


def _write(directory: Path, force: bool, commit: bool, texts: dict[str, str], wat: str,
           proof: store.Snapshot | None) -> bool:
    """Under the lock: refuse existing data unless forced, write all or nothing, commit,
    and leave the cache knowing what was written. True: the files landed."""
    with store.locked(directory):
        names = list(texts)
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
        landed = transaction.write(directory, texts)
        if commit:
            transaction.commit_or_undo(directory, names, f"init: gegevensset {wat}", before)
        _remember(directory, texts, proof)
    return landed


def _remember(directory: Path, texts: dict[str, str], proof: store.Snapshot | None) -> None:
    """Leave the cache knowing what was written, proven canonical, so that the first
    command in the new directory parses nothing (an optional file init does not write
    must be absent: then it reads as its text without records). `proof`: the texts
    already parsed and known canonical; else they are parsed and dumped here."""
    from wijkctl.schema import FILES
    from wijkctl.yamlio import dump_loaded

    if any(name not in texts for name in store.DATA_FILES if name not in store.absent(directory)):
        return
    full = {name: texts[name] if name in texts else FILES[name].empty().decode() for name in store.DATA_FILES}
    if proof is not None:
        snap, canonical = proof, frozenset(store.DATA_FILES)
    else:
        snap = store.parse(directory, full)
        canonical = frozenset(name for name, loaded in snap.loaded.items()
                              if not loaded.comments and not loaded.older and dump_loaded(loaded) == full[name])
    store.remember_proven(directory, {name: text.encode("utf-8") for name, text in full.items()}, snap, canonical)


COMMANDS = {"init": init}
