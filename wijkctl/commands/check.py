"""`check` and `fmt`: is the data valid, and is it in canonical form."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

import typer

from wijkctl import fileio, model, store, text, transaction
from wijkctl.commands.common import (
    FileOpt,
    OutputOpt,
    WriteOutputOpt,
    data_dir,
    message,
)
from wijkctl.errors import InvalidData, Problem
from wijkctl.output import Block, Column, Format, Report, WriteFormat, render
from wijkctl.yamlio import CURRENT_VERSIE


def _as_dict(p: Problem) -> dict[str, object]:
    return {"bestand": p.bestand, "regel": p.regel, "melding": p.melding, "regel_id": p.rule, "wijk": p.wijk}


def check(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Behandel waarschuwingen als fouten.")] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Controleer alle gegevensbestanden; elke fout als bestand:regel: melding."""
    from wijkctl.gitops import attributes_problem

    root = data_dir(ctx)
    raw, entry = store.cached(root)
    attributes = attributes_problem(root)
    # the quick answer: the cache knows these exact bytes valid and canonical (so current,
    # without comments), and the rules warn about nothing today; any problem needs its
    # line: parse
    data = store.dataset(entry) if entry is not None and entry.canonical >= set(store.DATA_FILES) else None
    if data is not None and attributes is None and _quiet_today(data):
        _print({"fouten": [], "waarschuwingen": []}, [], [], output, file)
        message(_in_orde(len(data.index), len(data.gebieden), len(data.regelingen), 0, len(data.of("subsidies"))))
        return
    snap = store.snapshot(root, raw=raw)
    comments = [
        Problem(name, line, "commentaar gaat verloren bij schrijven; zet notities in een 'opmerking'-veld",
                "waarschuwing",
                "commentaar")
        for name, loaded in snap.loaded.items()
        for line in loaded.comments
    ]
    fouten = snap.errors
    waarschuwingen = sorted(snap.warnings + comments + ([attributes] if attributes else []),
                            key=lambda p: (p.bestand, p.regel))
    if strict:
        fouten, waarschuwingen = sorted(fouten + waarschuwingen, key=lambda p: (p.bestand, p.regel)), []
    payload = {"fouten": [_as_dict(p) for p in fouten], "waarschuwingen": [_as_dict(p) for p in waarschuwingen]}
    _print(payload, fouten, waarschuwingen, output, file)
    if fouten:
        raise InvalidData(
            f"{len(fouten)} {'fout' if len(fouten) == 1 else 'fouten'}"
            f"{f' en {len(waarschuwingen)} waarschuwingen' if waarschuwingen else ''} in {root}."
        )
    for name, loaded in snap.loaded.items():
        if loaded.older:
            message(f"{name} is versie {loaded.versie}; wijkctl leest het als versie "
                    f"{CURRENT_VERSIE[name]} en schrijft het zo bij de volgende wijziging (of 'wijkctl fmt').")
    message(_in_orde(len(snap.data.wijken), len(snap.data.gebieden), len(snap.data.regelingen), len(waarschuwingen),
                     len(snap.data.of("subsidies"))))


_COLUMNS = [Column("ernst", "Ernst"), Column("bestand", "Bestand"), Column("regel", "Regel", "int"),
            Column("regel_id", "Regel-id"), Column("wijk", "Wijk"), Column("melding", "Melding")]


def _print(payload: dict, fouten: list[Problem], waarschuwingen: list[Problem], output: Format, file) -> None:
    """Through the renderer; the table is `file:line: message`, one problem a line, as
    editors read it (bean-check's form)."""
    rows = [{"ernst": ernst, **_as_dict(p)} for ernst, ps in (("fout", fouten), ("waarschuwing", waarschuwingen))
            for p in ps]
    lines = [str(p) for p in fouten] + [f"{p.bestand}:{p.regel}: waarschuwing: {p.melding}" for p in waarschuwingen]
    render(Report(payload, [Block(_COLUMNS, rows, title="Controle")], plain=lines), output, file)


def _quiet_today(data: model.Dataset) -> bool:
    """Whether validated data gives no warning today: no wijk warns (each wijk's summary
    knows from which day its rules stop warning, `validate.quiet_from`) and the rules
    that are not about each wijk on its own find nothing (`validate.quiet_files`)."""
    from wijkctl.index import NOOIT, STIL
    from wijkctl.validate import quiet_files

    today = text.today().isoformat()
    if not all(day != NOOIT and day <= today for day in data.index.column(STIL)):
        return False
    return quiet_files(data)


def _in_orde(wijken: int, gebieden: int, regelingen: int, waarschuwingen: int, subsidies: int = 0) -> str:
    return (
        f"In orde: {wijken} wijken, {gebieden} gebieden, {regelingen} "
        f"{'regeling' if regelingen == 1 else 'regelingen'}"
        + (f", {subsidies} {'subsidie' if subsidies == 1 else 'subsidies'}" if subsidies else "")
        + (f"; {waarschuwingen} "
           f"{'waarschuwing' if waarschuwingen == 1 else 'waarschuwingen'}." if waarschuwingen else ".")
    )


def fmt(
    ctx: typer.Context,
    check_only: Annotated[bool, typer.Option("--check", help="Schrijf niets; meld alleen welke bestanden niet in de "
                                                             "vaste vorm staan.")] = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Herschrijf de gegevensbestanden in de vaste (canonieke) vorm."""
    from wijkctl.yamlio import dump_loaded

    root = data_dir(ctx)
    entry = store.cached(root)[1] if check_only else None
    if entry is not None and entry.canonical >= set(store.DATA_FILES):  # proven by a write
        _formatted(output, "Alle bestanden staan in de vaste vorm.", [])
        return
    with nullcontext() if check_only else store.locked(root):
        snap = store.snapshot(root, check_rules=False)
        if snap.errors:
            raise InvalidData(
                "De bestanden zijn niet te lezen als wijkctl-gegevens; herstel eerst deze fouten:",
                [str(p) for p in snap.errors[: store.MAX_SHOWN]],
            )
        commented = {name: loaded.comments for name, loaded in snap.loaded.items() if loaded.comments}
        if commented:
            where = "; ".join(f"{name} regel {', '.join(map(str, lines))}" for name, lines in commented.items())
            raise InvalidData(
                f"Commentaar zou verloren gaan ({where}). Zet notities in een 'opmerking'-veld "
                "en verwijder de #-regels; er is niets veranderd."
            )
        canonical = {name: dump_loaded(snap.loaded[name]) for name in store.DATA_FILES}
        different = {name: text for name, text in canonical.items() if text != snap.texts[name]}
        if check_only:
            if different:
                raise InvalidData(
                    f"Niet in de vaste vorm: {', '.join(different)}. 'wijkctl fmt' herschrijft ze."
                )
            store.remember_proven(root, snap.raw, snap, frozenset(store.DATA_FILES))
            _formatted(output, "Alle bestanden staan in de vaste vorm.", [])
            return
        link = fileio.refuse_symlinks(root, list(different))
        if link:
            raise InvalidData(f"{link}; er is niets veranderd.")
        transaction.verify(snap, different, {name: snap.loaded[name].records for name in store.DATA_FILES},
                           rules=False, heads={name: snap.loaded[name].head for name in different})
        transaction.write(root, different)
        written = {**snap.raw, **{name: text.encode("utf-8") for name, text in different.items()}}
        store.remember_proven(root, written, snap, frozenset(store.DATA_FILES))
    _formatted(output, f"Herschreven: {', '.join(different)}." if different
               else "Alle bestanden stonden al in de vaste vorm.", list(different))


def _formatted(output: WriteFormat, line: str, herschreven: list[str]) -> None:
    """fmt's one line on stderr; under `-o json` also the files it rewrote."""
    if output != WriteFormat.table:
        render(Report({"herschreven": herschreven, "samenvatting": line}, []), output)
    message(line)

COMMANDS = {"check": check, "fmt": fmt}
