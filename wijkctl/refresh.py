"""A new cache entry from the previous one, after the files changed outside wijkctl.

A `git pull`, a merge or a hand edit changes a few wijken; without this, the next
command parses, validates and (for a write) proves canonical every wijk again. The
previous entry knows the key (`cache.text_key`) of each wijk's lines in wijken.yaml and
of the small files, so here only the lines that are new are parsed: a wijk whose lines
are unchanged keeps its record, its summary and its proof of canonical form. The new
wijken are validated with the rules about wijken, every key that must be unique is
checked over the whole index, and every gebied must exist; the small files, when they
changed, are parsed and validated whole.

Anything unusual (another version of the code, a file that was not canonical, a head
that changed, a problem of any kind) gives None, and the caller parses everything, so
that a refusal names its lines. `WIJKCTL_CHECK_WRITES=1` also parses everything and
compares the records and the verdict (the tests set it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wijkctl import cache, index
from wijkctl.schema import (
    FILES,
    GEBIED,
    REGELING,
    REGELINGEN,
    VERBINDERS,
    WIJK,
    WIJKEN,
    from_plain,
    to_plain,
)

if TYPE_CHECKING:
    from wijkctl.cache import Entry


_READ = object()  # `old` not given: read it


def refresh(root: Path, raw: dict[str, bytes], *, sleutel: str | None = None, old: Any = _READ) -> Entry | None:
    """The cache entry for the files' bytes `raw` (whose `cache.key` is `sleutel`), made
    from the previous entry of `root` (`old`, when the caller has read it) and stored;
    None when that cannot be done safely."""
    if old is _READ:
        old = cache.get(root, None)
    if old is None or not old.canonical >= set(FILES) or old.spans is None or old.head is None:
        return None
    try:
        made = _made(old, raw)
    except (UnicodeDecodeError, cache.Damaged):
        return None
    if made is None:
        return None
    if os.environ.get("WIJKCTL_CHECK_WRITES") == "1":
        _same_as_parsing(root, raw, made)
    sleutel = sleutel or cache.key(raw)
    cache.put(root, sleutel, **made)
    return cache.get(root, sleutel)


def _made(old: Entry, raw: dict[str, bytes]) -> dict[str, Any] | None:
    from wijkctl.store import small_file_keys
    from wijkctl.validate import breaks_rules
    from wijkctl.yamlio import dump_record, dump_records, load_text, split_records

    small: dict[str, list] = {}
    changed_small = False
    files = small_file_keys(raw)
    for name, plain in ((VERBINDERS, old.gebieden), (REGELINGEN, old.regelingen)):
        if files[name] == old.files.get(name):
            small[name] = [from_plain(r, FILES[name][1]) for r in plain]
            continue
        text = raw[name].decode("utf-8")
        loaded = load_text(name, text)
        if loaded.problems or loaded.comments or loaded.older or dump_records(name, loaded.records) != text:
            return None
        small[name], changed_small = loaded.records, True
    head, chunks = split_records(raw[WIJKEN].decode("utf-8"))
    layout = cache.layout(head, chunks)
    keys = layout["text_keys"]
    if layout["head"] != old.head or not chunks:
        return None
    old_keys = old.text_keys()
    if old_keys is None:
        return None
    known = {k: pos for pos, k in enumerate(old_keys)}
    fresh = [i for i, k in enumerate(keys) if k not in known]
    loaded = load_text(WIJKEN, head + "".join(chunks[i] for i in fresh))
    if loaded.problems or loaded.comments or loaded.older or len(loaded.records) != len(fresh):
        return None
    records = dict(zip(fresh, loaded.records, strict=True))
    if any(dump_record(WIJKEN, w) != chunks[i] for i, w in records.items()):
        return None  # not in canonical form: parsed whole, the write path says so
    gebieden, regelingen = small[VERBINDERS], small[REGELINGEN]
    if breaks_rules(list(records.values()), gebieden, regelingen, small_files_changed=changed_small):
        return None
    summaries = {i: index.summary(w) for i, w in records.items()}
    columns = [[summaries[i][p] if i in summaries else old.index.column(p)[known[keys[i]]] for i in range(len(chunks))]
               for p in range(len(index.PARTS))]
    new = index.Index(len(chunks), dict(enumerate(columns)))
    if index.held_twice(new) or (changed_small and not set(new.column(index.GEBIED)) <= {g.code for g in gebieden}):
        return None
    lines = [cache.dumps(to_plain(records[i], WIJK, iso=True)) if i in records else old.line(known[keys[i]])
             for i in range(len(chunks))]
    return {"gebieden": [to_plain(g, GEBIED, iso=True) for g in gebieden],
            "regelingen": [to_plain(r, REGELING, iso=True) for r in regelingen],
            "columns": [cache.dumps(c) for c in columns], "lines": b"".join(x + b"\n" for x in lines),
            "lengths": [len(x) for x in lines], **layout, "files": files, "canonical": frozenset(FILES)}


def _same_as_parsing(root: Path, raw: dict[str, bytes], made: dict[str, Any]) -> None:
    """The records and the verdict must be those of parsing everything (a debug check)."""
    import json

    from wijkctl import store
    from wijkctl.errors import WijkctlError

    snap = store.snapshot(root, raw=raw)
    plain = [json.loads(line) for line in made["lines"].splitlines()]
    if (snap.errors or plain != [to_plain(w, WIJK, iso=True) for w in snap.data.wijken]
            or made["gebieden"] != [to_plain(g, GEBIED, iso=True) for g in snap.data.gebieden]
            or made["regelingen"] != [to_plain(r, REGELING, iso=True) for r in snap.data.regelingen]):
        raise WijkctlError("Interne fout: de cache, bijgewerkt voor alleen de gewijzigde wijken, wijkt af van "
                           "het lezen van alles. Meld dit.")
