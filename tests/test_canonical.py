"""The fast reader of canonical text (`wijkctl.canonical`): what it accepts is read as the
strict loader reads it, lines too, and everything else is left to the strict loader."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import canonical, yamlio
from wijkctl.schema import FILES, WIJKEN, to_plain

from .conftest import BUNDLED
from .strategies import records_of
from .test_yamlio import wijken as wijken_strategy

_ODD = string.ascii_letters + string.digits + " -'\":#&*!|>%@`,?[]{}.+_=~<\t\n\r\x85\u2028\xa0\ufeffé0٣"


def _pyyaml(value: str) -> str:
    """What the canonical writer writes for `value` as a mapping's value."""
    text = yaml.dump({"k": value}, Dumper=yamlio._CanonicalDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, indent=2, width=1_000_000)
    assert text.startswith("k: ")
    return text[3:-1]


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_ODD, max_size=12) | st.text(max_size=8) | st.from_regex(r"[0-9a-zA-Z.+\-_eE:]{1,8}"))
def test_the_scalar_the_reader_expects_is_what_pyyaml_writes(value):
    expected = canonical.scalar(value)
    if expected is not None:
        assert expected == _pyyaml(value)
        assert yaml.load("k: " + expected, Loader=yamlio._StrictLoader) == {"k": value}


@pytest.mark.parametrize("value", ["yes", "No", "null", "~", "0612345678", "1e5", "e5", "2024-01-01", "1_000",
                                   "0x1F", "O'Brien", "a,b", "x?y", "Wijk (noord)", "=", "<<", ".5", "+1",
                                   "٣", "a: b", "a #b", "a#b", "ends:", "- x", "---", "café"])
def test_scalars_that_need_thought(value):
    expected = canonical.scalar(value)
    assert expected is None or expected == _pyyaml(value)


def _same(fast, strict, schema) -> None:
    assert fast == strict.records
    assert list(yamlio._places(fast, schema)) == list(yamlio._places(strict.records, schema))


@settings(max_examples=200, deadline=None)
@given(st.lists(wijken_strategy, min_size=1, max_size=4))
def test_fast_read_of_any_canonical_wijken_is_the_strict_read(records):
    text = yamlio.dump_records(WIJKEN, records)
    strict = yamlio._load_text(WIJKEN, text)
    fast = canonical.read(WIJKEN, text)
    if strict.problems:
        assert fast is None
        return
    if fast is not None:
        _same(fast[0], strict, FILES[WIJKEN].schema)


@settings(max_examples=40, deadline=None)  # each example draws records of every file: ~0.3 s
@given(st.data())
def test_fast_read_of_every_file_is_the_strict_read(data):
    for name, declared in FILES.items():
        records = data.draw(st.lists(records_of(declared.schema), min_size=1, max_size=3))
        text = yamlio.dump_records(name, records)
        strict = yamlio._load_text(name, text)
        fast = canonical.read(name, text)
        if fast is not None:
            assert not strict.problems
            _same(fast[0], strict, declared.schema)


def test_the_bundled_wijken_and_verbinders_are_read_fast():
    for name in ("wijken.yaml", "verbinders.yaml"):
        text = (BUNDLED / name).read_text(encoding="utf-8")
        fast = canonical.read(name, text)
        assert fast is not None, name
        loaded = yamlio.load_text(name, text)
        assert loaded.proven is text and yamlio.dump_loaded(loaded) == text


GOOD = """versie: 3
wijken:
- code: molenwijk
  naam: Molenwijk
  cbs_buurten:
  - BU03922101
  gebied: schalkwijk
  buurten:
  - naam: Archimedesbuurt
  cijfers:
    peiljaar: 2023
    inwoners: 8060
"""


@pytest.mark.parametrize("old, new", [
    ("naam: Molenwijk", "naam: Molenwijk # commentaar"),
    ("naam: Molenwijk", "naam: &a Molenwijk"),
    ("naam: Molenwijk", "naam: !!str Molenwijk"),
    ("naam: Molenwijk", "naam: 'Molenwijk'"),
    ("naam: Molenwijk", "naam: \"Molenwijk\""),
    ("naam: Molenwijk", "naam:  Molenwijk"),
    ("naam: Molenwijk", "naam: Molenwijk "),
    ("naam: Molenwijk", "naam: Molenwijk\n  naam: Molenwijk"),
    ("  naam: Molenwijk\n  cbs_buurten", "  cbs_buurten: []\n  naam: Molenwijk\n  cbs_buurten"),
    ("  gebied: schalkwijk\n  buurten:", "  buurten:\n  - naam: X\n  gebied: schalkwijk\n  buurten:"),
    ("  naam: Molenwijk", "\tnaam: Molenwijk"),
    ("  naam: Molenwijk", "  naam: Molenwijk\n  onbekend: x"),
    ("inwoners: 8060", "inwoners: '8060'"),
    ("inwoners: 8060", "inwoners: 08060"),
    ("inwoners: 8060", "inwoners: 8_060"),
    ("inwoners: 8060", "inwoners: 1234567890123456"),
    ("peiljaar: 2023", "peiljaar: 2023.0"),
    ("gebied: schalkwijk", "gebied: yes"),
    ("gebied: schalkwijk", "gebied: 2024-01-01"),
    ("gebied: schalkwijk", "gebied: |\n    schalkwijk"),
    ("gebied: schalkwijk", "gebied: {a: b}"),
    ("  buurten:\n  - naam: Archimedesbuurt", "  buurten: []"),
    ("  - BU03922101", "  - [BU03922101]"),
    ("versie: 3", "versie: 2"),
    ("versie: 3\n", "---\nversie: 3\n"),
    ("    inwoners: 8060\n", "    inwoners: 8060\n..."),
    ("  naam: Molenwijk", "  naam: Mo\x85lenwijk"),
    ("  naam: Molenwijk", "  naam: Molen\u202ewijk"),
    ("- code: molenwijk", "- code: molenwijk\n- *a"),
    ("- code: molenwijk", "<<<<<<< HEAD\n- code: molenwijk"),
    ("  naam: Molenwijk", "  naam: "),
    ("  - BU03922101", "  - "),
    ("  - BU03922101", "  -"),
    ("    inwoners: 8060", "    inwoners: "),
    ("  cijfers:\n", "  cijfers:\n  organisaties:\n"),
])
def test_anything_not_canonical_is_left_to_the_strict_loader(old, new):
    assert canonical.read(WIJKEN, GOOD) is not None
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    assert canonical.read(WIJKEN, text) is None
    loaded = yamlio.load_text(WIJKEN, text)
    assert loaded.proven is None
    strict = yamlio._load_text(WIJKEN, text)
    assert (loaded.records, loaded.problems, loaded.comments) == (strict.records, strict.problems, strict.comments)


def test_crlf_bom_and_a_missing_last_newline_are_not_canonical():
    for text in (GOOD.replace("\n", "\r\n"), "\ufeff" + GOOD, GOOD[:-1]):
        assert canonical.read(WIJKEN, text) is None
        assert yamlio.load_text(WIJKEN, text).proven is None


def test_a_huge_scalar_is_left_to_the_strict_loader():
    text = GOOD.replace("naam: Molenwijk", "naam: " + "x" * 100_000)
    assert canonical.read(WIJKEN, text) is None
    assert yamlio.load_text(WIJKEN, text).records[0].naam == "x" * 100_000


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(GOOD)), st.integers(0, 3), st.text(alphabet=_ODD, max_size=4))
def test_an_edit_anywhere_never_breaks_the_fast_reader(at, cut, insert):
    """Whatever a hand edit makes of a canonical text, the fast reader never fails, and what
    it still accepts is what the strict loader reads."""
    text = GOOD[:at] + insert + GOOD[at + cut:]
    fast = canonical.read(WIJKEN, text)
    if fast is not None:
        strict = yamlio._load_text(WIJKEN, text)
        assert not strict.problems and not strict.comments
        _same(fast[0], strict, FILES[WIJKEN].schema)


# --- the writer (`canonical.record_text`): what it writes is PyYAML's canonical dump ---------------


def _pyyaml_record(name: str, record) -> str:
    return yamlio.split_records(yamlio.dump_records(name, [record]))[1][0]


@settings(max_examples=200, deadline=None)
@given(st.lists(wijken_strategy, min_size=1, max_size=4))
def test_the_fast_writer_writes_any_wijk_as_pyyaml_does(records):
    for record in records:
        fast = canonical.record_text(FILES[WIJKEN].schema, record)
        if fast is not None:
            assert fast == _pyyaml_record(WIJKEN, record)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_fast_writer_writes_a_record_of_every_file_as_pyyaml_does(data):
    for name, declared in FILES.items():
        record = data.draw(records_of(declared.schema))
        fast = canonical.record_text(declared.schema, record)
        if fast is not None:
            assert fast == _pyyaml_record(name, record)
            # and the reader vouches for it: the text it writes is read back as the record
            read = canonical.read(name, f"versie: {declared.versie}\n{declared.list_key}:\n" + fast)
            assert read is not None
            assert [to_plain(r, declared.schema) for r in read[0]] == [to_plain(record, declared.schema)]


def test_the_fast_writer_writes_every_bundled_record_and_leaves_doubt_to_pyyaml():
    seen = 0
    for name, declared in FILES.items():
        path = BUNDLED / name
        if not path.exists():
            continue
        for record in yamlio.load_text(name, path.read_text(encoding="utf-8")).records:
            fast = canonical.record_text(declared.schema, record)
            if fast is not None:
                seen += 1
                assert fast == _pyyaml_record(name, record)
    assert seen
    wijk = yamlio.load_text(WIJKEN, (BUNDLED / WIJKEN).read_text(encoding="utf-8")).records[0]
    import dataclasses

    for odd in ("regel een\nregel twee", "", "x" * (canonical.MAX_SCALAR + 1), "\U0001f600"):
        assert canonical.record_text(FILES[WIJKEN].schema, dataclasses.replace(wijk, naam=odd)) is None
    assert canonical.record_text(FILES[WIJKEN].schema, dataclasses.replace(wijk, gebied=3)) is None


FLOW_GOOD = """versie: 1
subsidies:
- id: 2026-p
  jaar: 2026
  wijk: molenwijk
  organisatie: p
  betalingen:
  - {datum: 2026-01-15, bedrag: 4000, soort: voorschot}
  - {datum: 2026-05-01, bedrag: 600, soort: terugbetaling, kenmerk: B-2026.1/x}
"""


def test_flow_mapping_items_are_read_fast_and_written_fast():
    from wijkctl.schema import SUBSIDIES

    fast = canonical.read(SUBSIDIES, FLOW_GOOD)
    strict = yamlio._load_text(SUBSIDIES, FLOW_GOOD)
    assert fast is not None and not strict.problems
    _same(fast[0], strict, FILES[SUBSIDIES].schema)
    [record] = fast[0]
    assert canonical.record_text(FILES[SUBSIDIES].schema, record) == FLOW_GOOD.split("subsidies:\n", 1)[1]
    assert yamlio.dump_records(SUBSIDIES, [record]) == FLOW_GOOD


@pytest.mark.parametrize("old, new", [
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: 'voorschot'}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15,bedrag: 4000, soort: voorschot}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: voorschot }"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{bedrag: 4000, datum: 2026-01-15, soort: voorschot}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 04000, soort: voorschot}"),
    ("soort: voorschot}", "soort: voorschot, x: y}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: voorschot, }"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: null}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: a, b}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: {a: b}}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: voorschot} # x"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000, soort: &a voorschot}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{datum: 2026-01-15, bedrag: 4000,\n    soort: voorschot}"),
    ("{datum: 2026-01-15, bedrag: 4000, soort: voorschot}", "{}"),
    ("- {datum: 2026-01-15, bedrag: 4000, soort: voorschot}",
     "- datum: 2026-01-15\n    bedrag: 4000\n    soort: voorschot"),
    ("kenmerk: B-2026.1/x}", "kenmerk: 'B-2026.1/x'}"),
    ("kenmerk: B-2026.1/x}", "kenmerk: 2026}"),
])
def test_a_flow_item_not_written_as_the_writer_writes_it_is_left_to_the_strict_loader(old, new):
    from wijkctl.schema import SUBSIDIES

    assert old in FLOW_GOOD
    text = FLOW_GOOD.replace(old, new, 1)
    fast = canonical.read(SUBSIDIES, text)
    strict = yamlio._load_text(SUBSIDIES, text)
    if fast is not None:  # only where it is the same text after all
        assert text == FLOW_GOOD
    assert fast is None or (not strict.problems and fast[0] == strict.records)
