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

from wijkctl import cache, index, model
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


def refresh(root: Path, raw: dict[str, bytes]) -> Entry | None:
    """The cache entry for the files' bytes `raw`, made from the previous entry of
    `root` and stored; None when that cannot be done safely."""
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
    cache.put(root, cache.key(raw), **made)
    return cache.get(root, cache.key(raw))


def _made(old: Entry, raw: dict[str, bytes]) -> dict[str, Any] | None:
    from wijkctl.validate import VALIDATORS, WIJK_VALIDATORS
    from wijkctl.yamlio import dump_record, dump_records, load_text, split_records

    small: dict[str, list] = {}
    changed_small = False
    for name, plain in ((VERBINDERS, old.gebieden), (REGELINGEN, old.regelingen)):
        if cache.text_key(raw[name]) == old.files.get(name):
            small[name] = [from_plain(r, FILES[name][1]) for r in plain]
            continue
        text = raw[name].decode("utf-8")
        loaded = load_text(name, text)
        if loaded.problems or loaded.comments or loaded.older or dump_records(name, loaded.records) != text:
            return None
        small[name], changed_small = loaded.records, True
    text = raw[WIJKEN].decode("utf-8")
    head, chunks = split_records(text)
    keys = [cache.text_key(c.encode("utf-8")) for c in chunks]
    if cache.text_key(head.encode("utf-8")) != old.head or not chunks:
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
    part = model.Dataset(list(records.values()), gebieden, regelingen)
    if any(p.ernst == "fout" for v in (VALIDATORS if changed_small else WIJK_VALIDATORS) for p in v(part)):
        return None
    summaries = {i: index.summary(w) for i, w in records.items()}
    columns = [[summaries[i][p] if i in summaries else old.index.column(p)[known[keys[i]]] for i in range(len(chunks))]
               for p in range(len(index.PARTS))]
    new = index.Index(len(chunks), dict(enumerate(columns)))
    if _twice(new) or (changed_small and not set(new.column(index.GEBIED)) <= {g.code for g in gebieden}):
        return None
    lines = [cache.dumps(to_plain(records[i], WIJK, iso=True)) if i in records else old.line(known[keys[i]])
             for i in range(len(chunks))]
    spans = [len(head), *map(len, chunks)]
    return {"gebieden": [to_plain(g, GEBIED, iso=True) for g in gebieden],
            "regelingen": [to_plain(r, REGELING, iso=True) for r in regelingen],
            "columns": [cache.dumps(c) for c in columns], "lines": b"".join(x + b"\n" for x in lines),
            "lengths": [len(x) for x in lines], "yaml": spans, "text_keys": keys, "head": old.head,
            "files": {name: cache.text_key(raw[name]) for name in (VERBINDERS, REGELINGEN)},
            "canonical": frozenset(FILES)}


def _twice(new: index.Index) -> bool:
    """Whether a key that must be unique is held twice (or twice by one wijk)."""
    for part, keys_of in index.KEYS.values():
        seen: set[str] = set()
        for value in new.column(part):
            for k in keys_of(value):
                if k in seen:
                    return True
                seen.add(k)
    return False


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
