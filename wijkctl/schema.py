"""The shape of the data files: which keys, of which kind, in which canonical order.

Shared by the strict YAML loader, the canonical writer and the parse cache; imports no
YAML library, so a look-up served from the cache never loads one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from wijkctl import model


class Field:
    """One key of a record, as declared in `model.py` (`model.decl`)."""

    __slots__ = ("key", "kind", "required", "schema", "label", "fmt", "keuze", "multiline")

    def __init__(self, key: str, kind: str, required: bool = False, schema: Schema | None = None,
                 label: str = "", fmt: str | None = None, keuze: tuple[str, ...] | None = None,
                 multiline: bool = False):
        self.key, self.kind, self.required, self.schema = key, kind, required, schema
        self.label, self.fmt, self.keuze, self.multiline = label, fmt, keuze, multiline


class Schema:
    """A record type: its class and its fields in canonical order.

    Plain classes rather than dataclasses: these are built once at import, on the path
    of every look-up, where a dataclass's generated methods cost start-up time.
    """

    __slots__ = ("cls", "fields", "flow")

    def __init__(self, cls: type, fields: tuple[Field, ...], flow: bool = False):
        self.cls, self.fields = cls, fields
        self.flow = flow  # dumped as a one-line {key: value} mapping


def schema_of(cls: type) -> Schema:
    """The schema of a record class, read from its declared fields (in their order)."""
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if "kind" not in meta:
            continue  # regel, regels: where the record came from, not data
        nested = schema_of(meta["of"]) if meta["of"] is not None else None
        out.append(Field(f.name, meta["kind"], meta["required"], nested, meta["label"], meta["fmt"],
                         meta["keuze"], meta["multiline"]))
    return Schema(cls, tuple(out), getattr(cls, "FLOW", False))


WIJK = schema_of(model.Wijk)
GEBIED = schema_of(model.Gebied)
GEMEENTE = schema_of(model.Gemeente)
REGELING = schema_of(model.Regeling)

WIJKEN = "wijken.yaml"
VERBINDERS = "verbinders.yaml"
REGELINGEN = "subsidieregeling.yaml"
SUBSIDIES = "subsidies.yaml"


def _subsidie_schema() -> Schema:
    from wijkctl.subsidiemodel import Subsidie

    return schema_of(Subsidie)


class DataFile:
    """One data file, declared once: everything the loader, the writer, the cache, the
    journal, `check`, `fmt`, `edit`, `diff`, the merge driver, `git-setup` and `init`
    need to know of it. Adding a file is one declaration in `FILES`, its records in
    `model.py` and its rules in `validate.py`.

    `name`: the file name; `list_key`: the key of its list of records; `schema`: the
    record type; `attr`: the `model.Dataset` attribute holding the records; `identity`:
    the key that identifies a top-level record (its first key in canonical form, as the
    record class declares it in `IDENTITY`; nested records declare theirs the same way,
    read by `model.identity`); `versie`: the current version
    (older versions are read through `yamlio.MIGRATIONS`); `optional`: an absent file
    means no records, so the data set of an earlier release stays valid; `heads`: the
    singleton records a file holds beside its list (top-level keys written before it, in
    this order), key -> schema; the key is also the `Dataset` attribute, holding a list of
    none or one record, so that every path that carries a file's records carries them too;
    `select`: the top-level keys of a deferred file the cache keeps a column of, so that
    `Dataset.where` on them builds the matching records only.
    """

    __slots__ = ("_schema", "attr", "deferred", "heads", "identity", "list_key", "name", "optional", "select",
                 "versie")

    def __init__(self, name: str, list_key: str, schema: Schema | Callable[[], Schema], attr: str, identity: str, *,
                 versie: int, optional: bool = False, heads: dict[str, Schema] | None = None,
                 select: tuple[str, ...] = ()):
        self.name, self.list_key, self._schema, self.attr = name, list_key, schema, attr
        # the top-level keys the cache keeps a column of, for `Dataset.where` (a deferred file)
        self.select = select
        self.identity, self.versie, self.optional = identity, versie, optional
        self.heads: dict[str, Schema] = heads or {}
        # records built from the cache only when asked for (`model.Dataset`, `deferred`)
        self.deferred = not isinstance(schema, Schema)

    @property
    def schema(self) -> Schema:
        """The record type; given as a function, its module is imported when first asked for
        (subsidies.yaml: a look-up that does not read its records never builds its classes)."""
        if not isinstance(self._schema, Schema):
            self._schema = self._schema()
        return self._schema

    def parts(self) -> Iterator[tuple[str, str, Schema]]:
        """(part key, `Dataset` attribute, schema) of each list this file's records are kept
        in: the file's own list (part key: the file name), then each head
        (part key `file:key`). The cache, the write plan and `diff` keep them apart."""
        yield self.name, self.attr, self.schema
        for key, schema in self.heads.items():
            yield f"{self.name}:{key}", key, schema

    def __repr__(self) -> str:
        return f"DataFile({self.name!r})"

    def empty(self) -> bytes:
        """The canonical text of the file without records: what an absent optional file reads as."""
        return f"versie: {self.versie}\n{self.list_key}: []\n".encode()


# every data file, in the order of the data set (the first is the one a data directory is found by)
FILES: dict[str, DataFile] = {f.name: f for f in (
    DataFile(WIJKEN, "wijken", WIJK, "wijken", WIJK.cls.IDENTITY, versie=3),
    DataFile(VERBINDERS, "gebieden", GEBIED, "gebieden", GEBIED.cls.IDENTITY, versie=2,
             heads={"gemeente": GEMEENTE}),
    DataFile(REGELINGEN, "regelingen", REGELING, "regelingen", REGELING.cls.IDENTITY, versie=2),
    DataFile(SUBSIDIES, "subsidies", _subsidie_schema, "subsidies", "id", versie=1, optional=True,
             select=("jaar", "wijk")),
)}
# file name -> the key that identifies a top-level record, as its record class declares it
# (nested records too declare theirs on their class: `model.identity`)
IDENTITY: dict[str, str] = {name: f.identity for name, f in FILES.items()}
# every part of every file (`DataFile.parts`): part key -> (file name, Dataset attribute, schema)
class Part:
    """One part of a file (`DataFile.parts`), read as the tuple (file name, Dataset attribute,
    schema); the schema of a deferred file is resolved only when the part is unpacked."""

    __slots__ = ("attr", "file", "head")

    def __init__(self, file: DataFile, attr: str, head: str | None):
        self.file, self.attr, self.head = file, attr, head

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def schema(self) -> Schema:
        return self.file.schema if self.head is None else self.file.heads[self.head]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.file.name, self.attr, self.schema))

    def __getitem__(self, i: int) -> Any:
        return tuple(self)[i]


def _parts(f: DataFile) -> Iterator[tuple[str, Part]]:
    yield f.name, Part(f, f.attr, None)
    for key in f.heads:
        yield f"{f.name}:{key}", Part(f, key, key)


PARTS: dict[str, Part] = {key: part for f in FILES.values() for key, part in _parts(f)}


def head_records(name: str, data: Any) -> dict[str, Any]:
    """The head records of file `name` in a Dataset (key -> record; absent ones left out)."""
    return {key: data.of(key)[0] for key in FILES[name].heads if data.of(key)}


class FlowMapping(dict):
    """A mapping the canonical form writes on one line."""


def to_plain(record: Any, schema: Schema, iso: bool = False) -> dict[str, Any]:
    """A record as a plain dict in canonical key order; absent and empty values left out.
    With `iso`, dates as ISO text: what the parse cache holds after its JSON round trip."""
    out: dict[str, Any] = FlowMapping() if schema.flow else {}
    for f in schema.fields:
        value = getattr(record, f.key)
        if value is None or (isinstance(value, list) and not value):
            continue
        if f.kind == "record":
            value = to_plain(value, f.schema, iso)  # type: ignore[arg-type]
        elif f.kind == "records":
            value = [to_plain(v, f.schema, iso) for v in value]  # type: ignore[arg-type]
        elif f.kind == "strlist":
            value = list(value)
        elif iso and f.kind == "date":
            value = value.isoformat()
        out[f.key] = value
    return out


def from_plain(plain: dict[str, Any], schema: Schema) -> Any:
    """The record that `to_plain` made `plain` from (dates as ISO text are accepted too).

    Used for the parse cache, whose data was validated when it was written; the result
    has no line numbers.
    """
    kwargs: dict[str, Any] = {}
    for f in schema.fields:
        value = plain.get(f.key)
        if value is None:
            continue
        if f.kind == "record":
            value = from_plain(value, f.schema)  # type: ignore[arg-type]
        elif f.kind == "records":
            value = [from_plain(v, f.schema) for v in value]  # type: ignore[arg-type]
        elif f.kind == "date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        kwargs[f.key] = value
    return schema.cls(**kwargs)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    Parsing a nationwide file makes about a million objects, none in reference cycles;
    the collector's repeated passes over them took more than half the parse time
    (0.66 s against 0.25 s for 3,300 wijken).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
