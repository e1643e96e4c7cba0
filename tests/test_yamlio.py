"""The strict loader and the canonical writer, on text: no files, no CLI."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import model
from wijkctl.schema import REGELINGEN, WIJKEN
from wijkctl.yamlio import dump_loaded, dump_records, load_text

from .conftest import BUNDLED, FILES

GOOD = """versie: 1
wijken:
- code: molenwijk
  naam: Molenwijk
  cbs_code: WK039220
  gebied: schalkwijk
"""


def problems(text: str, name: str = WIJKEN) -> list[tuple[int, str]]:
    return [(p.regel, p.melding) for p in load_text(name, text).problems]


def test_good_file_loads_without_problems():
    loaded = load_text(WIJKEN, GOOD)
    assert loaded.problems == []
    assert loaded.records == [model.Wijk(code="molenwijk", naam="Molenwijk", gebied="schalkwijk", cbs_code="WK039220")]
    assert loaded.records[0].regel == 3


@pytest.mark.parametrize("name", FILES)
def test_bundled_files_are_canonical(name):
    text = (BUNDLED / name).read_text(encoding="utf-8")
    loaded = load_text(name, text)
    assert loaded.problems == [] and loaded.comments == []
    assert dump_loaded(loaded) == text


BAD = [
    ("duplicate key", GOOD + "  naam: Nogmaals\n", 7, "dubbele sleutel 'naam'"),
    ("unknown key", GOOD + "  kleur: rood\n", 7, "onbekende sleutel 'kleur'"),
    ("integer code", GOOD.replace("cbs_code: WK039220", "cbs_code: 39220"), 5, "'cbs_code' moet tekst zijn"),
    ("bool name", GOOD.replace("naam: Molenwijk", "naam: no"), 4, "'naam' moet tekst zijn"),
    ("bad date", GOOD + "  organisaties:\n  - soort: wijkraad\n    naam: X\n    van: 2024-02-30\n", 10,
     "ongeldige datum"),
    ("string date", GOOD + "  organisaties:\n  - soort: wijkraad\n    naam: X\n    van: 1 "
                           "maart\n", 10, "moet een datum"),
    ("integer phone", GOOD + "  organisaties:\n  - soort: wijkraad\n    naam: X\n    van: 2024-01-01\n    kern:\n    "
                             "- naam: A\n      telefoon: 612345678\n", 13, "'telefoon' moet tekst zijn"),
    ("missing required", "versie: 1\nwijken:\n- code: x\n  naam: X\n", 3, "'gebied' ontbreekt"),
    ("negative figure", GOOD + "  cijfers:\n    inwoners: -5\n", 8, "0 of groter"),
    ("newer version", GOOD.replace("versie: 1", "versie: 4"), 1, "installeer een nieuwere wijkctl"),
    ("no version", GOOD.replace("versie: 1\n", ""), 1, "'versie' ontbreekt"),
    ("tab indent", GOOD.replace("  gebied", "\tgebied"), 6, "tab in de inspringing"),
    ("syntax", GOOD + "  naam: [unclosed\n", 8, "een lijst tussen [ ] is niet gesloten (bij wat op regel 7 begint)"),
    ("indent", GOOD + " gebied: x\n", 7, "de inspringing klopt niet"),
    ("not a list", "versie: 1\nwijken: molenwijk\n", 2, "moet een lijst zijn"),
]


@pytest.mark.parametrize("label,text,line,melding", BAD, ids=[b[0] for b in BAD])
def test_each_bad_input_kind_is_reported_at_its_line(label, text, line, melding):
    found = problems(text)
    assert any(regel == line and melding in m for regel, m in found), found


def test_anchors_and_aliases_are_refused_at_their_lines():
    text = GOOD + "- code: b\n  naam: &n B\n  gebied: x\n  opmerking: *n\n"
    found = problems(text)
    assert any(r == 8 and "anker &n" in m for r, m in found)
    assert any(r == 10 and "alias *n" in m for r, m in found)


def test_every_problem_is_reported_not_only_the_first():
    text = GOOD + "  kleur: rood\n  naam: Dubbel\n"
    assert len(problems(text)) == 2


def test_comments_are_found_but_hashes_inside_values_are_not():
    text = (
        "# kop\nversie: 1\nwijken:\n- code: a  # code\n  naam: 'A #1'\n  gebied: g\n"
        "  opmerking: \"x # y\"\n- code: b\n  naam: B#2\n  gebied: g\n  opmerking: |\n    regel # geen commentaar\n"
    )
    loaded = load_text(WIJKEN, text)
    assert loaded.problems == []
    assert loaded.comments == [1, 4]


def test_dump_never_writes_anchors_for_a_shared_date():
    day = dt.date(2024, 7, 1)
    raad = model.Organisatie(id="r", soort="wijkraad", naam="R", van=dt.date(2000, 1, 1), tot=day)
    platform = model.Organisatie(id="p", soort="wijkplatform", naam="P", van=day, opvolger_van=["r"])
    wijk = model.Wijk(code="a", naam="A", gebied="g", organisaties=[raad, platform])
    text = dump_records(WIJKEN, [wijk])
    assert "&" not in text and "*" not in text
    assert text.count("2024-07-01") == 2


def test_digit_strings_are_quoted_for_every_yaml_reader():
    org = model.Organisatie(id="p", soort="wijkplatform", naam="P", van=dt.date(2024, 1, 1), kvk="01234567",
                            kern=[model.KernLid(naam="A", telefoon="0612345678")])
    text = dump_records(WIJKEN, [model.Wijk(code="a", naam="A", gebied="g", organisaties=[org])])
    assert "kvk: '01234567'" in text and "telefoon: '0612345678'" in text


def test_staffels_are_written_on_one_line():
    r = model.Regeling(jaar=2024, naam="R", basisbedrag=5000, maximum=10000, toeslagen=[
        model.Toeslag(naam="Inwoners", maatstaf="inwoners", staffels=[model.Staffel(vanaf=7500, bedrag=1000),
                                                                      model.Staffel(vanaf=10000, bedrag=2000)])])
    text = dump_records(REGELINGEN, [r])
    assert "  - {vanaf: 7500, bedrag: 1000}\n" in text
    assert load_text(REGELINGEN, text).records == [r]


# --- round trip properties ------------------------------------------------------

text_st = st.text(alphabet=string.ascii_letters + string.digits + " -'éë:#[]{}&*!|>\"%@`,?", min_size=1,
                  max_size=30).filter(lambda s: s.strip() == s and s.strip())
opt_text = st.none() | text_st
# free text (opmerking, bron) may span lines
multiline = st.none() | st.text(alphabet=string.ascii_letters + " -'é:#&*!|>\"%@`,?\n", min_size=1,
                                max_size=40).filter(lambda s: s.strip() == s and s.strip())
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
counts = st.none() | st.integers(min_value=0, max_value=10**7)
members = st.builds(model.KernLid, naam=text_st, email=opt_text, telefoon=opt_text)
orgs = st.builds(
    model.Organisatie, id=text_st, soort=text_st, naam=text_st, van=st.none() | dates, tot=st.none() | dates,
    reden_einde=opt_text, bron=multiline, opvolger_van=st.lists(text_st, max_size=2),
    buurten=st.lists(text_st, max_size=2), rechtsvorm=opt_text, kvk=opt_text, email=opt_text, website=opt_text,
    kern=st.lists(members, max_size=3), opmerking=multiline,
)
buurten = st.builds(model.Buurt, naam=text_st, cbs_code=opt_text, cijfers=st.none())
cijfers = st.none() | st.builds(model.Cijfers, peiljaar=counts, bron=multiline, inwoners=counts, woningen=counts,
                                sociale_huurwoningen=counts, uitkeringen=counts).filter(
    lambda c: any(getattr(c, k) is not None for k in ("peiljaar", "bron", "inwoners", "woningen",
                                                      "sociale_huurwoningen", "uitkeringen")))
wijken = st.builds(
    model.Wijk, code=text_st, naam=text_st, gebied=text_st, cbs_code=opt_text,
    cbs_buurten=st.lists(text_st, max_size=3), buurten=st.lists(buurten, max_size=3), opmerking=multiline,
    cijfers=cijfers, organisaties=st.lists(orgs, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(wijken, max_size=4))
def test_records_survive_dump_and_load(records):
    text = dump_records(WIJKEN, records)
    loaded = load_text(WIJKEN, text)
    assert loaded.problems == []
    assert loaded.comments == []
    assert loaded.records == records
    assert dump_records(WIJKEN, loaded.records) == text  # canonical text is a fixed point


def test_pure_python_loader_gives_the_same_records_and_problems(monkeypatch):
    """Where PyYAML has no C extension the pure parser takes over, with the same results."""
    import yaml

    from wijkctl import yamlio

    pure = type("PureStrictLoader", (yamlio._FastResolve, yaml.SafeLoader), {})
    texts = [(BUNDLED / name).read_text() for name in FILES] + [b[1] for b in BAD]
    expected = [load_text(WIJKEN if i >= len(FILES) else FILES[i], t) for i, t in enumerate(texts)]
    monkeypatch.setattr(yamlio, "_StrictLoader", pure)
    for i, text in enumerate(texts):
        got = load_text(WIJKEN if i >= len(FILES) else FILES[i], text)
        assert got.records == expected[i].records
        assert [p.regel for p in got.problems] == [p.regel for p in expected[i].problems]
