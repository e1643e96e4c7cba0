"""The data directory: finding it, reading it, and the lock that guards changes to it.

Changing the data is `transaction.apply`; the files themselves are read and replaced by
`fileio`, git is `gitops`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wijkctl import fileio, model
from wijkctl.errors import Busy, InvalidData, Problem, UsageError
from wijkctl.schema import (
    FILES,
    PARTS,
    WIJK,
    WIJKEN,
    from_plain,
    head_records,
    paused_gc,
    to_plain,
)
from wijkctl.text import aantal

if TYPE_CHECKING:  # the YAML parser is imported only when the cache cannot serve
    from wijkctl.cache import Entry, Keys, Section
    from wijkctl.schema import DataFile
    from wijkctl.yamlio import Loaded

DATA_FILES = tuple(FILES)
ENV_DATA = "WIJKCTL_DATA"
ENV_LOCK_TIMEOUT = "WIJKCTL_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
MAX_LOCK_TIMEOUT = 24 * 3600.0
MAX_SHOWN = 10  # problems listed with an "invalid data" refusal
# The largest data file read (a nationwide wijken.yaml of 33,000 wijken is about 16 MiB).
MAX_FILE_BYTES = 64 * 1024 * 1024


# --- finding the data ---------------------------------------------------------


def find_data_dir(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """`--data-dir`, else `$WIJKCTL_DATA`, else the nearest folder upward that holds
    wijken.yaml itself or in its `data/`.

    The search upward stops at the root of the git repository it starts in, so a data
    set in some enclosing folder is never changed by mistake.
    """
    if explicit is not None and not str(explicit).strip():
        raise UsageError("--data-dir is leeg; geef de gegevensmap op, of laat de optie weg.")
    chosen = explicit or os.environ.get(ENV_DATA)  # an empty variable counts as unset
    if chosen:
        root = Path(chosen)
        if not (root / DATA_FILES[0]).is_file():
            bron = "--data-dir" if explicit else ENV_DATA
            raise InvalidData(
                f"Geen gegevens gevonden in {root} (via {bron}): {DATA_FILES[0]} ontbreekt. "
                f"Maak een nieuwe gegevensmap met 'wijkctl init {root}'."
            )
        return root
    try:
        here = (cwd or Path.cwd()).resolve()
    except OSError:
        raise InvalidData(
            "Geen gegevens gevonden: de huidige map bestaat niet meer. "
            f"Ga naar een bestaande map, of geef --data-dir of {ENV_DATA} op."
        ) from None
    for folder in (here, *here.parents):
        # the folder itself (`wijkctl init ~/wijkdata && cd ~/wijkdata`), else its data/
        for candidate in (folder, folder / "data"):
            if (candidate / DATA_FILES[0]).is_file():
                return candidate
        if (folder / ".git").exists():
            break
    raise InvalidData(
        "Geen gegevens gevonden: geen wijken.yaml of map data/ met wijken.yaml in deze map of erboven "
        "(binnen deze git-repository). "
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
    raw: dict[str, bytes] = field(default_factory=dict)  # the exact bytes read
    checked: bool = True  # the rules were run (`problems` holds their verdict)

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
                f"De gegevens in {self.root} zijn ongeldig ({aantal(len(errors), 'fout', 'fouten')}); "
                f"'wijkctl check' toont ze alle.{conflict_hint(errors)}",
                [str(p) for p in errors[:MAX_SHOWN]],
            )
        return self.data


def conflict_hint(errors: list[Problem]) -> str:
    """The way out of a merge left unfinished (git's markers in a data file), for every
    command that reads the data: no git call, the markers say it."""
    files = sorted({p.bestand for p in errors if p.rule == "git-conflict"})
    if not files:
        return ""
    edit = " en ".join(f"'wijkctl edit {name.rsplit('.', 1)[0]}'" for name in files)
    return (f" Er staat een onopgelost git-conflict in {', '.join(files)}: los het op met {edit} en daarna "
            "'wijkctl sync --continue' (of breek de samenvoeging af met 'git merge --abort').")


def read_bytes(root: Path, seen: dict[str, os.stat_result | None] | None = None) -> dict[str, bytes]:
    """Every declared file's bytes; exit 5 when one is unreadable or not a regular file, or
    missing and not optional. An absent optional file reads as its text without records
    (`DataFile.empty`), so the data set of an earlier release stays valid; `absent` tells.
    `seen`: gets each file's status as it was just before it was read (None: absent)."""
    recover_if_interrupted(root)
    contents = {}
    for name, declared in FILES.items():
        path = root / name
        info: list[os.stat_result] = []
        try:
            contents[name] = fileio.read_regular(path, MAX_FILE_BYTES, seen=info)
            if seen is not None:
                seen[name] = info[0]
        except FileNotFoundError:
            if seen is not None:
                seen[name] = None
            if declared.optional:
                contents[name] = declared.empty()
                continue
            raise InvalidData(f"{path} ontbreekt; 'wijkctl init' schrijft een volledige gegevensmap.") from None
        except fileio.Unreadable as exc:
            raise InvalidData(f"{path} {exc.reden}.") from None
    return contents


def absent(root: Path) -> list[str]:
    """The optional files that are not in `root` (their records: none)."""
    return [name for name, f in FILES.items() if f.optional and not os.path.lexists(root / name)]


def decode(root: Path, contents: dict[str, bytes]) -> dict[str, str]:
    """The files' text; exit 5 when one is not UTF-8."""
    texts = {}
    for name, raw in contents.items():
        try:
            texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidData(f"{root / name} is geen UTF-8 (byte {exc.start}).") from None
    return texts


def parse(root: Path, texts: dict[str, str], *, check_rules: bool = True) -> Snapshot:
    """Records and problems from the files' texts (pure apart from `root` in messages)."""
    from wijkctl.validate import validate
    from wijkctl.yamlio import load_text

    loaded = {name: load_text(name, texts[name]) for name in DATA_FILES}
    data = model.Dataset(**{attr: records for name in DATA_FILES for attr, records in loaded[name].parts(name).items()})
    problems = [p for name in DATA_FILES for p in loaded[name].problems]
    if check_rules and not problems:
        problems = validate(data)
    return Snapshot(root, texts, loaded, data, problems, checked=check_rules)


def snapshot(root: Path, *, check_rules: bool = True, raw: dict[str, bytes] | None = None) -> Snapshot:
    """The files parsed (`raw`: their bytes, when already read)."""
    raw = read_bytes(root) if raw is None else raw
    snap = parse(root, decode(root, raw), check_rules=check_rules)
    snap.raw = raw
    return snap


def load(root: Path) -> model.Dataset:
    """The valid data set in `root`, or exit 5; for reading only (no line numbers).

    Served from the validated parse cache when it holds exactly these files' bytes.
    """
    contents, entry = cached(root)
    data = dataset(entry)
    if data is not None:
        return data
    data = parse(root, decode(root, contents)).require_valid()
    remember(root, contents, data)
    return data


def remember(root: Path, contents: dict[str, bytes], data: model.Dataset,
             canonical: frozenset[str] = frozenset(), small: dict[str, list[dict]] | None = None,
             keys: Keys | None = None) -> None:
    """Put validated records in the parse cache under the exact bytes they were read from
    (a writer calls this with what it wrote, so the next read parses nothing), with the
    names of the files known to be canonical; `small`: the plain records of the other
    files (`cache.small_plain`), when the caller has them already; `keys`: the files'
    `cache.file_keys`, when known."""
    from wijkctl import cache
    from wijkctl.index import PARTS, summary
    from wijkctl.validate import quiet_from

    wijken = data.wijken
    summaries = [summary(w, quiet_from(w, data.records)) for w in wijken]
    lines = [cache.dumps(to_plain(w, WIJK, iso=True)) for w in wijken]
    layout: dict[str, object] = {"yaml": None, "text_keys": None, "head": None}
    if WIJKEN in canonical:  # a canonical file splits into its records' lines
        from wijkctl.yamlio import split_records

        head, chunks = split_records(contents[WIJKEN].decode("utf-8"))
        if len(chunks) == len(wijken):
            layout = cache.layout(head, chunks)
    keys = cache.file_keys(contents) if keys is None else keys
    cache.put(root, cache.key(contents, keys), small=small if small is not None else cache.small_plain(data),
              columns=[cache.dumps([s[part] for s in summaries]) for part in range(len(PARTS))],
              lines=b"".join(x + b"\n" for x in lines), lengths=[len(x) for x in lines],
              files=keys, canonical=canonical, **layout)  # type: ignore[arg-type]


def remember_proven(root: Path, contents: dict[str, bytes], snap: Snapshot, canonical: frozenset[str]) -> None:
    """For a command that has just proven the files `canonical` (`fmt`, `fmt --check`,
    `init`): remember the records of `snap` under the bytes `contents` (those on disk now)
    with that proof, so that the next `check` or write parses nothing. Validated here when
    `snap` was parsed without the rules; data that breaks a rule is not remembered (the
    cache holds valid data only), nor an entry that would know less than the one stored."""
    from wijkctl import cache

    if snap.errors:
        return
    if not snap.checked:
        from wijkctl.validate import validate

        if any(p.ernst == "fout" for p in validate(snap.data)):
            return
    old = cache.get(root, cache.key(contents))
    if old is not None and old.canonical >= canonical:
        return  # already known: nothing to add
    remember(root, contents, snap.data, canonical)


def snapshot_for_write(root: Path) -> tuple[Snapshot, Entry | None]:
    """The snapshot a writer starts from, and the cache entry its records came from.

    When the validated parse cache holds exactly these bytes and knows every file to be
    canonical (so: current version, no comments), the records come from the cache and
    nothing is parsed: the wijken are built one at a time as the change asks for them
    (`model.Dataset.lazy`). They carry no line numbers, which only a refusal needs, and a
    refusal reads the files again. Otherwise the files are parsed as `snapshot` does.
    """
    from wijkctl.yamlio import CURRENT_VERSIE, Loaded

    raw, entry = cached(root)
    data = dataset(entry) if entry is not None and entry.canonical >= set(DATA_FILES) else None
    if data is not None:
        # the wijken, and the records of a deferred file, are not listed here: they are in
        # `data`, built as the change asks
        loaded = {name: Loaded([] if name == WIJKEN or data.pending(FILES[name].attr) else data.of(FILES[name].attr),
                               [], [], CURRENT_VERSIE[name], name, head_records(name, data))
                  for name in DATA_FILES}
        snap = Snapshot(root, decode(root, raw), loaded, data)
        snap.raw = raw
        return snap, entry
    return snapshot(root, raw=raw), None


def cached(root: Path) -> tuple[dict[str, bytes], Entry | None]:
    """The files' bytes, and the parse cache's entry for exactly those bytes (or None).

    When the files changed since the entry was stored (a `git pull`), a new entry is
    made from it that parses only the wijken whose lines changed (`refresh`)."""
    from wijkctl import cache

    seen: dict[str, os.stat_result | None] = {}
    since = time.time_ns()  # before the first file's status is taken (`cache.stamp`)
    raw = read_bytes(root, seen)
    entry = cache.get(root, None)  # whatever this version of wijkctl stored for `root`
    signatures = cache.signatures(seen)
    if entry is not None and entry.unchanged(signatures):
        # the files are those the entry was proven for (`cache.stamp`): nothing to hash
        if os.environ.get("WIJKCTL_CHECK_WRITES") == "1" and cache.key(raw) != entry.sleutel:
            from wijkctl.errors import WijkctlError

            raise WijkctlError("Interne fout: de cache herkende gewijzigde bestanden niet. Meld dit.")
        sleutel, keys = entry.sleutel, None
    else:
        keys = cache.file_keys(raw)
        sleutel = cache.key(raw, keys)
    if entry is None or entry.sleutel != sleutel:
        from wijkctl.refresh import refresh

        entry = refresh(root, raw, sleutel=sleutel, old=entry, keys=keys)
        if entry is not None and os.environ.get("WIJKCTL_CHECK_WRITES") == "1":
            _same_as_parsing(root, raw, entry)
    elif entry.signatures != signatures:
        cache.stamp(root, entry, signatures, since)
    if entry is not None:
        entry.rescue = _Parsed(root, raw)
    return raw, entry


class _Parsed:
    """The files' bytes parsed, for a cache entry that turns out damaged part way
    (`cache.Entry.rescued`): the command goes on with what a normal parse gives."""

    def __init__(self, root: Path, raw: dict[str, bytes]):
        self.root, self.raw, self._data = root, raw, None

    def data(self) -> model.Dataset:
        if self._data is None:
            self._data = parse(self.root, decode(self.root, self.raw)).require_valid()
            remember(self.root, self.raw, self._data)  # a good entry in place of the damaged one
        return self._data

    def wijk(self, pos: int) -> model.Wijk:
        return self.data().wijken[pos]

    def plain(self, pos: int) -> dict:
        return to_plain(self.wijk(pos), WIJK, iso=True)

    def small(self, part: str) -> list[dict]:
        """The plain records of `part` (`schema.PARTS`) of a file but wijken.yaml."""
        p = PARTS[part]
        return [to_plain(r, p.schema, iso=True) for r in self.data().of(p.attr)]

    def column(self, part: int) -> list:
        from wijkctl.cache import Damaged
        from wijkctl.index import PARTS, summary
        from wijkctl.validate import quiet_from

        if part >= len(PARTS):  # the keys of the wijken's lines: not the parse's to give
            raise Damaged
        data = self.data()
        return [summary(w, quiet_from(w, data.records))[part] for w in data.wijken]


def _same_as_parsing(root: Path, raw: dict[str, bytes], entry: Entry) -> None:
    """The records of a refreshed entry must be those of parsing everything, which must
    find no problem (a debug check)."""
    from wijkctl import cache
    from wijkctl.errors import WijkctlError

    snap = snapshot(root, raw=raw)
    if (snap.errors or [entry.plain(pos) for pos in range(len(entry.index))]
            != [to_plain(w, WIJK, iso=True) for w in snap.data.wijken] or entry.small != cache.small_plain(snap.data)):
        raise WijkctlError("Interne fout: de cache, bijgewerkt voor alleen de gewijzigde wijken, wijkt af van "
                           "het lezen van alles. Meld dit.")


def dataset(entry: Entry | None) -> model.Dataset | None:
    """The records of a cache entry, the wijken built as they are asked for; None when
    there is no entry or it is not what this version writes (then the files are parsed)."""
    if entry is None:
        return None
    try:
        with paused_gc():
            small = {part.attr: [from_plain(r, part.schema) for r in entry.small[key]] for key, part in PARTS.items()
                     if part.name != WIJKEN and not (FILES[part.name].deferred and entry.small.stored(key))}
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    deferred = {f.attr: _deferred(entry, f) for name, f in FILES.items()
                if name != WIJKEN and f.deferred and entry.small.stored(name)}

    def build(pos: int) -> model.Wijk:
        try:
            return from_plain(entry.plain(pos), WIJK)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
            return entry.rescued().wijk(pos)  # verified, yet it does not build: parse

    return model.Dataset(**small, lazy=(entry.index, build), deferred=deferred)


def _deferred(entry: Entry, f: DataFile) -> _Deferred:
    """The records of `f` in the cache entry, built when first asked for (`model.Dataset`)."""
    return _Deferred(entry, f)


class _Deferred:
    """The records of a deferred file (`DataFile.deferred`) in a cache entry: all of them
    when called, or only those whose top-level keys have given values (`where`); each
    record is built once, so both give the same objects."""

    def __init__(self, entry: Entry, f: DataFile):
        self.entry, self.file, self.built = entry, f, {}
        self.read: dict[int, dict] = {}  # id of a record built -> the plain record it was built from
        # a write's changes before the whole list was asked for (`put`): position -> the record
        # in place of the one built there, and the records added at the end
        self.replaced: dict[int, object] = {}
        self.added: list = []

    def put(self, record: object) -> None:
        """Put `record` in place of the record with its identity, else at the end, as
        `Dataset.put` does on a list, without building the file's other records: a record
        of that identity holds the same `select` keys (subsidies.yaml: an id is the year
        and the organisation, an organisation is of one wijk), so only the records with the
        keys of `record` are built to look for it."""
        ident = self.file.identity
        value = getattr(record, ident)
        for i, other in enumerate(self.added):
            if getattr(other, ident) == value:
                self.added[i] = record
                return
        if self.file.select:
            self.where({k: getattr(record, k) for k in self.file.select})  # builds them, if not yet
        for pos, other in sorted(self.built.items()):
            if getattr(self.replaced.get(pos, other), ident) == value:
                self.replaced[pos] = record
                return
        self.added.append(record)

    def current(self) -> dict[int, object]:
        """Each record built, by position, as it stands now (`put` applied)."""
        return {pos: self.replaced.get(pos, record) for pos, record in self.built.items()}

    def as_read(self, records: list) -> list[dict] | None:
        """The plain records `records` were built from (None when one was not built here)."""
        read = self.read
        plains = [read.get(id(r)) for r in records]
        return None if None in plains else plains

    def _at(self, plains: list[dict] | dict[int, dict], positions: Iterable[int]) -> list:
        schema, built, out = self.file.schema, self.built, []
        try:
            with paused_gc():
                for pos in positions:
                    record = built.get(pos)
                    if record is None:
                        plain = plains[pos]
                        record = built[pos] = from_plain(plain, schema)
                        self.read[id(record)] = plain
                    out.append(record)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError, IndexError):
            from wijkctl.cache import Damaged

            self.entry.forget()
            raise Damaged from None
        return out

    def __call__(self) -> list:
        plains = self.entry.small[self.file.name]
        records = self._at(plains, range(len(plains)))
        for pos, record in self.replaced.items():
            records[pos] = record
        return [*records, *self.added]

    def where(self, keys: dict[str, str | int]) -> list:
        """The records whose plain form holds `keys` (top-level texts and whole numbers,
        which the cache's JSON keeps as they are): from the columns of the file's
        `select` keys, parsing only the records that match, when the entry keeps them."""
        from wijkctl.cache import Damaged, Section

        stored = self.entry.small.stored(self.file.name)
        if isinstance(stored, Section) and keys and all(k in self.file.select for k in keys):
            try:
                return self._selected(stored, keys)
            except Damaged:
                pass  # the records from a normal parse, below
        plains = self.entry.small[self.file.name]
        items = list(keys.items())
        positions = [pos for pos, p in enumerate(plains)
                     if isinstance(p, dict) and all(p.get(k) == v for k, v in items)]
        return self._now(self._at(plains, positions), positions, keys)

    def _now(self, records: list, positions: list[int], keys: dict[str, str | int]) -> list:
        """The records that hold `keys` now: `records` (those at `positions`, which held them
        as read) with the changes `put` made, a changed record that holds them only now
        and those added, in file order."""
        if not self.replaced and not self.added:
            return records

        def holds(r: object) -> bool:
            return all(getattr(r, k) == v for k, v in keys.items())

        now = [self.replaced.get(pos, self.built[pos]) for pos in sorted({*positions, *self.replaced})]
        return [r for r in now if holds(r)] + [r for r in self.added if holds(r)]

    def rendered(self, kind: str, keys: dict[str, str | int],
                 make: Callable[[list, list[dict]], list[str]]) -> list[str] | None:
        """The texts `make` gives (from the records and their plain form) for the records
        whose top-level keys have `keys` (all with none), in file order: kept in the cache
        entry by the first run that made them (`cache.keep_rendered`), so that a later run
        builds no record; None when the entry cannot serve (then the caller makes them)."""
        from wijkctl.cache import Damaged, keep_rendered

        section = self.entry.small.sections.get(self.file.name)
        if section is None or self.replaced or self.added or not all(k in self.file.select for k in keys):
            return None
        try:
            positions = list(range(len(section))) if not keys else self._positions(section, keys)
            kept = self.entry.rendered.get(kind)
            texts = kept.texts(positions) if kept is not None else {}
            if len(texts) == len(positions):
                return [texts[pos] for pos in positions]
            new = [pos for pos in positions if pos not in texts]  # made now, and kept beside the others
            missing = [pos for pos in new if pos not in self.built]
            records = self._at(dict(zip(missing, section.plains(missing))), new)
        except Damaged:
            return None
        made = dict(zip(new, make(records, [self.read[id(r)] for r in records]), strict=True))
        keep_rendered(self.entry, kind, made)
        return [texts[pos] if pos in texts else made[pos] for pos in positions]

    @staticmethod
    def _positions(stored: Section, keys: dict[str, str | int]) -> list[int]:
        (key, value), *more = keys.items()
        positions = [pos for pos, v in enumerate(stored.column(key)) if v == value]
        for key, value in more:
            column = stored.column(key)
            positions = [pos for pos in positions if column[pos] == value]
        return positions

    def _selected(self, stored: Section, keys: dict[str, str | int]) -> list:
        positions = self._positions(stored, keys)
        missing = [pos for pos in positions if pos not in self.built]
        return self._now(self._at(dict(zip(missing, stored.plains(missing))), positions), positions, keys)


# --- locking --------------------------------------------------------------------


def _lock_timeout() -> float:
    from wijkctl.invoer import omgeving_getal

    raw = os.environ.get(ENV_LOCK_TIMEOUT)
    if raw is None or raw.strip() == "":
        return DEFAULT_LOCK_TIMEOUT
    return omgeving_getal(ENV_LOCK_TIMEOUT, raw, MAX_LOCK_TIMEOUT)


def _open_dir(root: Path) -> int:
    try:
        return os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InvalidData(f"Kan de gegevensmap {root} niet openen: {fileio.reason(exc)}.") from None


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold an exclusive flock on the directory itself (no lock file in the work tree).

    The kernel drops the lock when the process dies, so a killed run never blocks the
    next. An interrupted replacement is finished first (`fileio.recover`).
    """
    import fcntl

    timeout = _lock_timeout()
    fd = _open_dir(root)
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
                time.sleep(min(pause, max(deadline - time.monotonic(), 0.001)))
                pause = min(pause * 2, 0.1)
        _recover(root)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _recover(root: Path) -> None:
    try:
        fileio.recover(root)
    except OSError as exc:
        raise InvalidData(
            f"Een onderbroken schrijfactie in {root} kan niet worden hersteld: {fileio.reason(exc)}."
        ) from None


def recover_if_interrupted(root: Path) -> None:
    """For readers: finish an interrupted replacement when no writer is at work.

    One `lstat` when there is nothing to do. A reader never waits for the lock: when a
    writer holds it, the journal is that writer's own and the reader reads on.
    """
    if not os.path.lexists(root / fileio.JOURNAL):
        return
    import fcntl

    fd = _open_dir(root)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        _recover(root)
    finally:
        os.close(fd)
