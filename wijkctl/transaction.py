"""Changing the data: read, validate, modify, validate, write, under one lock (CONTRACT §5).

`apply` runs a mutation on the data as read inside the lock, so concurrent writers never
lose an update, and writes only what is proven good: the exact text about to be written
is loaded back by the strict loader, must give the records in memory, and the whole data
set it makes must pass validation. Several files land together or not at all
(`fileio.replace_files`). With `--commit`, the clean-tree check, the write and the
commit happen under the same lock, and a failed commit puts the files back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wijkctl import fileio, gitops, model, store, yamlio
from wijkctl.errors import InvalidData, Refused, WijkctlError, WriteFailed
from wijkctl.schema import (
    FILES,
    IDENTITY,
    PARTS,
    SUBSIDIES,
    WIJK,
    WIJKEN,
    head_records,
    to_plain,
)
from wijkctl.store import DATA_FILES, MAX_SHOWN, Snapshot, locked

if TYPE_CHECKING:
    from wijkctl.cache import Entry, Keys


@dataclass
class Outcome:
    """What `apply` did: the mutation's Change, the files changed (or that would be,
    with a dry run), the unified diff, and whether the change was committed."""

    change: model.Change
    changed: list[str]
    diff: str
    dry_run: bool = False
    committed: bool = False
    landed: bool = False  # the files were replaced: a failure to print afterwards is no failed write

    @property
    def resultaat(self):
        return self.change.resultaat

    def report(self) -> str:
        """The one line a person reads after a change (stderr)."""
        if self.dry_run:
            return f"Proefdraai, er is niets veranderd: {self.change.samenvatting}"
        if not self.changed:
            return self.change.samenvatting
        return self.change.samenvatting + (" (gecommit)" if self.committed else "")


def writable_problem(snap: Snapshot, name: str, canonical: str) -> WijkctlError | None:
    """Why `name` may not be rewritten by wijkctl (comments, not canonical, a link), if so.

    `canonical` is the canonical text of the file's records as read, before any change.
    """
    loaded = snap.loaded[name]
    if loaded.comments:
        regels = ", ".join(str(n) for n in loaded.comments[:MAX_SHOWN])
        return InvalidData(
            f"{name} bevat commentaar (regel {regels}) dat wijkctl bij schrijven zou verliezen. "
            "Zet notities in een 'opmerking'-veld en verwijder de #-regels; er is niets veranderd."
        )
    # A file of an older version is rewritten whole in the current one by its next change.
    if not loaded.older and snap.texts[name] != canonical:
        return InvalidData(
            f"{name} staat niet in de vaste vorm, dus de wijziging zou meer regels raken dan nodig. "
            "Draai eerst 'wijkctl fmt' en commit dat apart; er is niets veranderd."
        )
    link = fileio.refuse_symlinks(snap.root, [name])
    if link:
        return InvalidData(f"{link}; er is niets veranderd.")
    return None


def verify(snap: Snapshot, texts: dict[str, str], records: dict[str, list], *, rules: bool = True,
           heads: dict[str, dict] | None = None) -> model.Dataset:
    """Load back exactly the texts about to be written and validate the data they make
    (with `rules` False, as `fmt` does: only that they load back).

    `records`: the records in memory of the files in `texts`, and of any other file
    whose records `snap` does not hold (a write from the cache); `heads`: the head records
    in memory of the files in `texts` that have them (`schema.head_records`). Refused (exit 4) when
    the result breaks a rule or the loader refuses it, with the lines of the new text;
    WijkctlError (exit 1, a bug) when it does not load back to the records in memory.
    """
    from wijkctl.validate import validate
    from wijkctl.yamlio import load_text

    loaded = {name: load_text(name, text) for name, text in texts.items()}
    problems = [p for result in loaded.values() for p in result.problems]
    parts: dict[str, list] = {}
    for name, f in FILES.items():
        read = (loaded[name] if name in loaded else snap.loaded[name]).parts(name)
        parts.update(read if name in loaded else {**read, f.attr: records.get(name, snap.loaded[name].records)})
    data = model.Dataset(**parts)
    heads = heads or {}
    if not problems:
        for name, result in loaded.items():
            if result.records != records[name] or (name in heads and result.head != heads[name]):
                raise WijkctlError(
                    f"Interne fout: de nieuwe tekst van {name} leest niet terug als de bedoelde "
                    "gegevens; er is niets veranderd. Meld dit."
                )
    if not problems and rules:
        problems = [p for p in validate(data) if p.ernst == "fout"]
        if problems and any(name not in loaded for name in FILES):
            # the other files' records may come from the cache, without line numbers: for the
            # lines the refusal names, they are read from their text (the same records)
            for name in FILES:
                if name not in loaded:
                    loaded[name] = load_text(name, snap.texts[name])
            data = model.Dataset(**{k: v for name in FILES for k, v in loaded[name].parts(name).items()})
            problems = [p for p in validate(data) if p.ernst == "fout"] or problems
    if problems:
        raise Refused(
            "De wijziging zou de gegevens ongeldig maken; er is niets veranderd "
            "(regelnummers in de nieuwe tekst):",
            [str(p) for p in problems[:MAX_SHOWN]],
        )
    return data


def _diff(snap: Snapshot, texts: dict[str, str]) -> str:
    import difflib

    return "".join(
        "".join(difflib.unified_diff(
            snap.texts[name].splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"a/{name}", tofile=f"b/{name}",
        ))
        for name, text in texts.items()
    )


def write(root: Path, texts: dict[str, str], encoded: dict[str, bytes] | None = None) -> bool:
    """Replace the files all or nothing; True once they landed (anything to write), or
    WriteFailed (exit 1) naming the reason. `encoded`: the texts as UTF-8, when already made."""
    if encoded is None:
        encoded = {name: text.encode("utf-8") for name, text in texts.items()}
    try:
        return bool(fileio.replace_files(root, encoded))
    except OSError as exc:
        wat = ", ".join(texts)
        raise WriteFailed(f"Kan {wat} in {root} niet schrijven: {fileio.reason(exc)}. Er is niets veranderd.") from None


def apply(
    root: Path,
    mutate: Callable[[model.Dataset], model.Change],
    *,
    dry_run: bool = False,
    commit: bool = False,
) -> Outcome:
    """Run `mutate` on the data under the lock and write what changed.

    `mutate` changes the Dataset in place and returns a Change, or raises a
    WijkctlError to refuse; any refusal leaves every file byte-for-byte as it was.

    A write costs the change, not the file. When the validated parse cache holds these
    exact bytes, the wijken come from it one at a time, as the change asks for them
    (`model.Dataset.lazy`); a wijk never built did not change. Only the records that
    changed are written anew and spliced between the unchanged lines of the (canonical)
    file, only they are read back, and only they are validated, with the index of the
    others for what must be unique (`index.conflicts`). The text is what a full
    canonical dump would give, and the verdict what a full validation would give
    (`WIJKCTL_CHECK_WRITES=1` proves both on every write).
    """
    with nullcontext() if dry_run else locked(root):
        if commit and not dry_run:
            gitops.precheck(root, DATA_FILES)
        snap, entry = store.snapshot_for_write(root)
        data = snap.require_valid()
        texts_as_read, proven = _proven_canonical(snap, entry)
        change, plan = _change_and_plan(snap, entry, data, mutate)
        if not plan.changed:  # nothing changed: the data as read was validated by the snapshot
            return Outcome(change, [], "", dry_run=dry_run)
        for name in plan.changed:
            problem = writable_problem(snap, name, snap.texts[name] if name in proven else texts_as_read.get(name, ""))
            if problem:
                raise problem
            proven.add(name)
        texts = {name: plan.text(snap, name) for name in plan.changed}
        texts = {name: text for name, text in texts.items() if text != snap.texts[name]}
        if not texts:
            return Outcome(change, [], "", dry_run=dry_run)
        written = plan.verify(snap, texts, data)
        outcome = Outcome(change, list(texts), _diff(snap, texts) if dry_run else "", dry_run=dry_run)
        if dry_run:
            return outcome
        missing = store.absent(root)  # an optional file this write creates
        encoded = {name: text.encode("utf-8") for name, text in texts.items()}
        outcome.landed = write(root, texts, encoded)
        if commit:
            _commit_or_undo(snap, outcome, missing)
        # the cache stays warm: the records just validated are those of the bytes written
        contents = {**snap.raw, **encoded}
        keys = None
        if entry is not None:  # a file not written keeps the key the entry knows
            from wijkctl.cache import keys_after

            keys = keys_after(entry, snap.raw, contents, encoded)
        _keep_warm(root, contents, plan, written, data, frozenset(proven), keys)
    return outcome


def _keep_warm(root: Path, contents: dict[str, bytes], plan: _Plan, written: model.Dataset, data: model.Dataset,
               proven: frozenset[str], keys: Keys | None) -> None:
    """Remember the data set just written under the bytes `contents` (whose
    `cache.file_keys` are `keys`, when known): from the entry the write started from
    where it can, else whole (with the small files' plain records as planned, those of
    `written`: equal records)."""
    if isinstance(plan, _CachePlan) and written is data:
        plan.remember(root, contents, proven, data, keys)
        return
    small = {part: plain for part, plain in plan.after.items() if PARTS[part].name != WIJKEN}
    store.remember(root, contents, written, proven,
                   small if len(small) == sum(p.name != WIJKEN for p in PARTS.values()) else None, keys)


def _proven_canonical(snap: Snapshot, entry: Entry | None) -> tuple[dict[str, str], set[str]]:
    """Once per file (the cache then remembers), before any change: the canonical dump of
    each file not yet proven, and the names of the files whose bytes are canonical."""
    canonical = entry.canonical if entry else frozenset()
    texts_as_read = {name: yamlio.dump_loaded(snap.loaded[name]) for name in DATA_FILES
                     if name not in canonical and not snap.loaded[name].older}
    proven = set(canonical) | {n for n, t in texts_as_read.items() if t == snap.texts[n]
                               and not snap.loaded[n].comments}
    return texts_as_read, proven


def _change_and_plan(snap: Snapshot, entry: Entry | None, data: model.Dataset,
                     mutate: Callable[[model.Dataset], model.Change]) -> tuple[model.Change, _Plan]:
    """Run `mutate` and plan the write: from the cache entry when the wijken came from it
    one at a time, else by comparing all records with those read."""
    if entry is None:
        before = {part: _plain(part, snap.loaded[p.name].parts(p.name)[p.attr]) for part, p in PARTS.items()}
    change = mutate(data)
    if entry is not None and data.lazy:  # the cache's plain records are those of the bytes read
        return change, _plan_from_cache(entry, data, entry.small)  # each parsed when compared
    if entry is not None:
        before = {**{part: entry.small[part] for part in entry.small},
                  WIJKEN: [entry.plain(pos) for pos in range(len(entry.index))]}
    return change, _plan(snap, data, before)


def _plain(part: str, records: list) -> list[dict]:
    """Records of a file's part (`schema.PARTS`: a file name, or `file:key` of a head
    record) as plain dicts with ISO dates, comparable with the parse cache's."""
    if not records:  # no schema asked for: a deferred file's classes are not imported for nothing
        return []
    schema = PARTS[part].schema
    return [to_plain(r, schema, iso=True) for r in records]


def _after(data: model.Dataset, names: list[str]) -> dict[str, list[dict]]:
    """Every part of the files `names` as plain dicts, as the data stands now."""
    return {part: _plain(part, data.of(p.attr)) for part, p in PARTS.items() if p.name in names}


def _check_writes() -> bool:
    import os

    return os.environ.get("WIJKCTL_CHECK_WRITES") == "1"


class _Plan:
    """What changed in every file: each file's records before and after, as plain dicts."""

    def __init__(self, before: dict[str, list[dict]], after: dict[str, list[dict]], records: dict[str, list],
                 heads: dict[str, dict]):
        self.before, self.after, self.records, self.heads = before, after, records, heads
        self.changed = [name for name in DATA_FILES if any(
            part in after and after[part] != before.get(part, []) for part, p in PARTS.items() if p.name == name)]

    def head_changed(self, name: str) -> bool:
        """Whether a head record of file `name` changed (the file is then dumped whole)."""
        return any(p.name == name and part != name and self.after.get(part) != self.before.get(part, [])
                   for part, p in PARTS.items())

    def text(self, snap: Snapshot, name: str) -> str:
        if self.head_changed(name):
            return yamlio.dump_records(name, self.records[name], self.heads.get(name))
        return _new_text(snap, name, self.before[name], self.after[name], self.records[name], self.heads.get(name))

    def verify(self, snap: Snapshot, texts: dict[str, str], data: model.Dataset) -> model.Dataset:
        if any(self.head_changed(name) for name in texts):
            return verify(snap, texts, {name: data.of(FILES[name].attr) for name in DATA_FILES}, heads=self.heads)
        return _verify_changes(snap, texts, data, self.before, self.after)


def _heads(data: model.Dataset, names: list[str]) -> dict[str, dict]:
    return {name: head_records(name, data) for name in names if FILES[name].heads}


def _plan(snap: Snapshot, data: model.Dataset, before: dict[str, list[dict]]) -> _Plan:
    records = {name: data.of(FILES[name].attr) for name in DATA_FILES}
    return _Plan(before, _after(data, list(DATA_FILES)), records, _heads(data, list(DATA_FILES)))


class _Touched:
    """The records of a deferred file (`schema.DataFile.deferred`: subsidies.yaml) that a
    write from the cache touched, the others never built: by position, each as read
    (`was`, plain) and as it is now (record and plain), and those added at the end."""

    def __init__(self, name: str, changed: dict[int, tuple[object, dict]], was: dict[int, dict],
                 added: list[tuple[object, dict]]):
        self.name, self.changed, self.was, self.added = name, changed, was, added
        self.chunks: list[str] = []  # the new records' lines in the text, in file order (`_CachePlan.text`)
        self.head = ""  # the text before the first record

    def __bool__(self) -> bool:
        return bool(self.changed or self.added)

    def plains(self) -> list[dict]:
        """The plain records that changed or were added, in file order."""
        return [*(self.changed[pos][1] for pos in sorted(self.changed)), *(p for _r, p in self.added)]

    def pairs(self) -> list[tuple[object | None, object]]:
        """Each touched record as it was (None: added) and as it is."""
        from wijkctl.schema import from_plain

        schema = FILES[self.name].schema
        return [*((from_plain(self.was[pos], schema), self.changed[pos][0]) for pos in sorted(self.changed)),
                *((None, r) for r, _p in self.added)]

    def lines(self) -> tuple[dict[int, tuple[bytes, dict]], list[tuple[bytes, dict]]]:
        """The cache's lines (`cache.dumps`) of the records changed, by position, and added."""
        from wijkctl.cache import dumps

        return ({pos: (dumps(plain), plain) for pos, (_r, plain) in self.changed.items()},
                [(dumps(plain), plain) for _r, plain in self.added])


def _touched(name: str, source: store._Deferred) -> _Touched:
    """What a write changed among the records of `name` that the cache deferred (`source`)."""
    schema = FILES[name].schema
    changed, was = {}, {}
    for pos, record in sorted(source.current().items()):
        plain, old = to_plain(record, schema, iso=True), source.read[id(source.built[pos])]
        if plain != old:
            changed[pos], was[pos] = (record, plain), old
    return _Touched(name, changed, was, [(r, to_plain(r, schema, iso=True)) for r in source.added])


class _CachePlan(_Plan):
    """A change that came from the cache one at a time: only the wijken built
    (`changed_at`: position -> wijk, of those that changed) and the records of a deferred
    file built (`touched`, by file name) are compared, written, read back and validated."""

    def __init__(self, before: dict[str, list[dict]], after: dict[str, list[dict]], records: dict[str, list],
                 heads: dict[str, dict], changed_at: dict[int, tuple[model.Wijk, dict]], was: dict[int, list],
                 entry: Entry, touched: dict[str, _Touched], data: model.Dataset):
        super().__init__(before, after, records, heads)
        self.changed_at, self.was, self.entry, self.count = changed_at, was, entry, len(entry.index)
        self.touched, self.data = touched, data
        self.whole: set[str] = set()  # files dumped whole after all (`_whole`): validated whole
        self.spans: list[int] | None = None
        self.quiet: list[str] | None = None  # every wijk's quiet day anew (`verify`, a whole validation)
        self.head, self.chunks = "", {}
        if changed_at:
            self.changed.insert(0, WIJKEN)
        if any(touched.values()):
            names = set(self.changed) | {name for name, t in touched.items() if t}
            self.changed = [name for name in DATA_FILES if name in names]

    def _touched_text(self, snap: Snapshot, name: str) -> str:
        """The text of a deferred file with the lines of the records touched replaced and
        those added after the last: each record's old lines found as their canonical
        dump (the file is canonical, its ids unique, so they stand there exactly once)."""
        from wijkctl.schema import from_plain

        t, old = self.touched[name], snap.texts[name]
        schema, first = FILES[name].schema, old.find("\n- ") + 1
        if first <= 0 or not old.endswith("\n") or yamlio.open_ended(old):
            return self._whole(name, self.data.of(FILES[name].attr))
        out, at, chunks = [], 0, []
        for pos in sorted(t.changed):
            chunk = "\n" + yamlio.dump_record(name, from_plain(t.was[pos], schema))
            start = old.find(chunk, max(at - 1, 0))
            end = start + len(chunk)
            if start < 0 or not (end == len(old) or old.startswith("- ", end)) or old.find(chunk, end - 1) >= 0:
                return self._whole(name, self.data.of(FILES[name].attr))  # not where the cache says
            chunks.append(yamlio.dump_record(name, t.changed[pos][0]))
            out += [old[at:start + 1], chunks[-1]]
            at = end
        added = [yamlio.dump_record(name, r) for r, _p in t.added]
        if any(yamlio.open_ended(chunk) for chunk in (*chunks, *added)):
            return self._whole(name, self.data.of(FILES[name].attr))
        t.chunks, t.head = [*chunks, *added], old[:first]
        text = "".join([*out, old[at:], *added])
        if _check_writes():
            _same_as_full_dump(name, text, self.records[name], None)
        return text

    def _whole(self, name: str, records: list) -> str:
        """File `name` dumped whole after all (its lines cannot be spliced: not where the
        cache says, or a document end marker, `yamlio.open_ended`): then validated whole."""
        self.whole.add(name)
        return yamlio.dump_records(name, records)

    def text(self, snap: Snapshot, name: str) -> str:
        if self.touched.get(name):
            return self._touched_text(snap, name)
        if name != WIJKEN:
            return super().text(snap, name)
        old = snap.texts[name]
        spans = self.entry.spans  # where each wijk's lines start, and the last ends
        if spans is None or spans[-1] != len(old) or not all(_one_record(old, spans, pos) for pos in self.changed_at):
            head, chunks = yamlio.split_records(old)
            if len(chunks) != self.count:
                raise WijkctlError(f"Interne fout: {name} heeft niet de records van de cache; er is niets veranderd. "
                                   "Meld dit.")
            spans = [len(head)]
            for chunk in chunks:
                spans.append(spans[-1] + len(chunk))
        self.head = old[:spans[0]]
        self.chunks = {pos: yamlio.dump_record(name, wijk) for pos, (wijk, _plain) in self.changed_at.items()}
        if yamlio.open_ended(old) or any(yamlio.open_ended(chunk) for chunk in self.chunks.values()):
            return self._whole(name, [self.data.wijk_at(pos) for pos in range(self.count)])
        out, at = [], 0
        for pos, chunk in self.chunks.items():  # in the order of the file
            out += [old[at:spans[pos]], chunk]
            at = spans[pos + 1]
        out.append(old[at:])
        self.spans = spans
        text = "".join(out)
        if _check_writes():
            _same_as_full_dump(name, text, self.records[name], None)
        return text

    def verify(self, snap: Snapshot, texts: dict[str, str], data: model.Dataset) -> model.Dataset:
        from wijkctl.validate import valid_change, validate
        from wijkctl.yamlio import load_text

        def full() -> model.Dataset:
            return verify(snap, texts, {name: data.of(FILES[name].attr) for name in DATA_FILES}, heads=self.heads)

        if any(self.head_changed(name) for name in texts) or self.whole & set(texts):
            return full()
        touched = {name: t for name, t in self.touched.items() if name in texts}
        if touched and len(touched) != len(texts):
            return full()  # a deferred file's records and another file at once: validated whole

        for name, text in texts.items():
            if name == WIJKEN:
                loaded = load_text(name, self.head + "".join(self.chunks.values()))
                if loaded.problems or _plain(name, loaded.records) != [p for _w, p in self.changed_at.values()]:
                    return full()
            elif name in touched:
                t = touched[name]
                loaded = load_text(name, t.head + "".join(t.chunks))
                if loaded.problems or _plain(name, loaded.records) != t.plains():
                    return full()
            elif not _read_back(name, text, self.before[name], self.after[name]):
                return full()
        old = data.index
        if touched:
            from wijkctl.validate import valid_records_change

            clean = valid_records_change(data, {name: t.pairs() for name, t in touched.items()})
        else:
            clean = valid_change(old, {pos: (self.was[pos], w) for pos, (w, _p) in self.changed_at.items()},
                                 data, changed_files=frozenset(texts))
        if clean and not _check_writes():
            return data
        # None: a rule's scope asks for every wijk; "not clean" may be a part-only run seeing the subsidy
        # records of wijken it was not given as orphans: both are validated whole, on the records in memory
        # (those just read back, the others the verified entry's); only a "clean" must agree with it
        whole = model.Dataset([data.wijk_at(pos) for pos in range(len(old))], **data.records)
        if not any(p.ernst == "fout" for p in validate(whole)):
            if not clean:  # a rule reading a changed file may change the warnings, so the quiet days,
                from wijkctl.validate import quiet_from  # of wijken that did not change: all anew

                self.quiet = [quiet_from(w, whole.records) for w in whole.wijken]
            return data
        if clean:
            raise WijkctlError("Interne fout: de controle van alleen de gewijzigde wijken geeft een ander "
                               "oordeel dan die van alles; er is niets veranderd. Meld dit.")
        return full()  # refused: everything read again, for the lines the refusal names

    def remember(self, root: Path, contents: dict[str, bytes], canonical: frozenset[str], data: model.Dataset,
                 keys: Keys | None) -> None:
        """The cache entry of the bytes written (whose `cache.file_keys` are `keys`): the
        lines and summaries of the wijken that did not change as they were, those of the
        changed ones anew, and a deferred file's section spliced likewise; none when the
        entry turned out damaged (the next command parses)."""
        from wijkctl import cache

        try:
            if not self.entry.damaged:
                self._remember(root, contents, canonical, data, keys or cache.file_keys(contents))
        except cache.Damaged:
            pass

    def _small(self) -> dict[str, list | object]:
        """The small files' records for the new entry: as planned, or a deferred file's
        section as stored with the lines of the records touched spliced in."""
        entry, small = self.entry, {}
        for name in entry.small:
            section = entry.small.sections.get(name)
            if name in self.after:
                small[name] = self.after[name]
            elif section is not None:
                touched = self.touched.get(name)
                small[name] = section.spliced(*touched.lines()) if touched else section.spliced({}, [])
            else:
                small[name] = entry.small[name]
        return small

    def _remember(self, root: Path, contents: dict[str, bytes], canonical: frozenset[str],
                  data: model.Dataset, file_keys: Keys) -> None:
        from wijkctl import cache, index

        entry = self.entry
        changed = {pos: cache.dumps(plain) for pos, (_wijk, plain) in self.changed_at.items()}
        lengths = entry.lengths()
        for pos, line in changed.items():
            lengths[pos] = len(line)
        yaml = text_keys = None
        spans = self.spans if self.spans is not None else entry.spans  # wijken.yaml as written, or as it was
        if spans is not None and WIJKEN in canonical:  # the new lengths of the wijken's lines in the text
            yaml = [b - a for a, b in zip([0, *spans], spans)]
            keys = {pos: cache.text_key(chunk.encode("utf-8")) for pos, chunk in self.chunks.items()}
            for pos, chunk in self.chunks.items():
                yaml[pos + 1] = len(chunk)
            text_keys = entry.text_keys_with(keys)  # the stored line, spliced: nothing parsed
            if text_keys is None:
                text_keys = entry.text_keys()
                if text_keys is not None:
                    for pos, key in keys.items():
                        text_keys[pos] = key
        from wijkctl.validate import quiet_from

        new = {pos: index.summary(wijk, quiet_from(wijk, data))
               for pos, (wijk, _plain) in self.changed_at.items()}
        columns, kept = [], {}
        for part in range(len(index.PARTS)):
            if part == index.STIL and self.quiet is not None:
                columns.append(cache.dumps(self.quiet))
            elif all(new[pos][part] == self.was[pos][part] for pos in new):
                columns.append(entry.column_line(part))  # read by nobody, or as it was
                kept[part] = entry.column_sums[part]
            else:
                column = list(entry.index.column(part))
                for pos, s in new.items():
                    column[pos] = s[part]
                columns.append(cache.dumps(column))
        rendered = None
        if self.changed == [SUBSIDIES] and SUBSIDIES in self.touched:  # texts of each record alone (and of
            # the regelingen, not written): those of the records not touched hold for the new bytes
            touched = self.touched[SUBSIDIES].changed
            rendered = {kind: entry.kept_texts(kind, touched) for kind in entry.rendered}
        cache.put(root, cache.key(contents, file_keys), small=self._small(), rendered=rendered,
                  columns=columns,
                  lines=entry.lines_with(changed), lengths=lengths, yaml=yaml, text_keys=text_keys,
                  head=entry.head if text_keys is not None else None, files=file_keys,
                  canonical=canonical, known_columns=kept, known_blocks=entry.kept_blocks(changed))


def _one_record(text: str, spans: list[int], pos: int) -> bool:
    """Whether the span of `pos` in a canonical text holds exactly one top-level record."""
    start, end = spans[pos], spans[pos + 1]
    return (start > 0 and text.startswith("\n- ", start - 1) and "\n- " not in text[start:end - 1]
            and (end == len(text) or text.startswith("\n- ", end - 1)))


def _plan_from_cache(entry: Entry, data: model.Dataset, before: dict[str, list[dict]]) -> _CachePlan:
    from wijkctl.index import summary
    from wijkctl.schema import from_plain

    changed_at, was = {}, {}
    for pos in sorted(data.built):
        plain, old = to_plain(data.built[pos], WIJK, iso=True), entry.plain(pos)
        if plain != old:
            changed_at[pos] = (data.built[pos], plain)
            was[pos] = summary(from_plain(old, WIJK), None)
    touched, small = {}, []
    for name in DATA_FILES:
        source = data.pending(FILES[name].attr) if name != WIJKEN else None
        if source is not None and name in entry.small.sections:  # only the records built can have changed
            touched[name] = _touched(name, source)
        elif name != WIJKEN:
            small.append(name)
    records = {name: data.of(FILES[name].attr) for name in small}
    if _check_writes():  # every record, to compare the text with a whole dump: built apart, so that the
        # quick verdict still reads the deferred records as without the check (`data.pending`)
        records[WIJKEN] = [data.wijk_at(pos) for pos in range(len(entry.index))]
        records.update({name: data.pending(FILES[name].attr)() for name in touched})
    return _CachePlan(before, _after(data, small), records, _heads(data, small), changed_at, was, entry, touched,
                      data)


def _same_as_full_dump(name: str, text: str, records: list, head: dict | None) -> None:
    if text != yamlio.dump_records(name, records, head):
        raise WijkctlError(f"Interne fout: de nieuwe tekst van {name} wijkt af van de vaste vorm; "
                           "er is niets veranderd. Meld dit.")


def _new_text(snap: Snapshot, name: str, before: list[dict], after: list[dict], records: list,
              singletons: dict | None = None) -> str:
    """The canonical text of `records`: the unchanged records' lines as they are, the
    changed ones dumped anew (a file of an older version, or one that was or becomes
    empty, is dumped whole)."""
    text = None
    if not snap.loaded[name].older and before and after:
        head, chunks = yamlio.split_records(snap.texts[name])
        if len(chunks) == len(before):
            ident = IDENTITY[name]
            index = {p[ident]: i for i, p in enumerate(before)}
            out = [head]
            for record, plain in zip(records, after, strict=True):
                i = index.get(plain[ident])
                if i is not None and before[i] == plain:
                    out.append(chunks[i])
                else:
                    out.append(yamlio.dump_record(name, record))
            # the document end marker (`yamlio.open_ended`) belongs at the end: then dumped whole
            text = None if any(yamlio.open_ended(chunk) for chunk in out) else "".join(out)
    if text is None:
        return yamlio.dump_records(name, records, singletons)
    if _check_writes():
        _same_as_full_dump(name, text, records, singletons)
    return text


def _verify_changes(snap: Snapshot, texts: dict[str, str], data: model.Dataset,
                    before: dict[str, list[dict]], after: dict[str, list[dict]]) -> model.Dataset:
    """Load back the lines of every record that changed (they must give the records in
    memory) and validate the whole data set; `data` itself when all is well. On any
    problem, `verify` reads the whole new text again, to refuse with the lines a person sees."""
    from wijkctl.validate import validate

    records = {name: data.of(FILES[name].attr) for name in DATA_FILES}
    for name, text in texts.items():
        if not _read_back(name, text, before[name], after[name]):
            return verify(snap, texts, records)
    if any(p.ernst == "fout" for p in validate(data)):
        return verify(snap, texts, records)
    return data


def _read_back(name: str, text: str, before: list[dict], after: list[dict]) -> bool:
    """Whether the lines of every record of `name` that changed (by identity: `before` and
    `after`, plain) load back, without a problem, as the records in memory (`after`)."""
    from wijkctl.yamlio import load_text

    ident = IDENTITY[name]
    old = {p[ident]: p for p in before}
    new = [old.get(p[ident]) != p for p in after]
    head, chunks = yamlio.split_records(text)
    if len(chunks) != len(after):
        return False
    fresh = [p for p, is_new in zip(after, new, strict=True) if is_new]
    if fresh:
        loaded = load_text(name, head + "".join(c for c, is_new in zip(chunks, new, strict=True) if is_new))
        if loaded.problems or _plain(name, loaded.records) != fresh:
            return False
    return True


def _commit_or_undo(snap: Snapshot, outcome: Outcome, missing: list[str]) -> None:
    """Commit the written files; when git refuses, put the files and the index back
    (a file in `missing` did not exist and goes again)."""
    commit_or_undo(snap.root, outcome.changed, outcome.change.commit_bericht,
                   {n: None if n in missing else snap.raw[n] for n in outcome.changed})
    outcome.committed = True


def commit_or_undo(root: Path, files: list[str], message: str, before: dict[str, bytes | None]) -> None:
    """Commit exactly `files`; when git refuses, unstage them and put back their bytes
    `before` (None: the file did not exist, and goes again). The caller holds the lock."""
    import os

    try:
        gitops.commit(root, files, message)
    except WijkctlError as exc:
        gitops.unstage(root, files)
        try:
            fileio.replace_files(root, {n: raw for n, raw in before.items() if raw is not None})
            for name in (n for n, raw in before.items() if raw is None):
                os.unlink(root / name)
        except OSError as undo:
            raise WriteFailed(
                f"{exc.message} De wijziging is geschreven maar niet gecommit, en terugzetten "
                f"mislukte ook ({fileio.reason(undo)}): controleer 'git status'."
            ) from None
        raise WriteFailed(f"{exc.message} De wijziging is teruggedraaid; er is niets veranderd.") from None
