"""A validated parse cache for read-only commands, outside the data directory.

Parsing YAML strictly is the cost of a look-up at scale (about 0.5 s for 3,300
wijken), while the same records load from JSON in a few milliseconds. The cache keeps
one JSON file per data directory in the user's cache directory (never in the git work
tree), holding the records of data that passed validation and a key: the hash of the
three files' exact bytes and of the code that read them. A read uses the cache only
when that key matches the bytes on disk now; anything unexpected means a normal parse.
JSON cannot run code when loaded, unlike pickle.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from wijkctl import __version__
from wijkctl.schema import paused_gc

try:  # the builtin module loads without OpenSSL, which hashlib's import pulls in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

ENV_DIR = "WIJKCTL_CACHE_DIR"  # where; "off" disables the cache
MAX_BYTES = 256 * 1024 * 1024  # a larger cache file is not read
KEEP = 16  # cache files kept: one per data directory recently read


def _cache_dir() -> Path | None:
    chosen = os.environ.get(ENV_DIR)
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wijkctl"


def key(contents: dict[str, bytes]) -> str:
    """The hash of the files' bytes and of the code that parses and validates them."""
    digest = blake2b(f"{__version__}|{sys.version_info[:2]}".encode(), digest_size=32)
    # Every module of the package, so that no edit to the code that reads, checks or
    # represents the data (an editable install) can be served stale results.
    with suppress(OSError), os.scandir(Path(__file__).parent) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                digest.update(f"{entry.name}:{st.st_mtime_ns}:{st.st_size}".encode())
    for name in sorted(contents):
        digest.update(f"{name}:{len(contents[name])}:".encode())
        digest.update(contents[name])
    return digest.hexdigest()


def _path(root: Path) -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        ident = blake2b(os.fsencode(root.resolve()), digest_size=16).hexdigest()
    except OSError:  # e.g. a relative path in a working directory that is gone
        return None
    return folder / f"{ident}.json"


def _trusted(folder: Path) -> bool:
    """Only a cache directory of our own that nobody else may write into is used."""
    import stat

    try:
        info = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def get(root: Path, sleutel: str) -> dict[str, Any] | None:
    """The cached plain records for `root`, only when stored under `sleutel`.

    Anything odd (another owner, a link, a FIFO, a huge or foreign file) means no cache.
    """
    return lookup(root, sleutel)[0]


def lookup(root: Path, sleutel: str) -> tuple[dict[str, Any] | None, frozenset[str]]:
    """The cached plain records for `root` under `sleutel`, and the names of the files
    known to be in canonical form (a writer needs not prove that again)."""
    from wijkctl import fileio

    path = _path(root)
    if path is None or not _trusted(path.parent):
        return None, frozenset()
    try:
        raw = fileio.read_regular(path, MAX_BYTES, follow_symlinks=False)
        with paused_gc():
            stored = json.loads(raw)
    except (OSError, ValueError, fileio.Unreadable, RecursionError):
        return None, frozenset()
    if not isinstance(stored, dict) or stored.get("sleutel") != sleutel:
        return None, frozenset()
    data = stored.get("gegevens")
    canonical = stored.get("canoniek")
    names = frozenset(n for n in canonical if isinstance(n, str)) if isinstance(canonical, list) else frozenset()
    return (data, names) if isinstance(data, dict) else (None, frozenset())


def put(root: Path, sleutel: str, data: dict[str, Any], canonical: frozenset[str] = frozenset()) -> None:
    """Store plain records atomically; a cache that cannot be written is simply skipped."""
    import tempfile

    path = _path(root)
    if path is None:
        return
    text = json.dumps({"sleutel": sleutel, "gegevens": data, "canoniek": sorted(canonical)}, ensure_ascii=False,
                      default=str, separators=(",", ":"))
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(path.parent):
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent)
    except OSError:
        pass
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently written cache files; older ones go."""
    with os.scandir(folder) as entries:
        files = [e for e in entries if e.name.endswith(".json") and e.is_file(follow_symlinks=False)]
    if len(files) <= KEEP:
        return
    files.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        with suppress(OSError):
            os.unlink(old.path)

