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
_CODE = ("model.py", "yamlio.py", "validate.py", "cache.py")


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
    here = Path(__file__).parent
    for name in _CODE:  # so an edited (editable) install never reads stale results
        with suppress(OSError):
            st = os.stat(here / name)
            digest.update(f"{name}:{st.st_mtime_ns}:{st.st_size}".encode())
    for name in sorted(contents):
        digest.update(f"{name}:{len(contents[name])}:".encode())
        digest.update(contents[name])
    return digest.hexdigest()


def _path(root: Path) -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    ident = blake2b(str(root.resolve()).encode(), digest_size=16).hexdigest()
    return folder / f"{ident}.json"


def get(root: Path, sleutel: str) -> dict[str, Any] | None:
    """The cached plain records for `root`, only when stored under `sleutel`."""
    path = _path(root)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle, paused_gc():
            stored = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("sleutel") != sleutel:
        return None
    data = stored.get("gegevens")
    return data if isinstance(data, dict) else None


def put(root: Path, sleutel: str, data: dict[str, Any]) -> None:
    """Store plain records atomically; a cache that cannot be written is simply skipped."""
    import tempfile

    path = _path(root)
    if path is None:
        return
    text = json.dumps({"sleutel": sleutel, "gegevens": data}, ensure_ascii=False, default=str,
                      separators=(",", ":"))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)
