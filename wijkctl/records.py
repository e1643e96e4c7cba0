"""Record classes as `@dataclass` makes them, without compiling their methods at start-up.

`@dataclass` writes the source of each class's `__init__`, `__repr__` and `__eq__` and
compiles it when the module is imported: for the records of `model.py` that was about a
fifth of the `import yaml` floor on every run, a look-up included. `@record` gives a class
the same thing — the same fields (`dataclasses.fields`, `replace`, `asdict` work as ever),
the same methods, signature, docstring, hashing (none: the records are mutable) and
`__match_args__` — but its methods come from `_recordcode.py`, generated once from the
declarations by `python -m tests.test_records` and imported as bytecode like any module.

The generated code is keyed by the class and the spec of its fields (names, defaults,
flags): a class whose declarations changed since it was generated gets its methods
compiled at import from the same generator, so it is never wrong, only as slow as a
dataclass, and `tests/test_records.py` fails until `_recordcode.py` is regenerated.
Supported: plain (no base record, no `__post_init__`) mutable classes whose defaults are
None, booleans, numbers or texts and whose factories are `list` or `dict`; anything else
is refused at import, to be declared with `@dataclass`.
"""

from __future__ import annotations

import dataclasses
import re
import reprlib
from typing import Any

from wijkctl import _recordcode

_FACTORIES = {list: "[]", dict: "{}"}


# The default a signature shows for a field with a default factory, as a dataclass's (`<factory>`):
# one sentinel, defined in the generated module (which may import nothing of this one).
FACTORY = _recordcode._FACTORY
MADE: list[type] = []  # the classes made by `@record`, in order: what the code is generated for


def record(cls: type | None = None, /, *, kw_only: bool = True) -> Any:
    """`@dataclass(kw_only=kw_only)`, with methods generated once (see the module's doc)."""
    def wrap(cls: type) -> type:
        return _make(cls, kw_only)

    return wrap if cls is None else wrap(cls)


def _make(cls: type, kw_only: bool) -> type:
    key = f"{cls.__module__}.{cls.__qualname__}"
    made = _recordcode.METHODS.get(key)
    own_doc = cls.__dict__.get("__doc__")
    if not own_doc and made is not None:
        cls.__doc__ = made[3]  # as a dataclass writes it (and it reads no signature then)
    explicit_hash = cls.__dict__.get("__hash__", _recordcode) is not _recordcode
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, kw_only=kw_only)
    fields = list(cls.__dataclass_fields__.values())  # type: ignore[attr-defined]
    if made is None or made[4] != spec(fields):
        made = _compile(cls, fields)
        if not own_doc:
            cls.__doc__ = None
    init, rep, eq = made[0], made[1], made[2]
    for name, function in (("__init__", init), ("__repr__", rep), ("__eq__", eq)):
        if name not in cls.__dict__:
            function.__name__, function.__qualname__ = name, f"{cls.__qualname__}.{name}"
            function.__module__ = cls.__module__
            setattr(cls, name, function)
    if init is cls.__dict__["__init__"]:  # the signature a dataclass's __init__ has
        init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    if not explicit_hash:
        cls.__hash__ = None  # type: ignore[assignment]  # eq without frozen: unhashable, as a dataclass
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init = params.repr = params.eq = True
    if not cls.__doc__:
        import inspect

        cls.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    MADE.append(cls)
    return cls


def spec(fields: list[dataclasses.Field]) -> str:
    """What the generated methods of a class depend on: each field's name, default and flags."""
    parts = []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            default = "*" + _FACTORIES.get(f.default_factory, "?")  # type: ignore[arg-type]
        elif f.default is dataclasses.MISSING:
            default = ""
        else:
            default = "=" + _literal(f.default)
        flags = "".join(flag for flag, on in (("i", f.init), ("r", f.repr), ("c", f.compare), ("k", f.kw_only)) if on)
        parts.append(f"{f.name}{default}/{flags}")
    return ",".join(parts)


def _literal(value: Any) -> str:
    """A default as Python source (a finite float too: `inf` is no literal)."""
    if value is None or type(value) in (bool, int, str) or (type(value) is float and abs(value) < float("inf")):
        return repr(value)
    raise TypeError(f"@record: the default {value!r} is not supported; declare the class with @dataclass")


def _prefix(cls: type) -> str:
    """The name the generated functions of `cls` start with: its module and qualified name, so that two
    record classes of one name in different modules never share (or overwrite) each other's methods."""
    return "_" + re.sub(r"\W", "_", f"{cls.__module__}.{cls.__qualname__}")


def _compile(cls: type, fields: list[dataclasses.Field]) -> tuple[Any, ...]:
    """The methods of `cls` compiled now (declarations changed since `_recordcode.py` was written)."""
    _check(cls, fields)
    namespace: dict[str, Any] = {"reprlib": reprlib, "_FACTORY": FACTORY}
    name = _prefix(cls)
    exec(compile("\n".join(source(name, fields)), f"<record {cls.__qualname__}>", "exec"), namespace)
    return namespace[f"{name}__init__"], namespace[f"{name}__repr__"], namespace[f"{name}__eq__"], None, spec(fields)


def _check(cls: type, fields: list[dataclasses.Field]) -> None:
    if hasattr(cls, "__post_init__") or any(f.default_factory not in (dataclasses.MISSING, *_FACTORIES)
                                            or not f.init for f in fields):
        raise TypeError(f"@record: {cls.__qualname__} needs more than @record makes; declare it with @dataclass")
    for base in cls.__mro__[1:]:
        if hasattr(base, "__dataclass_fields__"):
            raise TypeError(f"@record: {cls.__qualname__} inherits fields; declare it with @dataclass")


def source(name: str, fields: list[dataclasses.Field]) -> list[str]:
    """The lines of the three methods of a record class, as `@dataclass` writes them, named
    `{name}__init__`, `{name}__repr__` and `{name}__eq__` (`name`: `_prefix` of the class)."""
    params, body = [], []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            params.append(f"{f.name}=_FACTORY")
            body.append(f"    self.{f.name} = {_FACTORIES[f.default_factory]} if {f.name} is _FACTORY "  # type: ignore[index]
                        f"else {f.name}")
        else:
            params.append(f.name if f.default is dataclasses.MISSING else f"{f.name}={_literal(f.default)}")
            body.append(f"    self.{f.name} = {f.name}")
    positional = [p for p, f in zip(params, fields) if not f.kw_only]
    keywords = [p for p, f in zip(params, fields) if f.kw_only]
    signature = ["self", *positional, *(["*", *keywords] if keywords else [])]
    shown = [f for f in fields if f.repr]
    compared = [f for f in fields if f.compare]
    mine = "".join(f"self.{f.name}, " for f in compared)
    theirs = "".join(f"other.{f.name}, " for f in compared)
    return [
        f"def {name}__init__(",
        *(f"    {p}," for p in signature),
        "):",
        *(body or ["    pass"]),
        "",
        "",
        "@reprlib.recursive_repr()",
        f"def {name}__repr__(self):",
        "    return self.__class__.__qualname__ + (",
        '        "("',
        *(f'        f"{", " if i else ""}{f.name}={{self.{f.name}!r}}"' for i, f in enumerate(shown)),
        '        ")"',
        "    )",
        "",
        "",
        f"def {name}__eq__(self, other):",
        "    if other.__class__ is self.__class__:",
        f"        return ({mine.rstrip()}) == ({theirs.rstrip()})",
        "    return NotImplemented",
    ]


HEADER = '''"""Generated by `python -m tests.test_records` from the record declarations: do not edit.

The methods `@dataclass` would compile for each record class at import (see wijkctl/records.py),
written once so that they are imported as bytecode. METHODS: class -> (__init__, __repr__,
__eq__, the class's docstring as a dataclass writes it, the spec of the fields they were made for).
"""

# ruff: noqa: E501

from __future__ import annotations

import reprlib


class _Factory:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()
'''


def generate(classes: list[type]) -> str:
    """The text of `_recordcode.py` for these record classes (each built with `@record`)."""
    out = [HEADER]
    entries = []
    for cls in classes:
        fields = list(dataclasses.fields(cls))
        _check(cls, fields)
        name = _prefix(cls)
        out += ["", "", *source(name, fields)]
        twin = _twin(cls, fields)
        entries.append(f"    {cls.__module__ + '.' + cls.__qualname__!r}: ({name}__init__, "
                       f"{name}__repr__, {name}__eq__,\n        {twin.__doc__!r},\n"
                       f"        {spec(fields)!r}),")
    out += ["", "", "METHODS = {", *entries, "}", ""]
    return "\n".join(out)


def _twin(cls: type, fields: list[dataclasses.Field]) -> type:
    """`cls` as a plain dataclass of the same fields (for its docstring, and the tests)."""
    copies = [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory,
                                                 init=f.init, repr=f.repr, hash=f.hash, compare=f.compare,
                                                 metadata=f.metadata, kw_only=f.kw_only)) for f in fields]
    return dataclasses.make_dataclass(cls.__name__, copies, namespace={"__module__": cls.__module__,
                                                                             "__qualname__": cls.__qualname__},
                                      kw_only=all(f.kw_only for f in fields))


def twin(cls: type) -> type:
    """`cls` as `@dataclass` would make it, from the same declarations: what `@record` must equal."""
    return _twin(cls, list(dataclasses.fields(cls)))
