"""Files, safely: bounded reads of regular files, and all-or-nothing replacement.

Reading opens without blocking and checks what it opened (`fstat`): a FIFO, a device or
a directory is refused at once instead of being waited on, and a file over the caller's
size limit is refused before it is read.

Replacing a set of files is all or nothing, also when the process is killed, in the way
of SQLite's rollback journal. Under the caller's lock, `replace_files`:

1. writes a journal (`.wijkctl-journal`) naming every temporary and backup file it is
   about to make, and fsyncs it;
2. writes each new text to its temporary file beside the original and fsyncs it;
3. hard-links each original to its backup name;
4. renames every temporary file over its original, and fsyncs the directory;
5. removes the backups, then the journal: that removal is the commit point.

`recover` (run by whoever takes the lock next) finishes an interrupted run: while a
listed temporary file still exists, not every rename happened, so the backups are put
back (roll back); otherwise every rename happened and only the leftovers go (roll
forward). Either way every file is wholly old or wholly new, and only files the
journal names are ever removed: a file merely named like ours is never touched.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

JOURNAL = ".wijkctl-journal"
_MAGIC = "wijkctl-journal-1"


class Unreadable(Exception):
    """A file that is not read: `reden` says why, in Dutch."""

    def __init__(self, path: Path, reden: str):
        super().__init__(f"{path} {reden}")
        self.path, self.reden = path, reden


_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.EFBIG: "het bestand wordt te groot",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENOENT: "bestaat niet",
    errno.ELOOP: "is een symbolische koppeling",
    errno.EISDIR: "is een map",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EIO: "invoer-/uitvoerfout van het apparaat",
    errno.EBADF: "de uitvoer is gesloten",
    errno.EPIPE: "de lezer is gestopt",
}


def reason(exc: OSError) -> str:
    """The Dutch reason for an OSError."""
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "een map"
    if stat.S_ISFIFO(mode):
        return "een pijp (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "een apparaat"
    if stat.S_ISSOCK(mode):
        return "een socket"
    return "geen gewoon bestand"


def size_text(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def read_regular(path: Path, limit: int, *, follow_symlinks: bool = True, own: bool = False,
                 seen: list[os.stat_result] | None = None) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Raises FileNotFoundError when it does not exist, and Unreadable for anything else
    that is not read: not a regular file, larger than `limit`, no permission; with `own`,
    also a file of another user or one with a second name (a hard link). `seen`: gets the
    file's status as it was just before it was read (a change made while it was read
    changes the status after it).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise Unreadable(path, f"is niet leesbaar: {reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(path, f"is {_kind(info.st_mode)}, geen gewoon bestand")
        if own and (info.st_uid != os.geteuid() or info.st_nlink != 1):
            raise Unreadable(path, "is niet van jou" if info.st_uid != os.geteuid()
                             else "heeft nog een naam (een harde koppeling)")
        if info.st_size > limit:
            raise Unreadable(path, f"is groter dan de grens van {size_text(limit)}")
        if seen is not None:
            seen.append(info)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:  # the file may grow while it is read: stop past the limit
            chunk = os.read(fd, max(info.st_size - total, 0) + 65536)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Unreadable(path, f"is groter dan de grens van {size_text(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(path, f"is niet leesbaar: {reason(exc)}") from None
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` (it must not exist), write `data`, fsync."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode_of(path: Path) -> tuple[int, int, int] | None:
    """(mode, uid, gid) of an existing file, None when it does not exist."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid


def refuse_symlinks(root: Path, names: list[str]) -> str | None:
    """The first of `names` in `root` that exists but is not a regular file, if any."""
    for name in names:
        try:
            info = os.lstat(root / name)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            wat = "een symbolische koppeling" if stat.S_ISLNK(info.st_mode) else _kind(info.st_mode)
            return f"{name} is {wat}; wijkctl vervangt alleen gewone bestanden"
    return None


def replace_files(root: Path, texts: Mapping[str, bytes]) -> list[str]:
    """Replace each `root/name` by its bytes, all or nothing (see the module docstring).

    The caller holds the lock on `root`. Returns the names replaced: once it returns, the
    new files are there, whatever happens next (a failure to print afterwards is no failed
    write: the caller passes this on). Raises OSError after undoing whatever it did; the
    originals are then as they were.
    """
    if not texts:
        return []
    _ignore_file_size_signal()
    recover(root)
    token = os.urandom(6).hex()
    names = list(texts)
    temps = {name: f".{name}.{token}.tmp" for name in names}
    backups = {name: f".{name}.{token}.bak" for name in names}
    olds = {name: _mode_of(root / name) for name in names}
    journal = root / JOURNAL
    entry = {"magic": _MAGIC, "temps": temps, "backups": backups,
             "new": [name for name in names if olds[name] is None]}
    try:
        _write_new(journal, json.dumps(entry).encode(), 0o600)
        _fsync_dir(root)
        umask = os.umask(0)
        os.umask(umask)
        for name in names:
            old = olds[name]
            _write_new(root / temps[name], texts[name], old[0] if old else 0o666 & ~umask)
            if old is not None:
                os.chmod(root / temps[name], old[0])  # the umask may have narrowed it
                with suppress(OSError):  # keep the owner where we may (as root)
                    os.chown(root / temps[name], old[1], old[2])
                os.link(root / name, root / backups[name])
        for name in names:
            os.replace(root / temps[name], root / name)
        _fsync_dir(root)
    except BaseException:
        with suppress(OSError):
            recover(root)
        raise
    # Every rename happened: the new files stay, whatever the cleanup meets (a leftover
    # journal with no temporary files left makes the next run roll forward).
    with suppress(OSError):
        for backup in backups.values():
            with suppress(FileNotFoundError):
                os.unlink(root / backup)
        os.unlink(journal)
        _fsync_dir(root)
    return names


def _ignore_file_size_signal() -> None:
    """Past `ulimit -f` the kernel sends SIGXFSZ, which kills the process before any
    cleanup; ignored, the write fails with EFBIG instead and is undone."""
    import signal

    if hasattr(signal, "SIGXFSZ"):
        with suppress(ValueError):  # not in the main thread
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def recover(root: Path) -> bool:
    """Finish a replacement that was interrupted; True when there was one.

    The caller holds the lock. Only files named in the journal are touched.
    """
    journal = root / JOURNAL
    try:
        raw = read_regular(journal, 1024 * 1024, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except Unreadable:
        return False  # not ours to judge: left alone
    try:
        entry = json.loads(raw)
        if entry["magic"] != _MAGIC:
            raise ValueError
        temps = {n: t for n, t in entry["temps"].items() if _own_name(t) and _plain_name(n)}
        backups = {n: b for n, b in entry["backups"].items() if _own_name(b) and _plain_name(n)}
        new = [n for n in entry["new"] if _plain_name(n) and n in temps]
    except (ValueError, KeyError, TypeError, AttributeError):
        # A journal is written before anything else exists: a torn one means the
        # process died while writing it, before it made any other file.
        os.unlink(journal)
        return True
    renaming = any(os.path.lexists(root / t) for t in temps.values())
    for name, backup in backups.items():
        try:
            saved = os.lstat(root / backup)
        except FileNotFoundError:
            continue
        try:
            current = os.lstat(root / name)
            untouched = (current.st_dev, current.st_ino) == (saved.st_dev, saved.st_ino)
        except FileNotFoundError:
            untouched = False
        if renaming and not untouched:
            os.replace(root / backup, root / name)
        else:
            os.unlink(root / backup)
    if renaming:  # a file that did not exist before and was already renamed in goes again
        for name in new:
            if not os.path.lexists(root / temps[name]):
                with suppress(FileNotFoundError):
                    os.unlink(root / name)
    for temp in temps.values():
        with suppress(FileNotFoundError):
            os.unlink(root / temp)
    _fsync_dir(root)
    os.unlink(journal)
    _fsync_dir(root)
    return True


def _plain_name(name: object) -> bool:
    """A file name inside the directory, nothing that leads out of it."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _own_name(name: object) -> bool:
    """A name this module makes: hidden, in the same directory, with our suffix."""
    return (isinstance(name, str) and name.startswith(".") and "/" not in name
            and name.endswith((".tmp", ".bak")))
