"""The data directory: finding it, loading it, and changing it safely (CONTRACT §1, §5).

A change is read-validate-modify-validate-write under an exclusive `flock` on the data
directory itself; each file is written to a temporary file beside it, fsynced and
renamed over the original, so readers see the old file or the new one, never a mix.
Any refusal leaves every file byte-for-byte as it was.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wijkctl import model
from wijkctl.errors import Busy, InvalidData, Problem, Refused, UsageError, WriteFailed
from wijkctl.schema import FILES, from_plain, paused_gc, to_plain

if TYPE_CHECKING:  # the YAML parser is imported only when the cache cannot serve
    import subprocess

    from wijkctl.yamlio import Loaded

DATA_FILES = tuple(FILES)
ENV_DATA = "WIJKCTL_DATA"
ENV_LOCK_TIMEOUT = "WIJKCTL_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
MAX_SHOWN = 10  # problems listed with an "invalid data" refusal


# --- finding the data ---------------------------------------------------------


def find_data_dir(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """`--data-dir`, else `$WIJKCTL_DATA`, else the nearest `data/` with wijken.yaml upward."""
    chosen = explicit or os.environ.get(ENV_DATA)
    if chosen:
        root = Path(chosen)
        if not (root / DATA_FILES[0]).is_file():
            bron = "--data-dir" if explicit else ENV_DATA
            raise InvalidData(
                f"Geen gegevens gevonden in {root} (via {bron}): {DATA_FILES[0]} ontbreekt. "
                f"Maak een nieuwe gegevensmap met 'wijkctl init {root}'."
            )
        return root
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data"
        if (candidate / DATA_FILES[0]).is_file():
            return candidate
    raise InvalidData(
        "Geen gegevens gevonden: geen map data/ met wijken.yaml in deze map of erboven. "
        f"Geef --data-dir of {ENV_DATA} op, of maak er een met 'wijkctl init data'."
    )


# --- loading ------------------------------------------------------------------


@dataclass
class Snapshot:
    """The data directory as read at one moment: texts, records and all problems."""

    root: Path
    texts: dict[str, str]
    loaded: dict[str, Loaded]
    data: model.Dataset
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.ernst == "fout"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.ernst != "fout"]

    def require_valid(self) -> model.Dataset:
        """The records, or exit 5 listing the first problems."""
        errors = self.errors
        if errors:
            raise InvalidData(
                f"De gegevens in {self.root} zijn ongeldig ({len(errors)} "
                f"{'fout' if len(errors) == 1 else 'fouten'}); 'wijkctl check' toont ze alle.",
                [str(p) for p in errors[:MAX_SHOWN]],
            )
        return self.data


def read_bytes(root: Path) -> dict[str, bytes]:
    """The three files' bytes; exit 5 when one is missing or unreadable."""
    contents = {}
    for name in DATA_FILES:
        path = root / name
        try:
            with open(path, "rb") as handle:
                contents[name] = handle.read()
        except FileNotFoundError:
            raise InvalidData(f"{path} ontbreekt; 'wijkctl init' schrijft een volledige gegevensmap.") from None
        except OSError as exc:
            raise InvalidData(f"{path} is niet leesbaar: {_reason(exc)}.") from None
    return contents


def decode(root: Path, contents: dict[str, bytes]) -> dict[str, str]:
    """The files' text; exit 5 when one is not UTF-8."""
    texts = {}
    for name, raw in contents.items():
        try:
            texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidData(f"{root / name} is geen UTF-8 (byte {exc.start}).") from None
    return texts


def read_texts(root: Path) -> dict[str, str]:
    return decode(root, read_bytes(root))


def parse(root: Path, texts: dict[str, str], *, check_rules: bool = True) -> Snapshot:
    """Records and problems from the files' texts (pure apart from `root` in messages)."""
    from wijkctl.validate import validate
    from wijkctl.yamlio import load_text

    loaded = {name: load_text(name, texts[name]) for name in DATA_FILES}
    data = model.Dataset(
        **{FILES[name][2]: loaded[name].records for name in DATA_FILES}
    )
    problems = [p for name in DATA_FILES for p in loaded[name].problems]
    if check_rules and not problems:
        problems = validate(data)
    return Snapshot(root, texts, loaded, data, problems)


def snapshot(root: Path, *, check_rules: bool = True) -> Snapshot:
    return parse(root, read_texts(root), check_rules=check_rules)


def load(root: Path) -> model.Dataset:
    """The valid data set in `root`, or exit 5; for reading only (no line numbers).

    Served from the validated parse cache when it holds exactly these files' bytes.
    """
    from wijkctl import cache

    contents = read_bytes(root)
    sleutel = cache.key(contents)
    plain = cache.get(root, sleutel)
    if plain is not None:
        try:
            with paused_gc():
                return _from_plain(plain)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # not what this version writes: parse instead
    data = parse(root, decode(root, contents)).require_valid()
    cache.put(root, sleutel, _to_plain(data))
    return data


def _to_plain(data: model.Dataset) -> dict[str, list[dict[str, object]]]:
    return {attr: [to_plain(r, schema) for r in getattr(data, attr)] for _key, schema, attr in FILES.values()}


def _from_plain(plain: dict[str, list[dict[str, object]]]) -> model.Dataset:
    return model.Dataset(**{attr: [from_plain(r, schema) for r in plain[attr]] for _key, schema, attr in FILES.values()})


# --- locking and writing --------------------------------------------------------


def _lock_timeout() -> float:
    raw = os.environ.get(ENV_LOCK_TIMEOUT)
    if raw is None or raw == "":
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{ENV_LOCK_TIMEOUT} moet een aantal seconden zijn, niet '{raw}'.") from None
    if value < 0:
        raise UsageError(f"{ENV_LOCK_TIMEOUT} mag niet negatief zijn.")
    return value


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold an exclusive flock on the directory itself (no lock file in the work tree).

    The kernel drops the lock when the process dies, so a killed run never blocks the next.
    """
    timeout = _lock_timeout()
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise InvalidData(f"Kan de gegevensmap {root} niet openen: {_reason(exc)}.") from None
    try:
        deadline = time.monotonic() + timeout
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"De gegevensmap {root} is bezet: een andere wijkctl schrijft er al "
                        f"{timeout:g} seconden in. Probeer het zo opnieuw "
                        f"(of verhoog {ENV_LOCK_TIMEOUT})."
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
        _remove_stale_temp_files(root)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove_stale_temp_files(root: Path) -> None:
    """Temp files of a writer killed mid-write; safe to remove while we hold the lock."""
    for name in DATA_FILES:
        for stale in root.glob(f".{name}.*.tmp"):
            with suppress(OSError):
                stale.unlink()


_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.EFBIG: "het bestand wordt te groot",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENOENT: "bestaat niet",
}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` by `text` atomically: temp file, flush, fsync, rename, fsync dir.

    A failure removes the temporary file, leaves the original untouched and raises
    WriteFailed (exit 1) naming the file and the reason.
    """
    import signal
    import tempfile

    data = text.encode("utf-8")
    # Without this, exceeding `ulimit -f` kills the process before the cleanup runs.
    if hasattr(signal, "SIGXFSZ"):
        with suppress(ValueError):  # not in the main thread
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise WriteFailed(f"Kan {path} niet schrijven: {_reason(exc)}. Er is niets veranderd.") from None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


# --- changing the data --------------------------------------------------------


@dataclass
class Change:
    """What a mutation did: a Dutch summary line and a git commit message."""

    samenvatting: str
    commit_bericht: str


@dataclass
class Outcome:
    change: Change
    changed: list[str]  # file names written (or that would be, with dry_run)
    diff: str


def writable_problems(snap: Snapshot, name: str, canonical: str) -> InvalidData | None:
    """Why `name` may not be rewritten by wijkctl (comments, not canonical), if so.

    `canonical` is the canonical text of the file's records as read, before any change.
    """
    loaded = snap.loaded[name]
    if loaded.comments:
        regels = ", ".join(str(n) for n in loaded.comments[:MAX_SHOWN])
        return InvalidData(
            f"{name} bevat commentaar (regel {regels}) dat wijkctl bij schrijven zou verliezen. "
            "Zet notities in een 'opmerking'-veld en verwijder de #-regels; er is niets veranderd."
        )
    if snap.texts[name] != canonical:
        return InvalidData(
            f"{name} staat niet in de vaste vorm, dus de wijziging zou meer regels raken dan nodig. "
            "Draai eerst 'wijkctl fmt' en commit dat apart; er is niets veranderd."
        )
    return None


def apply(
    root: Path,
    mutate: Callable[[model.Dataset], Change],
    *,
    dry_run: bool = False,
    commit: bool = False,
) -> Outcome:
    """Run `mutate` on the data under the lock and write what changed.

    `mutate` changes the Dataset in place and raises a WijkctlError to refuse; it runs
    on the data as read inside the lock, so concurrent writers never lose an update.
    """
    import difflib

    from wijkctl.validate import validate
    from wijkctl.yamlio import dump_records

    if commit and not dry_run:
        git_precheck(root)
    with nullcontext() if dry_run else locked(root):
        snap = snapshot(root)
        data = snap.require_valid()
        before = {name: dump_records(name, snap.loaded[name].records) for name in DATA_FILES}
        change = mutate(data)
        after = {name: dump_records(name, getattr(data, FILES[name][2])) for name in DATA_FILES}
        changed = [name for name in DATA_FILES if after[name] != before[name]]
        for name in changed:
            problem = writable_problems(snap, name, before[name])
            if problem:
                raise problem
        errors = [p for p in validate(data) if p.ernst == "fout"]
        if errors:
            raise Refused(
                "De wijziging zou de gegevens ongeldig maken; er is niets veranderd.",
                [str(p) for p in errors[:MAX_SHOWN]],
            )
        diff = "".join(
            "".join(
                difflib.unified_diff(
                    snap.texts[name].splitlines(keepends=True),
                    after[name].splitlines(keepends=True),
                    fromfile=f"a/{name}",
                    tofile=f"b/{name}",
                )
            )
            for name in changed
        )
        if not dry_run:
            for name in changed:
                write_atomic(root / name, after[name])
            if commit and changed:  # still under the lock: no other writer's change slips in
                git_commit(root, changed, change.commit_bericht)
    return Outcome(change, changed, diff)


# --- git --------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import subprocess

    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise UsageError("--commit heeft git nodig, maar git is niet gevonden.") from None


def git_precheck(root: Path) -> None:
    """Refuse --commit before anything is written unless the commit can be exactly ours."""
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError(f"--commit: de gegevensmap {root} staat niet in een git-werkmap.")
    if _git(root, "diff", "--cached", "--quiet").returncode != 0:
        raise UsageError(
            "--commit: er staan al andere wijzigingen klaar voor een commit (git add). "
            "Commit of herstel die eerst; er is niets veranderd."
        )
    status = _git(root, "status", "--porcelain", "--", *DATA_FILES).stdout.strip()
    if status:
        raise UsageError(
            "--commit: de gegevensbestanden hebben wijzigingen die nog niet gecommit zijn:\n"
            f"{status}\nCommit die eerst, zodat deze commit alleen deze wijziging bevat; er is niets veranderd."
        )
    if _git(root, "var", "GIT_COMMITTER_IDENT").returncode != 0:
        raise UsageError("--commit: git kent je naam en e-mailadres niet (git config user.name / user.email).")


def git_commit(root: Path, files: list[str], message: str) -> None:
    """Commit exactly `files` (names inside `root`)."""
    for args in (("add", "--", *files), ("commit", "-q", "-m", message, "--", *files)):
        done = _git(root, *args)
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip() or f"git {args[0]} gaf exit {done.returncode}"
            raise WriteFailed(f"De wijziging is geschreven, maar 'git {args[0]}' mislukte: {reason}")
