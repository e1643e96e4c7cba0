"""`@record` (wijkctl/records.py) makes every record class exactly what `@dataclass` makes of
the same declarations, and `_recordcode.py` is the code generated from today's declarations."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wijkctl
from wijkctl import _recordcode, model, records
from wijkctl.schema import FILES

from .strategies import records_of

for _module in pkgutil.iter_modules(wijkctl.__path__, "wijkctl."):  # every record class of the package
    if _module.name != "wijkctl.__main__":
        importlib.import_module(_module.name)
# by module, each in its order of definition (not of import), as _recordcode.py lists them
CLASSES = sorted((c for c in records.MADE if c.__module__.startswith("wijkctl.")), key=lambda c: c.__module__)


PATH = Path(records.__file__).with_name("_recordcode.py")


def test_the_generated_code_is_that_of_todays_declarations():
    """Change a record's fields and this fails until `python -m tests.test_records` is run
    (until then the class is right, compiled at import as a dataclass would be, only slower)."""
    assert PATH.read_text(encoding="utf-8") == records.generate(CLASSES), "draai: python -m tests.test_records"
    assert {c.__module__ + "." + c.__qualname__ for c in CLASSES} == set(_recordcode.METHODS)


def test_every_record_class_of_model_is_a_record():
    made = {c for c in vars(model).values() if isinstance(c, type) and dataclasses.is_dataclass(c)}
    assert made <= set(CLASSES)
    assert {model.Wijk, model.Organisatie, model.KernLid, model.Change, model.Regeling} <= made


def _field(f: dataclasses.Field) -> tuple:
    return (f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare, f.kw_only,
            dict(f.metadata), f._field_type)  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_a_record_class_is_what_dataclass_makes_of_it(cls):
    twin = records.twin(cls)
    assert [_field(f) for f in dataclasses.fields(cls)] == [_field(f) for f in dataclasses.fields(twin)]
    assert str(inspect.signature(cls)) == str(inspect.signature(twin))
    assert inspect.signature(cls.__init__).parameters.keys() == inspect.signature(twin.__init__).parameters.keys()
    assert cls.__init__.__annotations__ == twin.__init__.__annotations__
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    if not inspect.getdoc(cls) or cls.__doc__.startswith(cls.__name__ + "("):
        assert cls.__doc__ == twin.__doc__
    assert cls.__hash__ is None and twin.__hash__ is None
    assert cls.__match_args__ == twin.__match_args__
    assert repr(cls.__dataclass_params__) == repr(twin.__dataclass_params__)
    for name, value in vars(twin).items():  # the class attributes: the defaults, no Field left behind
        if name in {f.name for f in dataclasses.fields(cls)}:
            assert cls.__dict__[name] == value
    assert not any(isinstance(v, dataclasses.Field) for v in vars(cls).values())
    if any(f.default is f.default_factory is dataclasses.MISSING for f in dataclasses.fields(cls)):
        with pytest.raises(TypeError) as mine:
            cls()
        with pytest.raises(TypeError) as theirs:
            twin()
        assert str(mine.value) == str(theirs.value)
    with pytest.raises(TypeError) as mine:
        cls(**{f.name: None for f in dataclasses.fields(cls)}, onbekend=1)
    with pytest.raises(TypeError) as theirs:
        twin(**{f.name: None for f in dataclasses.fields(cls)}, onbekend=1)
    assert str(mine.value) == str(theirs.value)


def _as_twin(record, twin):
    return twin(**{f.name: getattr(record, f.name) for f in dataclasses.fields(record)})


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_records_compare_and_print_as_dataclasses_do(data):
    schema = data.draw(st.sampled_from([f.schema for f in FILES.values()]
                                       + [h for f in FILES.values() for h in f.heads.values()]))
    one = data.draw(records_of(schema))
    other = data.draw(records_of(schema))
    cls = schema.cls
    if cls not in CLASSES:
        return  # a record class of another module
    twin = records.twin(cls)
    assert repr(one) == repr(_as_twin(one, twin))
    assert (one == other) == (_as_twin(one, twin) == _as_twin(other, twin))
    placed = dataclasses.replace(one, regel=one.regel + 7, regels={"x": 1})
    assert placed == one and repr(placed) == repr(one)  # where it came from takes no part
    assert dataclasses.asdict(one) == dataclasses.asdict(_as_twin(one, twin))
    assert copy.deepcopy(one) == one and copy.deepcopy(one) is not one
    assert one.__eq__(object()) is NotImplemented
    with pytest.raises(TypeError):
        hash(one)


def test_a_default_factory_gives_each_record_its_own_list():
    a, b = model.Wijk(code="a", naam="A", gebied="g"), model.Wijk(code="b", naam="B", gebied="g")
    a.buurten.append(model.Buurt(naam="x"))
    assert b.buurten == [] and b.regels == {} and a.regels is not b.regels
    given_list = [model.Buurt(naam="y")]
    assert model.Wijk(code="c", naam="C", gebied="g", buurten=given_list).buurten is given_list


def test_a_positional_record():
    change = model.Change("samen", "bericht")
    assert change == model.Change(samenvatting="samen", commit_bericht="bericht", resultaat=None)
    assert repr(change) == "Change(samenvatting='samen', commit_bericht='bericht', resultaat=None)"
    assert model.Change.__match_args__ == ("samenvatting", "commit_bericht", "resultaat")


def test_a_class_whose_declarations_changed_is_compiled_as_a_dataclass(monkeypatch):
    """No generated code for it (a new class), or code for other fields (a stale file):
    the methods are made at import from the same generator, never taken from the file."""
    key = f"{__name__}.{test_a_class_whose_declarations_changed_is_compiled_as_a_dataclass.__name__}.<locals>.Later"
    stale = _recordcode.METHODS["wijkctl.model.Verbinder"]
    monkeypatch.setitem(_recordcode.METHODS, key, stale)  # code made for other fields

    @records.record
    class Later:
        naam: str = model.decl("str", "naam", required=True)
        extra: list[str] = model.decl("strlist", "extra")
        aantal: int = 3

    twin = records.twin(Later)
    one = Later(naam="a", extra=["b"])
    assert repr(one) == repr(_as_twin(one, twin))
    assert repr(one).endswith(".<locals>.Later(naam='a', extra=['b'], aantal=3)")
    assert one != Later(naam="a")
    assert Later.__doc__ == twin.__doc__
    assert str(inspect.signature(Later)) == str(inspect.signature(twin))

    @records.record(kw_only=False)
    class Nieuw:
        """Een eigen tekst."""

        a: int
        b: str = "x"

    assert Nieuw(1) == Nieuw(a=1, b="x") and repr(Nieuw(2, "y")) == "test_a_class_whose_declarations_changed_is_" \
        "compiled_as_a_dataclass.<locals>.Nieuw(a=2, b='y')"
    assert Nieuw.__doc__ == "Een eigen tekst."


def test_what_record_cannot_make_is_refused():
    with pytest.raises(TypeError, match="declare the class with @dataclass"):
        @records.record
        class Fout:
            waarde: tuple = (1, 2)

    with pytest.raises(TypeError, match="declare the class with @dataclass"):
        @records.record
        class Oneindig:
            waarde: float = float("inf")

    with pytest.raises(TypeError, match="declare it with @dataclass"):
        @records.record
        class Na:
            waarde: int = 0

            def __post_init__(self):
                pass

    with pytest.raises(TypeError, match="declare it with @dataclass"):
        @records.record
        class Zonder:
            waarde: list[int] = dataclasses.field(default_factory=list, init=False)


def test_two_record_classes_of_one_name_in_two_modules_keep_their_own_methods():
    """The generated functions are named by module and class, so a second `Naam` elsewhere
    never overwrites the first one's methods in `_recordcode.py` (found in review)."""
    def made(module: str, **fields: object) -> type:
        cls = type("Naam", (), {"__module__": module, "__qualname__": "Naam",
                                "__annotations__": {k: type(v) for k, v in fields.items()}, **fields})
        return dataclasses.dataclass(cls, init=False, repr=False, eq=False, kw_only=True)

    first, second = made("pakket.een", x=1), made("pakket.twee", y="a", z=2)
    namespace: dict = {}
    exec(compile(records.generate([first, second]), "<generated>", "exec"), namespace)
    init_one, _repr, _eq, _doc, spec_one = namespace["METHODS"]["pakket.een.Naam"]
    init_two = namespace["METHODS"]["pakket.twee.Naam"][0]
    assert list(inspect.signature(init_one).parameters) == ["self", "x"]
    assert list(inspect.signature(init_two).parameters) == ["self", "y", "z"]
    assert spec_one == records.spec(list(dataclasses.fields(first)))


if __name__ == "__main__":  # python -m tests.test_records: write _recordcode.py from today's declarations
    PATH.write_text(records.generate(CLASSES), encoding="utf-8")
    print(f"{PATH}: {len(CLASSES)} klassen")
