"""The index of the wijken: look-ups through it, and the validation of only the wijken a
change touched, which must give the verdict of validating everything."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import model, rules, store
from wijkctl.errors import NotFound
from wijkctl.index import KEYS, SCALAR, SCANS, Index, conflicts, summary
from wijkctl.validate import valid_change, validate

from .conftest import BUNDLED

DATA = store.snapshot(BUNDLED).require_valid()
N = len(DATA.wijken)

# Edits that a change could make to one wijk; the values are taken from other wijken so
# that names, codes, buurten and ids collide as often as they do not.
positions = st.integers(min_value=0, max_value=N - 1)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, int, int, str]:
    kind = draw(st.sampled_from(["naam", "naam-hoofdletters", "cbs_code", "cbs_buurten", "buurt-naam", "buurt-cbs",
                                 "buurt-erbij", "org-id", "org-erbij", "gebied", "code", "email", "leeg"]))
    return kind, draw(positions), draw(positions), draw(st.sampled_from(["a", "b", "nieuw"]))


def _apply(wijken: list[model.Wijk], edit: tuple[str, int, int, str]) -> int:
    kind, at, other_at, word = edit
    w, other = wijken[at], DATA.wijken[other_at]
    if kind == "naam":
        w.naam = other.naam if word != "nieuw" else f"{w.naam} {word}"
    elif kind == "naam-hoofdletters":
        w.naam = other.naam.upper()
    elif kind == "cbs_code":
        w.cbs_code, w.cbs_buurten = (other.cbs_code, []) if word != "nieuw" else ("WK999999", [])
    elif kind == "cbs_buurten":
        w.cbs_code, w.cbs_buurten = None, list(other.cbs_buurten) or ["BU99999999"]
    elif kind == "buurt-naam" and w.buurten:
        w.buurten[0].naam = other.buurten[0].naam if other.buurten and word != "nieuw" else "Nieuwe buurt"
    elif kind == "buurt-cbs" and w.buurten:
        codes = [b.cbs_code for b in other.buurten if b.cbs_code]
        w.buurten[0].cbs_code = codes[0] if codes and word != "nieuw" else "BU99999998"
    elif kind == "buurt-erbij":
        naam = other.buurten[-1].naam if other.buurten and word == "a" else f"Buurt {word} {at}"
        w.buurten.append(model.Buurt(naam=naam))
    elif kind == "org-id" and w.organisaties:
        ids = [o.id for o in other.organisaties]
        w.organisaties[0].id = ids[0] if ids and word != "nieuw" else f"org-{at}-{word}"
    elif kind == "org-erbij":
        ids = [o.id for o in other.organisaties]
        ident = ids[-1] if ids and word == "a" else f"raad-{at}-{word}"
        w.organisaties.insert(0, model.Organisatie(id=ident, soort=model.WIJKRAAD, naam=f"Raad {word}"))
    elif kind == "gebied":
        w.gebied = other.gebied if word != "nieuw" else "nergens"
    elif kind == "code":
        w.code = other.code if word != "nieuw" else f"{w.code}-{word}"
    elif kind == "email" and w.organisaties:
        w.organisaties[-1].email = f"{word}@example.org"
    elif kind == "leeg":
        w.naam = " "
    return at


@settings(max_examples=300, deadline=None)
@given(st.lists(edits(), min_size=1, max_size=4))
def test_validating_the_changed_wijken_gives_the_verdict_of_validating_all(steps):
    wijken = copy.deepcopy(DATA.wijken)
    changed = {_apply(wijken, step) for step in steps}
    full = not any(p.ernst == "fout" for p in validate(model.Dataset(wijken, DATA.gebieden, DATA.regelingen)))
    was = {pos: (summary(DATA.wijken[pos], None), wijken[pos]) for pos in changed}
    others = {"gebieden": DATA.gebieden, "regelingen": DATA.regelingen}
    # the gebieden and regelingen did not change: only the rules about wijken need to run
    assert valid_change(Index.of(DATA.wijken), was, others, changed_files=frozenset({"wijken.yaml"})) == full
    # a changed regeling: the rules about it run too (none of the rules about wijken reads it)
    both = frozenset({"wijken.yaml", "subsidieregeling.yaml"})
    assert valid_change(Index.of(DATA.wijken), was, others, changed_files=both) == full


def test_a_change_that_adds_no_key_builds_no_map():
    index = Index(N, load=lambda part: Index.of(DATA.wijken).column(part))
    w = copy.deepcopy(DATA.wijken[3])
    w.opmerking = "iets nieuws"
    assert not conflicts(index, {3: (summary(DATA.wijken[3], None), summary(w, None))})
    assert index._maps == {} and index._columns == {}


def test_a_changed_file_that_a_rule_about_each_wijk_reads_asks_for_every_wijk():
    """The gebied of every wijk must exist: when verbinders.yaml changed, no verdict from
    the changed wijken alone (None), so the write validates everything and finds it."""
    gebieden = [g for g in DATA.gebieden if g.code != DATA.wijken[0].gebied]
    others = {"gebieden": gebieden, "regelingen": DATA.regelingen}
    assert valid_change(Index.of(DATA.wijken), {}, others, changed_files=frozenset({"verbinders.yaml"})) is None
    assert any(p.rule == "gebied-bestaat" for p in validate(model.Dataset(DATA.wijken, **others)))


@settings(max_examples=100, deadline=None)
@given(positions, st.sampled_from(["code", "cbs", "naam", "buurt", "prefix"]))
def test_lookups_through_the_index_find_what_a_scan_finds(at, how):
    w = DATA.wijken[at]
    query = {"code": w.code, "cbs": w.cbs_code or w.code, "naam": w.naam.upper(),
             "buurt": w.buurten[0].naam if w.buurten else w.naam, "prefix": w.naam[:-1]}[how]
    data = model.Dataset(copy.deepcopy(DATA.wijken), DATA.gebieden, DATA.regelingen)
    try:
        found = rules.match_wijk(data, query).code
    except NotFound as exc:  # a prefix that several names share
        assert how == "prefix" and "meerdere" in str(exc)
        return
    assert found == w.code


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "", None, "c"]), max_size=12),
       st.sampled_from(sorted(SCALAR)), st.lists(st.sampled_from(["a", "b", "", None, "c", "x"]), max_size=12))
def test_a_look_up_by_a_scan_finds_what_the_map_finds(values, kind, keys):
    """`Index.find` scans the column for its first SCANS look-ups of a kind: the same
    answers (the first wijk holding a key; an empty value holds no name or CBS code) as
    the map of every key, for keys held twice, absent, empty or None as well."""
    part = KEYS[kind][0]
    scanned = Index(len(values), {part: values})
    mapped = Index(len(values), {part: values})
    mapped.keys(kind)
    for key in keys * 2:  # past SCANS: the map answers the later ones
        assert scanned.find(kind, key) == mapped.find(kind, key) == mapped.keys(kind).get(key), (kind, key)
    assert len(keys) * 2 <= SCANS or kind in scanned._maps


def test_a_look_up_by_code_builds_no_map():
    index = Index(N, load=lambda part: Index.of(DATA.wijken).column(part))
    assert index.find("code", DATA.wijken[5].code) == 5 and index.find("code", "nergens") is None
    assert index._maps == {}


def test_a_dataset_from_the_cache_builds_only_the_wijk_it_is_asked_for(tmp_path, monkeypatch):
    from wijkctl import cache

    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    snap = store.snapshot(BUNDLED)
    store.remember(BUNDLED, snap.raw, snap.require_valid())
    data = store.dataset(cache.get(BUNDLED, cache.key(snap.raw)))
    assert data is not None and data.lazy
    wijk = rules.match_wijk(data, "molenwijk")
    assert list(data.built) == [data.index.find("code", "molenwijk")] and data.lazy
    assert data.wijken[data.index.find("code", "molenwijk")] is wijk  # built once, the same record
    assert data == DATA


def _warm(datadir, run):
    """A write proves the files canonical and leaves the cache warm."""
    from .conftest import MEMBERS

    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    snap, entry = store.snapshot_for_write(datadir)
    assert entry is not None and snap.data.lazy  # the next write starts from the cache


@pytest.mark.parametrize("check_writes", ["1", "0"])
def test_a_change_that_reads_every_wijk_from_the_cache_is_written_whole(datadir, run, monkeypatch, check_writes):
    from wijkctl import transaction

    _warm(datadir, run)
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)

    def mutate(data: model.Dataset) -> model.Change:
        for w in data.wijken:  # the whole list: no longer lazy
            if w.code == "meerwijk":
                w.opmerking = "Gewijzigd via de hele lijst."
        return model.Change("ok", "test")

    outcome = transaction.apply(datadir, mutate)
    assert outcome.changed == ["wijken.yaml"]
    assert "Gewijzigd via de hele lijst." in (datadir / "wijken.yaml").read_text()
    # the cache the write left gives what a parse gives, and the next write splices from it
    assert store.load(datadir) == store.snapshot(datadir).require_valid()
    assert run("update", "molenwijk", "--email", "na@example.org").exit_code == 0
    assert run("check", "--strict").exit_code == 0 and run("fmt", "--check").exit_code == 0


def test_a_refused_change_from_the_cache_names_the_line(datadir, run):
    from wijkctl import transaction
    from wijkctl.errors import Refused

    _warm(datadir, run)
    before = {p.name: p.read_bytes() for p in datadir.iterdir()}

    def mutate(data: model.Dataset) -> model.Change:
        wijk = rules.match_wijk(data, "meerwijk")
        wijk.naam = "Molenwijk"  # the name of another wijk, which was never built
        return model.Change("ok", "test")

    with pytest.raises(Refused) as refused:
        transaction.apply(datadir, mutate)
    assert any("wijken.yaml:" in line and "Molenwijk" in line for line in refused.value.details)
    assert {p.name: p.read_bytes() for p in datadir.iterdir()} == before


def test_a_write_to_the_verbinders_keeps_the_offsets_of_the_wijken(datadir, run):
    _warm(datadir, run)
    assert run("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl").exit_code == 0
    snap, entry = store.snapshot_for_write(datadir)
    assert entry is not None and entry.spans is not None and entry.spans[-1] == len(snap.texts["wijken.yaml"])
    assert run("update", "molenwijk", "--email", "daarna@example.org").exit_code == 0  # spliced by those offsets
    assert store.load(datadir) == store.snapshot(datadir).require_valid()


def test_offsets_that_do_not_fall_on_records_are_not_trusted(datadir, run, monkeypatch):
    import json

    from wijkctl import cache, yamlio

    _warm(datadir, run)
    monkeypatch.delenv("WIJKCTL_CHECK_WRITES")  # the write itself must notice
    [path] = cache._path(datadir).parent.glob("*.json")
    header, _, rest = path.read_bytes().partition(b"\n")[2].partition(b"\n")  # after the digest line
    fields = json.loads(header)
    at = 1 + store.snapshot_for_write(datadir)[0].data.index.find("code", "molenwijk")
    fields["yaml"][at] -= 7  # molenwijk's lines end 7 characters early; the total stays
    fields["yaml"][at + 1] += 7
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + rest
    path.write_bytes(cache._digest(body.partition(b"\n")[0]) + b"\n" + body)  # it verifies, offsets wrong
    for wijk in ("molenwijk", "meerwijk", "oude-stad"):
        assert run("update", "molenwijk", "--email", f"{wijk}@example.org").exit_code == 0
        text = (datadir / "wijken.yaml").read_text()
        assert yamlio.dump_records("wijken.yaml", yamlio.load_text("wijken.yaml", text).records) == text
