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
that a refusal names its lines. `WIJKCTL_CHECK_WRITES=1` makes the caller (`store.cached`)
parse everything and compare the records and the verdict (the tests set it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wijkctl import cache, index
from wijkctl.schema import FILES, PARTS, WIJK, WIJKEN, from_plain, to_plain

if TYPE_CHECKING:
    from wijkctl.cache import Entry, Keys


_READ = object()  # `old` not given: read it


def refresh(root: Path, raw: dict[str, bytes], *, sleutel: str | None = None, old: Any = _READ,
            keys: Keys | None = None) -> Entry | None:
    """The cache entry for the files' bytes `raw` (whose `cache.key` is `sleutel`, and
    `cache.file_keys` are `keys`, when known), made
    from the previous entry of `root` (`old`, when the caller has read it) and stored;
    None when that cannot be done safely. The rules it runs are those whose scope
    (`validate.Rule`) allows judging the changed wijken alone."""
    if old is _READ:
        old = cache.get(root, None)
    if old is None or not old.canonical >= set(FILES) or old.spans is None or old.head is None:
        return None
    keys = cache.file_keys(raw) if keys is None else keys
    try:
        made = _made(old, raw, keys)
    except (UnicodeDecodeError, cache.Damaged):
        return None
    if made is None:
        return None
    sleutel = sleutel or cache.key(raw, keys)
    cache.put(root, sleutel, **made)
    return cache.get(root, sleutel)


def _made(old: Entry, raw: dict[str, bytes], files: Keys) -> dict[str, Any] | None:
    from wijkctl.validate import breaks_rules, quiet_from
    from wijkctl.yamlio import dump_loaded, dump_record, load_text, split_records

    small: dict[str, list] = {}  # by Dataset attribute
    for name in FILES:
        if name == WIJKEN:
            continue
        parts = [(part, attr, schema) for part, (of, attr, schema) in PARTS.items() if of == name]
        if files[name] == old.files.get(name) and all(part in old.small for part, _a, _s in parts):
            small.update({attr: [from_plain(r, schema) for r in old.small[part]] for part, attr, schema in parts})
            continue
        text = raw[name].decode("utf-8")
        loaded = load_text(name, text)
        if loaded.problems or loaded.comments or loaded.older or dump_loaded(loaded) != text:
            return None
        small.update(loaded.parts(name))
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
    others = small
    changed_files = frozenset([WIJKEN, *(n for n in files if files[n] != old.files.get(n))])
    if breaks_rules(list(records.values()), others, changed_files=changed_files) is not False:
        return None
    summaries = {i: index.summary(w, quiet_from(w, others)) for i, w in records.items()}
    columns = [[summaries[i][p] if i in summaries else old.index.column(p)[known[keys[i]]] for i in range(len(chunks))]
               for p in range(len(index.PARTS))]
    new = index.Index(len(chunks), dict(enumerate(columns)))
    if index.held_twice(new):
        return None
    lines = [cache.dumps(to_plain(records[i], WIJK, iso=True)) if i in records else old.line(known[keys[i]])
             for i in range(len(chunks))]
    return {"small": {part: [to_plain(r, schema, iso=True) for r in small[attr]]
                      for part, (name, attr, schema) in PARTS.items() if name != WIJKEN},
            "columns": [cache.dumps(c) for c in columns], "lines": b"".join(x + b"\n" for x in lines),
            "lengths": [len(x) for x in lines], **layout, "files": files, "canonical": frozenset(FILES)}
