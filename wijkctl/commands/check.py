"""`check` and `fmt`: is the data valid, and is it in canonical form."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import fileio, model, store, text
from wijkctl.commands.common import (
    FileOpt,
    OutputOpt,
    WriteOutputOpt,
    after_write,
    data_dir,
    message,
)
from wijkctl.errors import InvalidData, Problem, UsageError, WijkctlError
from wijkctl.output import Block, Column, Format, Report, WriteFormat, render
from wijkctl.text import aantal


def _as_dict(p: Problem) -> dict[str, object]:
    return {"bestand": p.bestand, "regel": p.regel, "melding": p.melding, "regel_id": p.rule, "wijk": p.wijk}


def check(
    ctx: typer.Context,
    rev: Annotated[str | None, typer.Argument(metavar="[REV]", help="Met --changed: de revisie waartegen de wijziging "
                                                                    "geldt (standaard HEAD).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Behandel waarschuwingen als fouten.")] = False,
    changed: Annotated[bool, typer.Option("--changed", help="Tel waarschuwingen alleen waar de wijziging (de werkmap "
                                                            "tegen HEAD of REV) iets raakt; fouten tellen overal. "
                                                            "Voor de pre-commit-hooks.")] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Controleer alle gegevensbestanden; elke fout als bestand:regel: melding."""
    from wijkctl.gitops import attributes_problem

    if rev is not None and not changed:
        raise UsageError(f"'{rev}': een revisie geef je alleen met --changed op ('wijkctl check --changed {rev}').")
    root = data_dir(ctx)
    raw, entry = store.cached(root)
    attributes = attributes_problem(root)
    # the quick answer: the cache knows these exact bytes valid and canonical (so current,
    # without comments), and the rules warn about nothing today; any problem needs its
    # line: parse
    data = store.dataset(entry) if entry is not None and entry.canonical >= set(store.DATA_FILES) else None
    if data is not None and attributes is None and _quiet_today(data):
        notes = _notes(data)
        _prove_quick(data, notes)
        _print({"fouten": [], "waarschuwingen": [], "opmerkingen": notes}, [], [], output, file)
        message(_noted(notes) + _in_orde(len(data.index), len(data.gebieden), len(data.regelingen), 0,
                                         len(data.of("subsidies"))))
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
    waarschuwingen, buiten = _by_change(root, rev or "HEAD", snap.data, waarschuwingen) if changed \
        else (waarschuwingen, [])
    if strict:
        fouten, waarschuwingen = sorted(fouten + waarschuwingen, key=lambda p: (p.bestand, p.regel)), []
    notes = _notes(snap.data)
    payload = {"fouten": [_as_dict(p) for p in fouten], "waarschuwingen": [_as_dict(p) for p in waarschuwingen],
               "opmerkingen": notes}
    if changed:
        payload["buiten_wijziging"] = [_as_dict(p) for p in buiten]
    _print(payload, fouten, waarschuwingen, output, file)
    elders = (f"{len(buiten)} {'waarschuwing' if len(buiten) == 1 else 'waarschuwingen'} buiten deze wijziging "
              "niet meegeteld ('wijkctl check' toont alles).\n") if buiten else ""
    if fouten:
        raise InvalidData(
            f"{elders}{aantal(len(fouten), 'fout', 'fouten')}"
            f"{' en ' + aantal(len(waarschuwingen), 'waarschuwing', 'waarschuwingen') if waarschuwingen else ''}"
            f" in {root}."
            + store.conflict_hint(fouten)
        )
    from wijkctl.yamlio import CURRENT_VERSIE

    for name, loaded in snap.loaded.items():
        if loaded.older:
            message(f"{name} is versie {loaded.versie}; wijkctl leest het als versie "
                    f"{CURRENT_VERSIE[name]} en schrijft het zo bij de volgende wijziging (of 'wijkctl fmt').")
    message(elders + _noted(notes) + _in_orde(len(snap.data.wijken), len(snap.data.gebieden),
                                              len(snap.data.regelingen), len(waarschuwingen),
                                              len(snap.data.of("subsidies"))))


def _by_change(root: Path, rev: str, data: model.Dataset,
               problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """The problems where the work tree's change against `rev` touches, and the others."""
    from wijkctl.changed import scope

    where = scope(root, rev, data)
    return [p for p in problems if where.concerns(p)], [p for p in problems if not where.concerns(p)]


def _notes(data: model.Dataset) -> list[dict[str, object]]:
    """What `check` notes without warning: the platforms whose kern is not recorded (from
    the cache, none of the wijken is built)."""
    from wijkctl.validate import kern_niet_vastgelegd

    return [{"bestand": store.WIJKEN, "melding": f"van '{naam}' is de kern niet vastgelegd", "regel_id":
             "kern-niet-vastgelegd", "wijk": code, "organisatie": ident}
            for code, ident, naam in kern_niet_vastgelegd(data, text.today())]


def _prove_quick(data: model.Dataset, notes: list[dict[str, object]]) -> None:
    """Under `WIJKCTL_CHECK_WRITES=1`: the notes read from the cache's index must be those
    of the wijken built from its records (a debug check, exit 1 when they are not)."""
    if os.environ.get("WIJKCTL_CHECK_WRITES") != "1":
        return
    if _notes(model.Dataset([data.wijk_at(pos) for pos in range(len(data.index))])) != notes:
        raise WijkctlError("Interne fout: de opmerkingen van 'wijkctl check' uit de cache wijken af van die van "
                           "de wijken zelf. Meld dit.")


def _noted(notes: list[dict[str, object]]) -> str:
    """The notes as one line for people (the platforms by wijk code), or nothing."""
    if not notes:
        return ""
    wie = ", ".join(str(n["wijk"]) for n in notes[:5]) + (f" en nog {len(notes) - 5}" if len(notes) > 5 else "")
    return (f"Opmerking: van {len(notes)} {'wijkplatform' if len(notes) == 1 else 'wijkplatforms'} is de kern niet "
            f"vastgelegd ({wie}); dat is geen fout. Leg hem vast met 'wijkctl update WIJK --add-member'.\n")


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
        f"In orde: {aantal(wijken, 'wijk', 'wijken')}, {aantal(gebieden, 'gebied', 'gebieden')}, "
        f"{aantal(regelingen, 'regeling', 'regelingen')}"
        + (f", {aantal(subsidies, 'subsidie', 'subsidies')}" if subsidies else "")
        + (f"; {aantal(waarschuwingen, 'waarschuwing', 'waarschuwingen')}." if waarschuwingen else ".")
    )


def fmt(
    ctx: typer.Context,
    check_only: Annotated[bool, typer.Option("--check", help="Schrijf niets; meld alleen welke bestanden niet in de "
                                                             "vaste vorm staan.")] = False,
    output: WriteOutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Herschrijf de gegevensbestanden in de vaste (canonieke) vorm."""
    root = data_dir(ctx)
    entry = store.cached(root)[1] if check_only else None
    if entry is not None and entry.canonical >= set(store.DATA_FILES):  # proven by a write
        _formatted(output, "Alle bestanden staan in de vaste vorm.", [])
        return
    # the YAML side only now: the answers above import none of it
    from wijkctl import transaction
    from wijkctl.yamlio import dump_loaded

    landed = False
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
        landed = transaction.write(root, different)
        written = {**snap.raw, **{name: text.encode("utf-8") for name, text in different.items()}}
        store.remember_proven(root, written, snap, frozenset(store.DATA_FILES))
    with after_write(landed):
        _formatted(output, f"Herschreven: {', '.join(different)}." if different
                   else "Alle bestanden stonden al in de vaste vorm.", list(different))


def _formatted(output: WriteFormat, line: str, herschreven: list[str]) -> None:
    """fmt's one line on stderr; under `-o json` also the files it rewrote."""
    if output != WriteFormat.table:
        render(Report({"herschreven": herschreven, "samenvatting": line}, []), output)
    message(line)

COMMANDS = {"check": check, "fmt": fmt}
