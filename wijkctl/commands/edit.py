"""`edit`: the long tail, by hand but safe — as `visudo`, `kubectl edit` and `pass edit` do.

The file is copied into a private temporary folder and opened in the user's editor.
After the editor closes, the copy is checked as a write would check it: it must load
strictly, hold no comments, and make a valid data set with the other two files. When it
does not, the copy is reopened with the problems listed as comments at the top, until it
is valid or the user gives up (closes without saving, or empties the file). A valid copy
is written in canonical form under the lock, provided the file on disk has not changed
since it was copied (optimistic, so no lock is held while a person types).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import fileio, store, transaction
from wijkctl.commands.common import CommitOpt, after_write, data_dir, message
from wijkctl.errors import (
    InvalidData,
    Problem,
    Refused,
    UsageError,
    WijkctlError,
    WriteFailed,
)
from wijkctl.schema import FILES
from wijkctl.store import DATA_FILES, MAX_FILE_BYTES, MAX_SHOWN

HEADER_START = "# wijkctl edit: NOG NIET OPGESLAGEN."
HEADER_END = "# ---- wijkctl haalt de regels hierboven zelf weg ----"
DEFAULT_EDITORS = ("sensible-editor", "editor", "nano", "vi")


def _choices() -> str:
    """The declared files as a person names them: "wijken (standaard), verbinders of ..."."""
    names = [n.removesuffix(".yaml") for n in DATA_FILES]
    names[0] += " (standaard)"
    return ", ".join(names[:-1]) + f" of {names[-1]}"


def edit(
    ctx: typer.Context,
    bestand: Annotated[
        str, typer.Argument(metavar="[BESTAND]", help=f"{_choices()}, met of zonder .yaml.")
    ] = "wijken",
    commit: CommitOpt = False,
) -> None:
    """Bewerk een gegevensbestand in je editor ($VISUAL of $EDITOR); het wordt pas geschreven als het geldig is."""
    name = _file_name(bestand)
    if not _interactive():
        raise UsageError(
            "wijkctl edit opent een editor en heeft daarvoor een terminal nodig. "
            "In scripts: gebruik de andere commando's (wijkctl --help)."
        )
    editor = _editor()
    root = data_dir(ctx)
    original = store.read_bytes(root)[name]
    text = store.decode(root, {name: original})[name]  # not UTF-8: exit 5, as every reader
    try:
        folder = Path(tempfile.mkdtemp(prefix="wijkctl-edit-"))  # 0700: kern members are personal data
        os.chmod(folder, 0o700)  # also under an odd umask: `_private` demands exactly this
    except OSError as exc:
        raise WriteFailed(f"Kan geen tijdelijke map maken voor de bewerking: {fileio.reason(exc)}.") from None
    copy = folder / name
    kept = False
    try:
        _write_copy(copy, text)
        _session(root, name, original, text, copy, editor, commit)
    except WijkctlError as exc:
        kept = str(copy) in exc.message  # the message tells the user where their work is
        raise
    finally:
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)


def _session(root: Path, name: str, original: bytes, text: str, copy: Path, editor: list[str], commit: bool) -> None:
    """Edit until valid, then write."""
    shown = text
    while True:
        _run_editor(editor, copy)
        edited = _read_copy(copy)
        if edited is None or not _strip_header(edited).strip():
            message(f"Bewerking afgebroken (leeg bestand); er is niets veranderd aan {name}.")
            return
        if edited == shown:
            if shown == text:
                message(f"Niets gewijzigd aan {name}.")
                return
            raise Refused(
                f"Niet opgeslagen: {name} heeft nog fouten en je sloot de editor zonder iets te veranderen. "
                f"Je bewerking staat in {copy}; er is niets veranderd."
            )
        body = _strip_header(edited)
        problems, warnings = _problems(root, name, body)
        if not problems:
            break
        shown = _with_header(body, problems)
        _write_copy(copy, shown)
    try:
        outcome, landed = _write(root, name, original, body, commit)
    except WijkctlError as exc:
        exc.message += f" Je bewerking staat in {copy}."
        raise
    with after_write(landed):
        message(outcome)
        for p in warnings[:MAX_SHOWN]:
            message(f"{p.bestand}:{p.regel}: waarschuwing: {p.melding}")


def _file_name(bestand: str) -> str:
    key = bestand.strip().removesuffix(".yaml").rsplit("/", 1)[-1]
    for name in DATA_FILES:
        if name.removesuffix(".yaml") == key:
            return name
    keuze = ", ".join(n.removesuffix(".yaml") for n in DATA_FILES)
    raise UsageError(f"Onbekend gegevensbestand '{bestand}'; kies uit {keuze}.")


def _interactive() -> bool:
    from wijkctl.output import is_terminal

    return is_terminal(sys.stdin) and is_terminal(sys.stdout)


def _editor() -> list[str]:
    """The user's editor as argv: $VISUAL, else $EDITOR, else the first one installed."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError:
                raise UsageError(f"${var} is geen geldig commando: {value!r}.") from None
            if argv:
                return argv
    for candidate in DEFAULT_EDITORS:
        if shutil.which(candidate):
            return [candidate]
    raise UsageError("Geen editor gevonden: zet $EDITOR, bijvoorbeeld export EDITOR=nano.")


def _run_editor(editor: list[str], copy: Path) -> None:
    try:
        done = subprocess.run([*editor, str(copy)], check=False)
    except OSError as exc:
        raise UsageError(f"De editor '{editor[0]}' start niet: {fileio.reason(exc)}. Zet $EDITOR.") from None
    if done.returncode != 0:
        raise Refused(
            f"De editor stopte met code {done.returncode}; er is niets veranderd. Je bewerking staat in {copy}."
        )


def _private(folder: Path) -> None:
    """Refuse (exit 5) unless `folder` is still wijkctl's private temporary folder: a
    folder, not a link, ours, mode 0700. Only then can nobody else put a file in it."""
    import stat

    try:
        info = os.lstat(folder)
    except OSError as exc:
        raise InvalidData(f"De tijdelijke map {folder} is weg ({fileio.reason(exc)}); er is niets veranderd.") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) != 0o700:
        raise InvalidData(f"De tijdelijke map {folder} is niet meer alleen van jou (map, eigenaar of rechten "
                          "veranderd); wijkctl leest en schrijft er niets meer in. Er is niets veranderd.")


def _write_copy(copy: Path, text: str) -> None:
    """Put `text` in the copy as a new file renamed over it: never written through a link
    or into a file that someone put in its place."""
    _private(copy.parent)
    new = copy.parent / f".{copy.name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(new, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(new, copy)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(new)
        raise WriteFailed(f"Kan de kopie voor de editor niet schrijven: {fileio.reason(exc)}; "
                          "er is niets veranderd.") from None


def _read_copy(copy: Path) -> str | None:
    """The edited copy, or None when it is gone; bounded like any data file. Opened without
    following a link, and only a regular file of ours with one name in the private folder
    is read: anything else is refused (exit 5), and nothing is written through it.
    Editors that save by renaming a new file over the copy make such a file."""
    _private(copy.parent)
    try:
        raw = fileio.read_regular(copy, MAX_FILE_BYTES, follow_symlinks=False, own=True)
    except FileNotFoundError:
        return None
    except fileio.Unreadable as exc:
        raise InvalidData(f"De bewerkte kopie {copy.name} {exc.reden}; wijkctl leest die niet en schrijft er niet "
                          "doorheen. Er is niets veranderd.") from None
    return raw.decode("utf-8", errors="replace")  # a broken byte shows as U+FFFD and is a problem at its line


def _strip_header(text: str) -> str:
    """The text without the problems wijkctl put at its top."""
    if not text.startswith(HEADER_START):
        return text
    end = text.find(HEADER_END)
    if end < 0:
        return text
    return text[end + len(HEADER_END):].removeprefix("\n")


def _with_header(body: str, problems: list[Problem]) -> str:
    """`body` with the problems at the top, their line numbers as the editor will show them."""
    shown = problems[:MAX_SHOWN]
    more = [f"#   ... en nog {len(problems) - MAX_SHOWN}."] if len(problems) > MAX_SHOWN else []
    shift = 3 + len(shown) + len(more) + 1  # the lines above the body
    lines = [HEADER_START, "# Verbeter de punten hieronder en sla op; sluit zonder opslaan of maak het bestand",
             "# leeg om te stoppen.",
             *(f"#   regel {p.regel + shift}: {p.melding}" if p.regel else f"#   {p.melding}" for p in shown),
             *more, HEADER_END]
    return "\n".join(line.replace("\n", " ") for line in lines) + "\n" + body


def _problems(root: Path, name: str, body: str) -> tuple[list[Problem], list[Problem]]:
    """What keeps `body` from being written as `name` (with its lines in `body`), and the
    warnings it would have; problems in the other files are named with their file."""
    from wijkctl import model
    from wijkctl.validate import validate
    from wijkctl.yamlio import load_text

    if "\ufffd" in body:
        line = body[: body.index("\ufffd")].count("\n") + 1
        return [Problem(name, line, "geen geldige UTF-8 op deze regel")], []
    loaded = load_text(name, body)
    problems = list(loaded.problems)
    problems += [Problem(name, n, "commentaar kan wijkctl niet bewaren; zet het in een 'opmerking'-veld")
                 for n in loaded.comments]
    if problems:
        return problems, []
    snap = store.snapshot(root, check_rules=False)
    data = model.Dataset(**{attr: records for other in FILES for attr, records
                            in (loaded if other == name else snap.loaded[other]).parts(other).items()})
    found = [p for other in DATA_FILES if other != name for p in snap.loaded[other].problems] + validate(data)
    return ([p if p.bestand == name else p._replace(regel=0, melding=f"{p.bestand}:{p.regel}: {p.melding}")
             for p in found if p.ernst == "fout"],
            [p for p in found if p.ernst != "fout"])


def _write(root: Path, name: str, original: bytes, body: str, commit: bool) -> tuple[str, bool]:
    """Write the valid `body` as `name` in canonical form, under the lock; the report line,
    and whether the file landed."""
    from wijkctl.yamlio import dump_loaded, load_text

    loaded = load_text(name, body)
    records, text = loaded.records, dump_loaded(loaded)
    with store.locked(root):
        if commit:
            from wijkctl import gitops

            gitops.precheck(root, DATA_FILES)
        snap = store.snapshot(root, check_rules=False)
        if snap.raw[name] != original:
            raise Refused(f"{name} is intussen door een ander gewijzigd; er is niets veranderd.")
        if text.encode("utf-8") == original:
            return f"Niets te wijzigen aan {name}.", False
        link = fileio.refuse_symlinks(root, [name])
        if link:  # exit 5, as for every write
            raise InvalidData(f"{link}; er is niets veranderd.")
        written = transaction.verify(snap, {name: text}, {name: records}, heads={name: loaded.head})
        landed = transaction.write(root, {name: text})
        gecommit = ""
        if commit:
            transaction.commit_or_undo(root, [name], f"edit: {name} met de hand bewerkt", {name: original})
            gecommit = " (gecommit)"
        store.remember(root, {**snap.raw, name: text.encode("utf-8")}, written)
    return f"{name} geschreven in de vaste vorm{gecommit}.", landed


COMMANDS = {"edit": edit}
