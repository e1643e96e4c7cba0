"""A validated parse cache for read-only commands, outside the data directory.

Parsing YAML strictly is the cost of a look-up at scale (about 0.5 s for 3,300
wijken), while the same records load from JSON in a few milliseconds. The cache keeps
one JSON file per data directory in the user's cache directory (never in the git work
tree), holding the records of data that passed validation and a key: the hash of the
three files' exact bytes and of the code that read them. A read uses the cache only
when that key matches the bytes on disk now; anything unexpected means a normal parse.
JSON cannot run code when loaded, unlike pickle.

The file is a checksum line (CRC-32 over the header line), a header line (the key, the
small files' records, the length of every other line, and the CRC-32 of each column line
and of each block of BLOCK wijk lines), then the index of the wijken as one JSON line per
column (`index.py`), then one JSON line per wijk, then a `Section` per deferred file
(subsidies.yaml: one JSON line per record and a column of each key `Dataset.where`
selects on). Every checksum is verified when the entry is read: an entry that does not
verify is never used. A look-up parses the header, the columns it needs and the one wijk
it shows; a read of one subsidy year parses that year's lines; a write replaces only the
lines it changed and checksums only the columns and blocks that changed.

An entry proven to hold the files' bytes also keeps their status (`stamp`): a later read
that finds every file's size, times, inode and device as they were uses the entry without
hashing the files again (BLAKE2b over a nationwide set costs more than the rest of a look-up).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from wijkctl import __version__
from wijkctl.errors import WijkctlError
from wijkctl.schema import FILES, PARTS, WIJKEN, paused_gc, to_plain

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from wijkctl import model

try:  # the builtin module loads without OpenSSL, which hashlib's import pulls in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

ENV_DIR = "WIJKCTL_CACHE_DIR"  # where; "off" disables the cache
MAX_BYTES = 256 * 1024 * 1024  # a larger cache file is not read
KEEP = 16  # cache files kept: one per data directory recently read


def _cache_dir(root: Path) -> Path | None:
    """Where the cache of data directory `root` lives; None: no cache.

    A cache is never a file of the data's work tree: a relative `WIJKCTL_CACHE_DIR`
    (whose place depends on the working directory) and one inside the data directory or
    the git work tree it is in are ignored, with a warning; the command then parses."""
    chosen = os.environ.get(ENV_DIR)
    if chosen == "off":
        return None
    if chosen:
        folder = Path(chosen)
        if not folder.is_absolute():
            _warn(f"{ENV_DIR}={chosen} is geen absoluut pad en wordt genegeerd; wijkctl werkt zonder cache.")
            return None
        if _inside_work_tree(folder, root):
            _warn(f"{ENV_DIR}={chosen} ligt in de gegevensmap of haar git-repository en wordt genegeerd; "
                  "wijkctl werkt zonder cache.")
            return None
        return folder
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wijkctl"


def _inside_work_tree(folder: Path, root: Path) -> bool:
    """Whether `folder` is `root`, inside it, or inside the git work tree `root` is in."""
    try:
        where, data = Path(os.path.realpath(folder)), Path(os.path.realpath(root))
    except (OSError, ValueError):
        return True
    tree = next((d for d in (data, *data.parents) if os.path.lexists(d / ".git")), data)
    return where == tree or tree in where.parents


_WARNED: set[str] = set()


def _warn(message: str) -> None:
    if message not in _WARNED:  # once per run
        _WARNED.add(message)
        print(f"Waarschuwing: {message}", file=sys.stderr)


_CODE_KEY: list[str] = []


def code_key() -> str:
    """The hash of the code that parses, validates and prints the files: every module of
    the package and of its commands (whose texts an entry may keep, `Rendered`), so that no
    edit to the code that reads, checks or represents the data (an editable install) can be
    served stale results."""
    if _CODE_KEY:
        return _CODE_KEY[0]
    digest = blake2b(f"{__version__}|{sys.version_info[:2]}".encode(), digest_size=16)
    package = Path(__file__).parent
    for folder, prefix in ((package, ""), (package / "commands", "commands/")):
        with suppress(OSError), os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    digest.update(f"{prefix}{entry.name}:{st.st_mtime_ns}:{st.st_size}".encode())
    _CODE_KEY.append(digest.hexdigest())
    return _CODE_KEY[0]


_TEXT_KEY_SIZE = 12


def text_key(text: bytes) -> str:
    """A short hash of some bytes (one record's lines), to know them again."""
    return blake2b(text, digest_size=_TEXT_KEY_SIZE).hexdigest()


def _key_of(raw: bytes | memoryview, kind: bytes) -> str:
    """The key of a whole file (`kind` b"file"), a block of one (b"block") or its blocks'
    keys (b"tree"): BLAKE2b-256, each kind in its own domain (`person`), so that no bytes of
    one kind can pass for another (a small file holding a large one's block keys)."""
    return blake2b(raw, digest_size=32, person=b"wijkctl-" + kind).hexdigest()


TREE_BYTES = 1 << 20  # a file this large is keyed through blocks (`file_key`)
BLOCK_BYTES = 1 << 16  # the least size of a block but the last


class Keys(dict):
    """Each file's key (`file_key`), by name, and the block keys of those keyed through
    blocks (`blocks`), which a write reuses for the blocks it did not change."""

    def __init__(self, keys: dict[str, str], blocks: dict[str, list[str]]):
        super().__init__(keys)
        self.blocks = blocks


def _block_starts(raw: bytes) -> list[int]:
    """Where each block of a file begins, and its end: the first at 0, then one cut near
    every multiple of BLOCK_BYTES, at a line starting with `- ` (a top-level record in
    canonical YAML; in any other bytes just a place to cut) within CUT_WINDOW after it:
    of those lines, the one whose first bytes have the least CRC-32. The choice follows
    the content, not the offsets: when a record before grows or shrinks by a few bytes,
    the window moves by as much over the content and keeps the same line (unless that
    line, or one of less CRC, moves across its edge), so the blocks after the change are
    equal to before, only moved."""
    from zlib import crc32

    starts, find, size = [0], raw.find, len(raw)
    for grid in range(BLOCK_BYTES, size, BLOCK_BYTES):
        best, at = None, grid
        while (at := find(b"\n- ", at - 1, grid + CUT_WINDOW) + 1) > 0:
            check = crc32(raw[at:at + CUT_BYTES])
            if best is None or check < best[0]:
                best = (check, at)
            at += 1
        if best is not None:
            starts.append(best[1])
    starts.append(size)
    return starts


CUT_WINDOW = 1 << 13  # where a cut may fall after its multiple of BLOCK_BYTES
CUT_BYTES = 32  # the first bytes of a line that choose the cut


def file_key(raw: bytes, old: tuple[bytes, list[str]] | None = None) -> tuple[str, list[str] | None]:
    """The key of one file's bytes, and its block keys when it is keyed through blocks:
    a file of TREE_BYTES or more is cut into blocks (`_block_starts`), each keyed
    (`_key_of`), and the file's key is that of their keys. With `old` (the bytes the
    file had and their block keys) a block equal to one before, at the same place or
    moved by a change before it, keeps its key: a write hashes what it
    changed (the other blocks are found by their length and first bytes, and compared, at
    a fraction of the cost of hashing)."""
    if old is None:
        known = _KNOWN.get(id(raw))
        if known is not None and known[0] is raw:  # these very bytes, keyed before in this run
            return known[1], known[2]
    key, blocks = _file_key(raw, old)
    if len(_KNOWN) >= _MAX_KNOWN:
        _KNOWN.pop(next(iter(_KNOWN)))
    _KNOWN[id(raw)] = (raw, key, blocks)
    return key, blocks


_KNOWN: dict[int, tuple[bytes, str, list[str] | None]] = {}  # id of bytes keyed in this run -> them, their key
_MAX_KNOWN = 16  # the files of a data set or two: a run reads no more


def _file_key(raw: bytes, old: tuple[bytes, list[str]] | None) -> tuple[str, list[str] | None]:
    if len(raw) < TREE_BYTES:
        return _key_of(raw, b"file"), None
    starts, view = _block_starts(raw), memoryview(raw)
    # the old blocks by their length and first bytes, wherever they stood (a change moves
    # the blocks after it by its own size, a record added moves none)
    was: dict[tuple[int, bytes], list[tuple[int, int, str]]] = {}
    if old is not None:
        old_raw, old_keys = old
        old_starts = _block_starts(old_raw)
        if len(old_starts) == len(old_keys) + 1:
            for start, end, k in zip(old_starts, old_starts[1:], old_keys):
                was.setdefault((end - start, old_raw[start:start + _HEAD]), []).append((start, end, k))
    blocks = []
    for start, end in zip(starts, starts[1:]):
        # bytes compare with memcmp (a memoryview compares item by item)
        same = [k for at, end_was, k in was.get((end - start, raw[start:start + _HEAD]), ())
                if raw[start:end] == old_raw[at:end_was]]
        blocks.append(same[0] if same else _key_of(view[start:end], b"block"))
    return _key_of(",".join(blocks).encode(), b"tree"), blocks


_HEAD = 64  # the first bytes of a block that tell it from the others (the line of its first record)


def file_keys(contents: dict[str, bytes]) -> Keys:
    """The `file_key` of each file's bytes: each byte is hashed once, for the entry's key
    (`key`) and to know each file again after a change elsewhere (`refresh`, a write)."""
    keys, blocks = {}, {}
    for name, raw in contents.items():
        keys[name], cut = file_key(raw)
        if cut is not None:
            blocks[name] = cut
    return Keys(keys, blocks)


def key(contents: dict[str, bytes], keys: dict[str, str] | None = None) -> str:
    """The hash of the files' bytes (through each file's `file_key`: `keys`, when known)
    and of the code that parses and validates them."""
    if keys is None:
        keys = file_keys(contents)
    digest = blake2b(code_key().encode(), digest_size=32)
    for name in sorted(contents):
        digest.update(f"{name}:{len(contents[name])}:{keys[name]};".encode())
    return digest.hexdigest()


def keys_after(entry: Entry, before: dict[str, bytes], contents: dict[str, bytes], written: Iterable[str]) -> Keys:
    """The `file_keys` of `contents`: the files read with `entry` (which holds exactly
    their bytes, `before`) and then those `written`. A file not written keeps the key
    the entry knows, and a written file keyed through blocks the keys of the blocks it
    did not change, so a write hashes only what it changed."""
    known, cuts = entry.files, entry.blocks
    written = set(written)
    keys, blocks = {}, {}
    for name, raw in contents.items():
        if name not in written and isinstance(known.get(name), str) and (name in cuts or len(raw) < TREE_BYTES):
            keys[name], cut = known[name], cuts.get(name)
        else:
            old = cuts.get(name)
            keys[name], cut = file_key(raw, (before[name], old) if old is not None and name in before else None)
        if cut is not None:
            blocks[name] = cut
    return Keys(keys, blocks)


RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen by its time stamps


def signatures(seen: dict[str, os.stat_result | None]) -> dict[str, list[int] | None]:
    """What each file's status says of its bytes (None: absent): size, modification and
    status-change time, inode and device. Any write to a file changes its status-change
    time, which no program sets back; a replaced file has a new inode."""
    return {name: None if info is None else [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                             info.st_dev] for name, info in seen.items()}


def stamp(root: Path, entry: Entry, signed: dict[str, list[int] | None], since: int) -> None:
    """Store in `entry` (just found to hold exactly the files' bytes, their key computed)
    the files' `signatures`, taken after the moment `since` (`time.time_ns`), so that the
    next read knows them unchanged without hashing them (`Entry.unchanged`); not when a
    file changed so shortly before `since` (`RACY_NS`) that a change in the same tick of
    its clock would have kept its time stamps, nor when the entry's file is no longer the
    one read (another process stored a newer entry meanwhile)."""
    if any(sig is not None and max(sig[1], sig[2]) >= since - RACY_NS for sig in signed.values()):
        return
    path = entry.path
    line = entry.raw[2 * DIGEST_SIZE + 1:entry.body - 1]  # the header as stored, spliced: nothing dumped again
    header = (line[:-1] + b',"stat":' + dumps(signed) + b"}" if entry.signatures is None and line.endswith(b"}")
              else dumps({**entry.header, "stat": signed}))
    if path == _path(root) and _trusted(path.parent) and _rewrite(entry, header, [memoryview(entry.raw)[entry.body:]]):
        # the entry is now that file (its body as read): a later change in this run builds on it
        entry.header, entry.signatures = {**entry.header, "stat": signed}, signed


def _rewrite(entry: Entry, header: bytes, body: list[bytes | memoryview]) -> bool:
    """Put the header line `header` and `body` in place of the entry's file, unless that
    file was replaced since it was read (another process stored a newer entry); then the
    entry knows the file it is now (`seen`)."""
    path = entry.path
    written = _write(path, [_digest(header) + b"\n" + header + b"\n", *body],
                     unless=lambda: _identity(os.stat(path, follow_symlinks=False)) != entry.seen)
    if written is None:
        return False
    entry.seen = written
    return True


def _write(path: Path, chunks: Iterable[bytes | memoryview],
           unless: Callable[[], bool] | None = None) -> tuple[int, ...] | None:
    """Put `chunks` in place of the cache file `path`, atomically, unless `unless()` says no
    just before (the file was replaced since it was read); the `_identity` of the file put
    there, or None when nothing was replaced (a cache that cannot be written is skipped)."""
    tmp = None
    try:
        fd, tmp = _temporary(path.parent)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            written = _identity(os.fstat(handle.fileno()))
        if unless is not None and unless():
            return None
        os.replace(tmp, path)
        tmp = None
        return written
    except OSError:
        return None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _identity(info: os.stat_result) -> tuple[int, ...]:
    """What tells one cache file from the next one stored under its name."""
    return info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns


def _path(root: Path) -> Path | None:
    folder = _cache_dir(root)
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


class Damaged(WijkctlError):
    """An entry that verifies (so this code wrote it, for these bytes) whose parts still do
    not read back: a fault of this code, not of the data (exit 1); the entry is removed,
    so the next run parses. A damaged, edited or foreign entry never gets this far."""

    def __init__(self) -> None:
        super().__init__("Interne fout: de cache van wijkctl leest niet terug en is weggegooid. Meld dit.")


DIGEST_SIZE = 4  # the first line of an entry: the hex checksum of the header line
BLOCK = 64  # wijk lines per checksummed block: a write checksums the blocks it changed


def _digest(*parts: bytes) -> bytes:
    """The checksum of an entry's header (CRC-32, started from the code that writes and
    reads entries), which holds the CRC-32 of every other part (`_sums`): together they
    find a damaged or hand-edited entry at about a tenth of the cost of BLAKE2b over the
    2.5 MB entry of a nationwide set, which a look-up reads on every run. Not a defence
    against forgery: whoever may write the cache directory (its owner only, `_trusted`)
    may write the data files too."""
    from zlib import crc32

    check = crc32(code_key().encode())
    for part in parts:
        check = crc32(part, check)
    return f"{check:08x}".encode()


def _sums(parts: list[memoryview], known: dict[int, int]) -> list[int]:
    """The CRC-32 of each part, taken from `known` (by position) where it is known."""
    from zlib import crc32

    return [known[i] if i in known else crc32(part) for i, part in enumerate(parts)]


def _blocks(lines: memoryview, lengths: list[int]) -> list[memoryview]:
    """The wijk lines (`lines`, each ending in a newline, of `lengths` without it) in
    blocks of BLOCK lines."""
    from itertools import accumulate

    starts = list(accumulate((n + 1 for n in lengths), initial=0))
    return [lines[starts[i]:starts[min(i + BLOCK, len(lengths))]] for i in range(0, len(lengths), BLOCK)]


class Entry:
    """A verified cache entry for the bytes on disk: the plain records of the small
    files (`small`, by file name), the index of the wijken (`index.Index`: one JSON line
    per column, read when asked for), and each wijk's plain record as one JSON line,
    parsed only when asked for (`plain`). `canonical`: the files known canonical. A write
    replaces only the lines it changed.

    The first line is a digest over the header, which holds `sleutel`, the key of the
    data files' bytes, and the checksums of the columns (`column_sums`) and of the blocks
    of wijk lines (`block_sums`), each verified before its first use: a value edited in
    the cache directory, a damaged or foreign file is never served. A part that does not
    verify or read back removes the entry and is served from `rescue` (set by the store:
    what a normal parse of the files gives); without one, it is `Damaged`."""

    __slots__ = ("_checked", "_columns", "_starts", "block_sums", "blocks", "body", "canonical", "column_sums",
                 "damaged", "files", "head", "header", "index", "path", "raw", "rendered", "rendered_at", "rescue",
                 "seen", "signatures", "sleutel", "small", "spans")

    def __init__(self, path: Path, raw: bytes, header: dict[str, Any], start: int):
        from itertools import accumulate

        from wijkctl.index import PARTS, Index

        self.path, self.raw, self.sleutel = path, raw, header["sleutel"]
        self.seen: tuple[int, ...] | None = None  # the `_identity` of the file read (`get`)
        self.header, self.body = header, start
        # the files' `signatures` when this entry was proven to hold their bytes (`stamp`)
        self.signatures = header.get("stat")
        names = header["canoniek"]
        self.canonical = frozenset(n for n in names if isinstance(n, str))
        small = header["klein"]
        # to know the files again when they changed (`refresh`): a key of each small
        # file's bytes and of the head of wijken.yaml
        self.files, self.head = header["bestanden"], header["kop"]
        # the block keys of each file keyed through blocks (`file_key`)
        self.blocks = header.get("blokken")
        columns, lengths = header["kolommen"], header["lengtes"]
        # where each line starts; a line ends one byte (its newline) before the next starts
        self._columns = list(accumulate((n + 1 for n in columns), initial=start))
        self._starts = list(accumulate((n + 1 for n in lengths), initial=self._columns[-1]))
        # where each wijk's lines start in the text of wijken.yaml, and where they end
        spans = header["yaml"]
        self.spans = list(accumulate(spans)) if spans is not None else None
        self.column_sums, self.block_sums = header["sommen"]
        sections, at = {}, self._starts[-1]
        for name, (size, meta, check) in sorted(header["uitgesteld"].items()):
            sections[name] = Section(self, name, at, at + size, meta, check)
            at += size
        self.rendered: dict[str, Rendered] = {}  # texts a command made of a deferred file's records
        self.rendered_at = at
        for kind, (size, meta, check) in sorted(header.get("uitvoer", {}).items()):
            self.rendered[kind] = Rendered(self, at, at + size, meta, check)
            at += size
        if (not isinstance(small, dict) or not all(isinstance(v, list) or (v is None and k in sections)
                                                   for k, v in small.items())
                or not isinstance(self.column_sums, list) or len(self.column_sums) != len(columns)
                or not isinstance(self.block_sums, list) or len(self.block_sums) != -(-len(lengths) // BLOCK)
                or len(columns) != len(PARTS) + 1 or at != len(raw) or not isinstance(self.files, dict)
                or not isinstance(self.blocks, dict)
                or not all(isinstance(b, list) and all(isinstance(k, str) for k in b) for b in self.blocks.values())
                or (self.spans is not None and len(self.spans) != len(lengths) + 1)
                or any(raw[i - 1:i] != b"\n" for i in self._columns[1:])):
            raise ValueError("not an entry of this version")
        self.index = Index(len(lengths), load=self._column)
        self.small = Small(dict(small), sections)  # a copy: `header` stays as read (`stamp`)
        self._checked: set[int] = set()  # the blocks of wijk lines verified
        self.damaged, self.rescue = False, None

    def unchanged(self, signed: dict[str, list[int] | None]) -> bool:
        """Whether the files whose `signatures` are `signed` are those this entry holds."""
        return isinstance(self.signatures, dict) and self.signatures == signed

    def rescued(self) -> Any:
        """What a normal parse gives (`rescue`), once a part is found damaged; the entry goes."""
        self._damage()
        if self.rescue is None:
            raise Damaged
        return self.rescue

    def kept_texts(self, kind: str, leave_out: Iterable[int] = ()) -> dict[int, bytes]:
        """The texts of `kind` this entry keeps (`Rendered`), by position, but those at the
        positions `leave_out` (`Damaged` when they do not verify)."""
        kept = self.rendered.get(kind)
        if kept is None:
            return {}
        gone = set(leave_out)
        return {pos: self.raw[a:b] for pos, (a, b) in kept.offsets().items() if pos not in gone}

    def damage(self) -> Damaged:
        """The entry found damaged (it goes): what to raise."""
        self._damage()
        return Damaged()

    def _damage(self) -> None:
        if not self.damaged:  # once: the parse may have stored a good entry in its place since
            self.damaged = True
            self.forget()

    def kept_blocks(self, changed: Iterable[int]) -> dict[int, int]:
        """The checksums of the blocks of wijk lines holding none of the positions `changed`."""
        touched = {pos // BLOCK for pos in changed}
        return {i: s for i, s in enumerate(self.block_sums) if i not in touched}

    def text_keys(self) -> list[str] | None:
        """The key (`text_key`) of each wijk's lines in wijken.yaml, when known."""
        from wijkctl.index import PARTS

        if self.column_line(len(PARTS)) == b"null":
            return None
        return self._column(len(PARTS))

    def text_keys_with(self, changed: dict[int, str]) -> bytes | None:
        """The stored line of `text_keys` (JSON) with the keys at the positions in `changed`
        replaced in place, without parsing it (each key has the same length); None when
        the line is not known or does not verify, or is not laid out as `put` writes it."""
        from zlib import crc32

        from wijkctl.index import PARTS

        line, size = self.column_line(len(PARTS)), 2 * _TEXT_KEY_SIZE + 2  # a key and its quotes
        n = len(self.index)
        if (len(line) != 2 + n * size + max(n - 1, 0) or line[:1] != b"[" or line[-1:] != b"]"
                or crc32(line) != self.column_sums[len(PARTS)]):
            return None
        out = bytearray(line)
        for pos, key in changed.items():
            at = 1 + pos * (size + 1)
            new = f'"{key}"'.encode()
            if not 0 <= pos < n or len(new) != size or out[at:at + 1] != b'"' or out[at + size - 1:at + size] != b'"':
                return None
            out[at:at + size] = new
        return bytes(out)

    def column_line(self, part: int) -> bytes:
        """The JSON of one column of the index, as stored."""
        return self.raw[self._columns[part]:self._columns[part + 1] - 1]

    def _column(self, part: int) -> list[Any]:
        from zlib import crc32

        line, column = self.column_line(part), None
        if crc32(line) == self.column_sums[part]:
            try:
                with paused_gc():
                    column = json.loads(line)
            except (ValueError, RecursionError):
                column = None
        if not isinstance(column, list) or len(column) != len(self.index):
            return self.rescued().column(part)
        return column

    def line(self, pos: int) -> bytes:
        """The JSON of the wijk at `pos`, as stored (`Damaged` when its block does not verify)."""
        block = pos // BLOCK
        if block not in self._checked:
            from zlib import crc32

            end = self._starts[min(block * BLOCK + BLOCK, len(self._starts) - 1)]
            if crc32(memoryview(self.raw)[self._starts[block * BLOCK]:end]) != self.block_sums[block]:
                self._damage()
                raise Damaged
            self._checked.add(block)
        return self.raw[self._starts[pos]:self._starts[pos + 1] - 1]

    def lines_with(self, changed: dict[int, bytes]) -> bytes:
        """Every wijk's JSON line, as stored, with those at the positions in `changed`
        replaced (each line ends in a newline)."""
        out, at = [], self._starts[0]
        for pos in sorted(changed):
            out += [self.raw[at:self._starts[pos]], changed[pos], b"\n"]
            at = self._starts[pos + 1]
        out.append(self.raw[at:self._starts[-1]])
        return b"".join(out)

    def lengths(self) -> list[int]:
        return [b - a - 1 for a, b in zip(self._starts, self._starts[1:])]

    def plain(self, pos: int) -> dict[str, Any]:
        try:
            plain = json.loads(self.line(pos))
        except (Damaged, ValueError, RecursionError):
            plain = None
        return plain if isinstance(plain, dict) else self.rescued().plain(pos)

    def forget(self) -> None:
        """Remove this entry's file (found damaged)."""
        with suppress(OSError):
            os.unlink(self.path)


class Section:
    """The records of a deferred file (`schema.DataFile.deferred`: subsidies.yaml) in an
    entry, after the wijk lines: a meta line (the length of each record's line, the CRC-32
    of each block of BLOCK record lines, and a column of each of the file's `select` keys),
    then one JSON line per record. The header holds the section's size and its meta line's
    length and CRC-32. A read of one year parses the meta line and that year's lines only,
    each block verified before its first use."""

    __slots__ = ("_checked", "_meta", "_starts", "check", "end", "entry", "meta_size", "name", "start")

    def __init__(self, entry: Entry, name: str, start: int, end: int, meta_size: int, check: int):
        self.entry, self.name, self.start, self.end = entry, name, start, end
        self.meta_size, self.check = meta_size, check
        self._meta: dict[str, Any] | None = None
        self._starts: list[int] = []
        self._checked: set[int] = set()

    def __bool__(self) -> bool:
        return True  # a section is only written for a file with records

    def __len__(self) -> int:
        return len(self.meta()["lengtes"])

    def _damaged(self) -> Damaged:
        self.entry._damage()
        return Damaged()

    def meta(self) -> dict[str, Any]:
        """The meta line, verified (`Damaged` when it does not verify or fit)."""
        if self._meta is None:
            from itertools import accumulate

            raw, at = self.entry.raw, self.start + self.meta_size
            meta = _meta_line(raw, self.start, self.meta_size, self.check)
            try:
                lengths, sums, columns = meta["lengtes"], meta["sommen"], meta["kolommen"]  # type: ignore[index]
                starts = list(accumulate((n + 1 for n in lengths), initial=at + 1))
            except (TypeError, KeyError):
                raise self._damaged() from None
            if (starts[-1] != self.end or not isinstance(sums, list) or len(sums) != -(-len(lengths) // BLOCK)
                    or not isinstance(columns, dict) or not all(k in columns for k in FILES[self.name].select)
                    or not all(isinstance(c, list) and len(c) == len(lengths) for c in columns.values())):
                raise self._damaged()
            self._meta, self._starts = meta, starts
        return self._meta

    def column(self, key: str) -> list[Any] | None:
        """The value of top-level key `key` of every record, when the section keeps it."""
        return self.meta()["kolommen"].get(key)

    def _verified(self, blocks: Iterable[int]) -> None:
        from zlib import crc32

        sums, starts, raw = self.meta()["sommen"], self._starts, memoryview(self.entry.raw)
        for block in blocks:
            if block not in self._checked:
                end = starts[min(block * BLOCK + BLOCK, len(starts) - 1)]
                if crc32(raw[starts[block * BLOCK]:end]) != sums[block]:
                    raise self._damaged()
                self._checked.add(block)

    def plains(self, positions: list[int] | None = None) -> list[dict[str, Any]]:
        """The plain records at `positions` (None: all), parsed in one go."""
        meta, raw, starts = self.meta(), self.entry.raw, self._starts
        if positions is None:
            self._verified(range(len(meta["sommen"])))
            body = raw[starts[0]:self.end - 1].replace(b"\n", b",")  # JSON text holds no raw newline
        else:
            self._verified(sorted({pos // BLOCK for pos in positions}))
            body = b",".join(raw[starts[pos]:starts[pos + 1] - 1] for pos in positions)
        try:
            with paused_gc():
                plains = json.loads(b"[" + body + b"]")
        except (ValueError, RecursionError):
            plains = None
        want = len(starts) - 1 if positions is None else len(positions)
        if not isinstance(plains, list) or len(plains) != want or not all(isinstance(p, dict) for p in plains):
            raise self._damaged()
        return plains

    def stored(self) -> bytes:
        """The section's bytes, as stored."""
        return self.entry.raw[self.start:self.end]

    def spliced(self, changed: dict[int, tuple[bytes, dict[str, Any]]],
                added: list[tuple[bytes, dict[str, Any]]]) -> Stored:
        """The section with the lines at the positions in `changed` replaced and the lines
        `added` after the last (each a record's line as `dumps` gives it, with its plain
        record for the columns): the other lines as stored, byte for byte, and only the
        blocks that changed checksummed anew (each verified first, so a damaged line is
        never given a good checksum). `Damaged` when the section does not verify."""
        from zlib import crc32

        meta, starts, raw = self.meta(), self._starts, self.entry.raw
        if not changed and not added:
            return Stored(self.stored(), self.meta_size, self.check)
        n = len(meta["lengtes"])
        if any(not 0 <= pos < n for pos in changed):
            raise self._damaged()
        self._verified(sorted({pos // BLOCK for pos in changed} | ({(n - 1) // BLOCK} if added and n else set())))
        lengths, sums = list(meta["lengtes"]), list(meta["sommen"])
        columns = {k: list(v) for k, v in meta["kolommen"].items()}
        body, at = [], starts[0]
        for pos in sorted(changed):
            line, plain = changed[pos]
            body += [raw[at:starts[pos]], line, b"\n"]
            at = starts[pos + 1]
            lengths[pos] = len(line)
            for k, column in columns.items():
                column[pos] = plain.get(k)
        body.append(raw[at:self.end])
        for line, plain in added:
            body += [line, b"\n"]
            lengths.append(len(line))
            for k, column in columns.items():
                column.append(plain.get(k))
        lines = b"".join(body)
        touched = {pos // BLOCK for pos in changed} | set(range(n // BLOCK, -(-len(lengths) // BLOCK)))
        blocks = _blocks(memoryview(lines), lengths)
        sums = [crc32(blocks[i]) if i in touched else sums[i] for i in range(len(blocks))]
        line = dumps({"lengtes": lengths, "sommen": sums, "kolommen": columns})
        return Stored(line + b"\n" + lines, len(line), crc32(line))


def _meta_line(raw: bytes, start: int, size: int, check: int) -> Any:
    """The JSON of the meta line of `size` bytes at `start` (a `Section`'s, a `Rendered`'s),
    when its CRC-32 is `check` and a newline ends it; None otherwise."""
    from zlib import crc32

    line = raw[start:start + size]
    if crc32(line) != check or raw[start + size:start + size + 1] != b"\n":
        return None
    try:
        with paused_gc():
            return json.loads(line)
    except (ValueError, RecursionError):
        return None


class Stored(NamedTuple):
    """A section's bytes as `put` stores them, with its meta line's length and CRC-32."""

    raw: bytes
    meta: int
    check: int


def _placed(parts: dict[str, Stored]) -> dict[str, list[int]]:
    """What the header says of each part stored after the wijk lines: its size, its meta
    line's length and CRC-32 (laid out in the order of the names)."""
    return {name: [len(part.raw), part.meta, part.check] for name, part in parts.items()}


def section(plains: list[dict[str, Any]], keys: tuple[str, ...]) -> Stored:
    """The bytes of a `Section` holding `plains`, with the length and CRC-32 of its meta line."""
    from zlib import crc32

    lines = [dumps(p) for p in plains]
    lengths = [len(x) for x in lines]
    body = b"".join(x + b"\n" for x in lines)
    meta = dumps({"lengtes": lengths, "sommen": _sums(_blocks(memoryview(body), lengths), {}),
                  "kolommen": {k: [p.get(k) for p in plains] for k in keys}})
    return Stored(meta + b"\n" + body, len(meta), crc32(meta))


class Rendered:
    """Texts a command made of records of a deferred file (`Entry.rendered`, by kind:
    "grants-json" is each record as `grants -o json` prints it), kept in the entry after
    the sections by the first run that made them (`keep_rendered`): a function of the
    records and the code alone, which the entry holds exactly, so a later run prints them
    again without building a record. A meta line (the records' positions, each text's
    length and the CRC-32 of all texts), then the texts; nothing is used before it verifies."""

    __slots__ = ("_offsets", "check", "end", "entry", "meta_size", "start")

    def __init__(self, entry: Entry, start: int, end: int, meta_size: int, check: int):
        self.entry, self.start, self.end, self.meta_size, self.check = entry, start, end, meta_size, check
        self._offsets: dict[int, tuple[int, int]] | None = None

    def offsets(self) -> dict[int, tuple[int, int]]:
        """Where the text of each position stands in the entry (`Damaged` when it does not verify)."""
        if self._offsets is None:
            from zlib import crc32

            raw, at = self.entry.raw, self.start + self.meta_size
            meta = _meta_line(raw, self.start, self.meta_size, self.check)
            try:
                positions, lengths, check = meta["posities"], meta["lengtes"], meta["som"]  # type: ignore[index]
                offsets, start = {}, at + 1
                for pos, n in zip(positions, lengths, strict=True):
                    offsets[pos] = (start, start + n)
                    start += n
            except (TypeError, KeyError, ValueError):
                raise self.entry.damage() from None
            if start != self.end or len(offsets) != len(positions) or crc32(raw[at + 1:self.end]) != check:
                raise self.entry.damage()
            self._offsets = offsets
        return self._offsets

    def texts(self, positions: list[int]) -> dict[int, str]:
        """The texts kept of those at `positions`, by position."""
        offsets, raw = self.offsets(), self.entry.raw
        try:
            return {pos: raw[a:b].decode("utf-8") for pos, (a, b) in
                    ((pos, offsets[pos]) for pos in positions if pos in offsets)}
        except UnicodeDecodeError:
            raise self.entry.damage() from None

    def stored(self) -> bytes:
        return self.entry.raw[self.start:self.end]


def keep_rendered(entry: Entry, kind: str, texts: dict[int, str]) -> None:
    """Keep `texts` (record position -> text) of `kind` in the entry's file, with the texts
    of that kind it holds already (`Rendered`); not when the entry is damaged or its file
    is no longer the one read (another process stored a newer entry meanwhile)."""
    if entry.damaged or not _trusted(entry.path.parent):
        return
    try:
        merged = entry.kept_texts(kind)
    except Damaged:
        return
    merged.update((pos, text.encode("utf-8")) for pos, text in texts.items())
    blobs = {k: Stored(r.stored(), r.meta_size, r.check) for k, r in entry.rendered.items()}
    blobs[kind] = _rendered(merged)
    header = dumps({**entry.header, "uitvoer": _placed(blobs)})
    # (the entry's texts in memory stay those read: a later call of this run keeps them too)
    kept = memoryview(entry.raw)[entry.body:entry.rendered_at]
    _rewrite(entry, header, [kept, *(blobs[k].raw for k in sorted(blobs))])


def _rendered(texts: dict[int, bytes]) -> Stored:
    """The bytes of a `Rendered` part holding `texts` (position -> text)."""
    from zlib import crc32

    positions = sorted(texts)
    body = b"".join(texts[pos] for pos in positions)
    meta = dumps({"posities": positions, "lengtes": [len(texts[pos]) for pos in positions], "som": crc32(body)})
    return Stored(meta + b"\n" + body, len(meta), crc32(meta))


class Small(Mapping):
    """The plain records of every file but wijken.yaml, by part key (`schema.PARTS`), as
    an entry holds them: a deferred file's (a `Section`) parsed when first asked for, and
    served from a normal parse when it does not verify."""

    def __init__(self, plain: dict[str, list[dict[str, Any]] | None], sections: dict[str, Section]):
        self._plain, self.sections = plain, sections

    def __getitem__(self, part: str) -> list[dict[str, Any]]:
        value = self._plain[part]
        if value is None:
            try:
                value = self.sections[part].plains()
            except Damaged:
                entry = self.sections[part].entry
                value = entry.rescued().small(part)
            self._plain[part] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)

    def __contains__(self, part: object) -> bool:
        return part in self._plain

    def stored(self, part: str) -> list[dict[str, Any]] | Section:
        """The records of `part` as they are held: a list, or the `Section` not yet parsed."""
        value = self._plain[part]
        return self.sections[part] if value is None else value


def get(root: Path, sleutel: str | None) -> Entry | None:
    """The cache entry for `root`, only when stored under `sleutel` (None: whatever
    bytes it was stored for, when this code stored it; see `refresh`).

    Anything odd (another owner, a link, a FIFO, a huge or foreign file) means no cache.
    """
    from wijkctl import fileio

    path = _path(root)
    if path is None or not _trusted(path.parent):
        return None
    try:
        info: list[os.stat_result] = []
        raw = fileio.read_regular(path, MAX_BYTES, follow_symlinks=False, seen=info)
        first = 2 * DIGEST_SIZE
        end = raw.find(b"\n", first + 1)
        if end < 0 or raw[first:first + 1] != b"\n" or raw[:first] != _digest(memoryview(raw)[first + 1:end]):
            return None  # damaged, edited, or not an entry of this code: parse
        with paused_gc():
            header = json.loads(raw[first + 1:end])
        if not isinstance(header, dict):
            return None
        if header.get("sleutel") != sleutel if sleutel is not None else header.get("code") != code_key():
            return None
        entry = Entry(path, raw, header, end + 1)
        entry.seen = _identity(info[0])
        return entry
    except (OSError, ValueError, TypeError, KeyError, fileio.Unreadable, RecursionError):
        return None


def layout(head: str, chunks: list[str]) -> dict[str, Any]:
    """What `put` keeps of a canonical wijken.yaml split into its head and each wijk's
    lines (`yamlio.split_records`): their lengths and their `text_key`s."""
    return {"yaml": [len(head), *map(len, chunks)], "text_keys": [text_key(c.encode("utf-8")) for c in chunks],
            "head": text_key(head.encode("utf-8"))}


def small_plain(data: model.Dataset) -> dict[str, list[dict]]:
    """The records of every file but wijken.yaml as the cache holds them, by part
    (`schema.PARTS`: a file's list by its name, a head record by `file:key`)."""
    out = {}
    for part, p in PARTS.items():
        if p.name != WIJKEN:
            records = data.of(p.attr)  # no records: no schema asked for (a deferred file's classes)
            out[part] = [to_plain(r, p.schema, iso=True) for r in records] if records else []
    return out


def dumps(plain: object) -> bytes:
    """One record or summary as a line of the cache."""
    return json.dumps(plain, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


def put(root: Path, sleutel: str, *, small: dict[str, list | Stored], columns: list[bytes], lines: bytes,
        lengths: list[int], yaml: list[int] | None, text_keys: list[str] | bytes | None, head: str | None,
        files: Keys, canonical: frozenset[str] = frozenset(),
        known_columns: dict[int, int] | None = None, known_blocks: dict[int, int] | None = None,
        rendered: dict[str, dict[int, bytes]] | None = None) -> None:
    """Store an entry atomically; a cache that cannot be written is simply skipped.

    `small`: the plain records of every file but wijken.yaml, by file name; `columns`:
    each column of the index as `dumps` gives it; `lines`: each wijk's plain
    record as `dumps` gives it, each ending in a newline, and `lengths` their lengths
    without it; `yaml`: the length of the head of wijken.yaml and of each wijk's lines
    there (in characters), and `text_keys` and `head` the `text_key` of each wijk's
    lines (a list, or its line as `dumps` gives it) and of the head, when the file is
    canonical; `files`: every file's `file_key` (`file_keys`); `known_columns` and
    `known_blocks`: the checksums, by position, of the columns and blocks of wijk lines
    that are those of a verified entry, byte for byte; `rendered`: texts made of a deferred
    file's records that hold for the new bytes too (`Rendered`, by kind and position)."""
    path = _path(root)
    if path is None:
        return
    small, sections = _sections(small)
    columns = [*columns, text_keys if isinstance(text_keys, bytes) else dumps(text_keys)]
    sums = [_sums([memoryview(x) for x in columns], known_columns or {}),
            _sums(_blocks(memoryview(lines), lengths), known_blocks or {})]
    blobs = {kind: _rendered(texts) for kind, texts in (rendered or {}).items() if texts}
    header = dumps({"sleutel": sleutel, "canoniek": sorted(canonical), "klein": small,
                    "uitgesteld": _placed(sections), **({"uitvoer": _placed(blobs)} if blobs else {}),
                    "code": code_key(), "bestanden": dict(files), "blokken": getattr(files, "blocks", {}), "kop": head,
                    "kolommen": [len(x) for x in columns], "lengtes": lengths, "yaml": yaml, "sommen": sums})
    section = header + b"\n" + b"".join(x + b"\n" for x in columns)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return
    if (_trusted(path.parent) and _write(path, [_digest(header) + b"\n", section, lines,
                                                *(sections[name][0] for name in sorted(sections)),
                                                *(blobs[kind].raw for kind in sorted(blobs))])):
        with suppress(OSError):
            _prune(path.parent)


def _sections(small: dict[str, list | Stored]) -> tuple[dict[str, list | None], dict[str, Stored]]:
    """The header's records of the small files (None for a deferred file's, held in a
    `Section` after the wijk lines: given as records, or as a section `Stored` already)
    and each section's bytes, meta line length and CRC-32."""
    header: dict[str, list | None] = {}
    sections: dict[str, Stored] = {}
    for part, value in small.items():
        if isinstance(value, Stored):
            sections[part] = value
        elif value and part in FILES and FILES[part].deferred:
            sections[part] = section(value, FILES[part].select)
        else:
            header[part] = value
            continue
        header[part] = None
    return header, sections


def _temporary(folder: Path) -> tuple[int, str]:
    """A new file of our own in `folder` (mode 0600, never an existing name or a link), as
    `tempfile.mkstemp` makes one, without importing `tempfile` and `random` on every write."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        name = os.path.join(folder, f".{os.urandom(8).hex()}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


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

