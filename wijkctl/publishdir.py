"""Writing the public page into a folder that is not only ours (CONTRACT §8).

A web root often holds other things (a `.git` folder, `robots.txt`, images): publish
writes only its own files, named in its marker file, and never touches anything else.

Under a lock on the folder:

1. the marker of the previous publish is read; a file about to be written that exists
   and is not in it is someone else's: refused (exit 2) before anything is written;
2. every file and the new marker are replaced together by `fileio.replace_files`
   (temporary files and a journal in the folder, renamed all or nothing; a crash midway
   is rolled back or forward by the next run that takes the lock);
3. files of the previous publish that are no longer written are removed. When there are
   any, the marker written in step 2 still names them, and it is rewritten without them
   only after they are gone: a crash in between leaves them listed as ours, so the next
   publish removes them instead of refusing them as someone else's.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

from wijkctl import fileio
from wijkctl.errors import UsageError, WriteFailed

MARKER = ".wijkctl-publish"
_MAGIC = "# wijkctl publish: de bestanden die 'wijkctl publish' in deze map schrijft en weer opruimt"
_MARKER_LIMIT = 64 * 1024


def prepare(folder: Path) -> bool:
    """Check that `folder` is a folder publish may write into, creating it when absent;
    True when it was created (so that a refusal can remove it again)."""
    if not str(folder).strip():
        raise UsageError("De map voor 'publish' is leeg; geef een map op, bijvoorbeeld 'wijkctl publish site'.")
    if folder.is_symlink():
        raise UsageError(f"{folder} is een symbolische koppeling; geef de map zelf op. Er is niets geschreven.")
    if os.path.lexists(folder):
        if not folder.is_dir():
            raise UsageError(f"{folder} is geen map; er is niets geschreven.")
        return False
    try:
        folder.mkdir(parents=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(f"Kan de map {folder} niet maken: daar (of erboven) staat iets dat geen map is; "
                         "er is niets geschreven.") from None
    except OSError as exc:
        raise WriteFailed(f"Kan de map {folder} niet maken: {fileio.reason(exc)}.") from None
    return True


def marker_text(names: list[str]) -> bytes:
    return (_MAGIC + "\n" + "".join(f"{name}\n" for name in sorted(names))).encode()


def read_marker(folder: Path) -> list[str]:
    """The files the previous publish wrote (none when there was none)."""
    try:
        raw = fileio.read_regular(folder / MARKER, _MARKER_LIMIT, follow_symlinks=False)
    except FileNotFoundError:
        return []
    except fileio.Unreadable as exc:
        raise UsageError(f"{folder / MARKER} {exc.reden}; er is niets geschreven.") from None
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        lines = []
    if not lines or lines[0] != _MAGIC:
        raise UsageError(f"{folder / MARKER} is niet het merkbestand van wijkctl publish; er is niets geschreven. "
                         "Verwijder het of kies een andere map.")
    return [name for name in lines[1:] if _plain(name)]


def _plain(name: str) -> bool:
    """A file name in the folder itself, never one that leads out of it, the marker or the journal."""
    return name not in ("", ".", "..", MARKER, fileio.JOURNAL) and "/" not in name and "\0" not in name


def _refuse_foreign(folder: Path, names: list[str], ours: list[str]) -> None:
    foreign = [name for name in names if os.path.lexists(folder / name) and name not in ours]
    if foreign:
        raise UsageError(f"{folder} bevat al {', '.join(foreign)}, niet geschreven door wijkctl publish "
                         f"(het staat niet in {MARKER}); er is niets geschreven. Verplaats het of kies een lege map.")
    problem = fileio.refuse_symlinks(folder, [*names, MARKER])
    if problem:
        raise UsageError(f"In {folder}: {problem}; er is niets geschreven.")


def _replace(folder: Path, texts: dict[str, bytes]) -> None:
    try:
        fileio.replace_files(folder, texts)
    except OSError as exc:
        raise WriteFailed(f"Kan niet schrijven in {folder}: {fileio.reason(exc)}. Er is niets veranderd.") from None


def write(folder: Path, texts: dict[str, bytes]) -> list[str]:
    """Replace publish's files in `folder` by `texts`, all or nothing, and remove those of
    the previous publish no longer written; the caller holds the lock. Returns the
    names removed."""
    ours = read_marker(folder)
    names = sorted(texts)
    _refuse_foreign(folder, names, ours)
    stale = [name for name in ours if name not in texts and _regular(folder / name)]
    _replace(folder, {**texts, MARKER: marker_text([*names, *stale])})
    if not stale:
        return []
    try:
        for name in stale:
            with suppress(FileNotFoundError):
                os.unlink(folder / name)
    except OSError as exc:
        raise WriteFailed(f"De nieuwe pagina staat in {folder}, maar een oud bestand van wijkctl publish kan niet "
                          f"weg: {fileio.reason(exc)}. Een volgende publish ruimt het op.") from None
    _replace(folder, {MARKER: marker_text(names)})
    return stale


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False  # gone, or not ours to judge: left alone
