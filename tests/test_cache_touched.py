"""A step of the subsidy year from the cache costs the records it touches: only those are
built, compared, written (spliced between the other records' lines), read back and
validated (`validate.valid_records_change`), and the cache's section is spliced likewise.
Whatever that path does must equal what parsing everything does: the same bytes on disk,
the same entry, the same verdict."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import cache, store, validate
from wijkctl.schema import SUBSIDIES, to_plain

from .conftest import MEMBERS, Run, records_built, snapshot_bytes

WIJKEN = ("molenwijk", "duinwijk", "oude-stad")
YEARS = (2025, 2026)


@pytest.fixture
def year(run, datadir, tmp_path, monkeypatch):
    """Three platforms with an awarded record for 2025 and 2026 each, the cache warm
    (proven canonical by a write), and the debug checks off: the fast path itself."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    for wijk in WIJKEN:
        assert run("register", wijk, "--name", f"Platform {wijk}", "--from", "2024-01-01", *MEMBERS).exit_code == 0
        for jaar in YEARS:
            done = run("apply", wijk, "--year", str(jaar), "--received", f"{jaar - 1}-11-12", "--amount", "6500")
            assert done.exit_code == 0, done.stderr
            assert run("award", wijk, "--year", str(jaar), "--on", f"{jaar - 1}-12-15").exit_code == 0
    monkeypatch.delenv("WIJKCTL_CHECK_WRITES")
    return datadir


def _uncached(datadir, tmp_path, monkeypatch, *args: str) -> tuple[int, dict[str, bytes]]:
    """The exit code and files of `args` run on a copy of `datadir` without any cache."""
    copy = tmp_path / "uncached"
    shutil.copytree(datadir, copy)
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        done = Run(copy)(*args)
    return done.exit_code, snapshot_bytes(copy)


def _entry_as_parsed(datadir):
    """The cache entry of the files now, and the plain records a parse gives."""
    raw = store.read_bytes(datadir)
    entry = cache.get(datadir, cache.key(raw))
    parsed = store.snapshot(datadir, raw=raw).require_valid()
    return entry, [to_plain(s, store.FILES[SUBSIDIES].schema, iso=True) for s in parsed.of("subsidies")]


@pytest.mark.parametrize("args", [
    ("pay", "duinwijk", "--year", "2026", "--on", "2026-01-15", "--amount", "4000"),
    ("apply", "molenwijk", "--year", "2027", "--received", "2026-11-12", "--amount", "6500"),
    ("award", "oude-stad", "--year", "2026", "--on", "2025-12-20", "--amount", "5000", "--reason", "bezwaar"),
    ("correct", "molenwijk", "--year", "2025", "--step", "besluit", "--amount", "4000", "--reason", "herzien"),
])
def test_a_step_from_the_cache_writes_what_parsing_everything_writes(args, year, run, tmp_path, monkeypatch):
    expected = _uncached(year, tmp_path, monkeypatch, *args)
    built = records_built(monkeypatch)
    done = run(*args)
    assert (done.exit_code, snapshot_bytes(year)) == expected, done.stderr
    if args[0] in ("pay", "apply"):  # no plafond to weigh: only the records of the wijk and year
        assert len(set(built)) <= 1, built
    else:  # an amount granted: the year's records, for the plafond; never every year
        assert len(set(built)) <= len(WIJKEN), built
    entry, plains = _entry_as_parsed(year)
    assert entry is not None and entry.small[SUBSIDIES] == plains
    section = entry.small.sections[SUBSIDIES]  # spliced, byte for byte what storing all records gives
    assert section.stored() == cache.section(plains, store.FILES[SUBSIDIES].select).raw
    assert run("check").exit_code == 0


def test_a_refusal_from_the_cache_changes_nothing(year, run, monkeypatch):
    before = snapshot_bytes(year)
    done = run("pay", "duinwijk", "--year", "2026", "--on", "2026-01-15", "--amount", "900000")
    assert done.exit_code == 4 and "verleend" in done.stderr
    assert snapshot_bytes(year) == before


def _touched_data(datadir):
    """The data set served from the cache, as a write starts from it."""
    raw, entry = store.cached(datadir)
    return store.dataset(entry)


def _changed(record, **fields):
    """A copy of `record` with `fields` changed."""
    import dataclasses

    return dataclasses.replace(record, **fields)


def test_the_quick_verdict_on_changed_records_is_that_of_validating_everything(year, run):
    """Each kind of error a whole validation finds in subsidies.yaml, found from the records
    touched alone: a duplicate, a wrong id, an unknown organisation or wijk, the plafond."""
    granted = sum(s.verleend for s in _touched_data(year).where("subsidies", jaar=2025))
    assert run("regeling", "set", "--year", "2024", "--plafond", str(granted + 1000)).exit_code == 0

    def verdicts(change) -> tuple[bool | None, bool]:
        data = _touched_data(year)
        source = data.pending("subsidies")
        was, new = change(data)
        if was is None:
            source.added.append(new)
        else:  # in place of the record built, as `Dataset.put` does for one of the same id
            source.replaced[next(pos for pos, r in source.built.items() if r is was)] = new
        quick = validate.valid_records_change(data, {SUBSIDIES: [(was, new)]})
        return quick, not any(p.ernst == "fout" for p in validate.validate(data))  # every record built

    def first(data, wijk="molenwijk", jaar=2026):
        return data.where("subsidies", wijk=wijk, jaar=jaar)[0]

    def ok(data):
        s = first(data)
        return s, _changed(s, opmerking="nagekeken")

    def within_plafond(data):
        s = first(data, jaar=2025)
        return s, _changed(s, besluit=_changed(s.besluit, bedrag=s.besluit.bedrag + 1000, reden="bezwaar"))

    def duplicate(data):  # a record of that id never built, added again
        s = first(data)
        data.pending("subsidies").built.pop(next(p for p, r in data.pending("subsidies").built.items() if r is s))
        return None, _changed(s, opmerking="twee keer")

    def wrong_id(data):
        s = first(data)
        return s, _changed(s, id="2026-iets-anders")

    def unknown_org(data):
        s = first(data)
        return s, _changed(s, organisatie="bestaat-niet", id="2026-bestaat-niet")

    def unknown_wijk(data):
        s = first(data)
        return s, _changed(s, wijk="nergens")

    def past_plafond(data):
        s = first(data, jaar=2025)
        return s, _changed(s, besluit=_changed(s.besluit, bedrag=s.besluit.bedrag + 1001, reden="bezwaar"))

    assert verdicts(ok) == (True, True)
    assert verdicts(within_plafond) == (True, True)
    for change in (duplicate, wrong_id, unknown_org, unknown_wijk, past_plafond):
        assert verdicts(change) == (False, False), change.__name__


# -- the key of a large file, through blocks --------------------------------------------


def _yaml(records: list[str]) -> bytes:
    return ("versie: 1\nsubsidies:\n" + "".join(records)).encode()


def _record(i: int, extra: str) -> str:
    return f"- id: 2026-org-{i:05d}\n  jaar: 2026\n  wijk: w{i % 97}\n  opmerking: {extra}{'x' * (i % 300)}\n"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9999), st.text("abc-\n ", max_size=400)), min_size=1, max_size=4),
       st.integers(0, 3))
def test_a_block_keyed_file_keys_the_same_after_a_change_as_from_scratch(edits, appended):
    records = [_record(i, "") for i in range(10_000)]
    old = _yaml(records)
    assert len(old) >= cache.TREE_BYTES
    old_key, old_blocks = cache.file_key(old)
    for at, text in edits:
        records[at] = _record(at, text.replace("\n", "\n  "))
    records += [_record(5000 + i, "nieuw") for i in range(appended)]
    new = _yaml(records)
    hashed = []
    key_of = cache._key_of

    def spy(raw, kind):
        hashed.append(len(raw) if kind == b"block" else 0)
        return key_of(raw, kind)

    cache._key_of = spy
    try:
        reused = cache.file_key(new, (old, old_blocks))
    finally:
        cache._key_of = key_of
    assert reused == cache._file_key(bytes(new), None)  # as computed from nothing
    assert (reused[0] == old_key) == (new == old)
    assert sum(hashed) <= len(new) // 2  # the blocks not changed were compared, not hashed


def test_a_small_file_never_keys_as_a_large_one():
    """The key of a file under TREE_BYTES and that of one keyed through blocks live apart:
    a small file holding a large one's block keys (what its key is made of) has another key."""
    big = _yaml([_record(i, "") for i in range(10_000)])
    key, blocks = cache.file_key(big)
    for forged in (",".join(blocks).encode(), ("tree:" + ",".join(blocks)).encode()):
        assert cache.file_key(forged)[0] != key


# -- what the review found -----------------------------------------------------------------


def _kept_note(datadir, run, monkeypatch):
    """A record whose opmerking ends in a blank line (`|+`): its file ends with `...`."""
    text = (datadir / SUBSIDIES).read_text(encoding="utf-8")
    at = text.index("- id: 2025-")  # the first record
    end = text.index("\n- ", at) + 1
    (datadir / SUBSIDIES).write_text(text[:end] + "  opmerking: |+\n    zie brief\n\n" + text[end:], encoding="utf-8")
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        assert run("fmt").exit_code == 0
    assert (datadir / SUBSIDIES).read_text(encoding="utf-8").endswith("\n...\n")
    assert run("check").exit_code == 0  # a warm entry for these bytes


@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize("args", [
    ("apply", "molenwijk", "--year", "2027", "--received", "2026-11-12", "--amount", "6500"),  # added after `...`
    ("correct", "molenwijk", "--year", "2025", "--step", "besluit", "--amount", "4000", "--reason", "herzien"),
    ("update", "molenwijk", "--email", "nieuw@molenwijk.example.org"),
])
def test_a_file_with_a_document_end_is_written_as_a_whole_dump(args, checked, year, run, tmp_path, monkeypatch):
    _kept_note(year, run, monkeypatch)
    if checked:
        monkeypatch.setenv("WIJKCTL_CHECK_WRITES", "1")
    expected = _uncached(year, tmp_path, monkeypatch, *args)
    done = run(*args)
    assert (done.exit_code, snapshot_bytes(year)) == expected, done.stderr
    text = (year / SUBSIDIES).read_text(encoding="utf-8")
    assert text.count("\n...\n") == 1 and text.endswith("\n...\n")
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        assert run("check").exit_code == 0


def test_a_refused_wijk_write_names_the_lines_a_parse_names(year, run, tmp_path, monkeypatch):
    args = ("end", "molenwijk", "--on", "2025-06-01")
    copy = tmp_path / "uncached"
    shutil.copytree(year, copy)
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        expected = Run(copy)(*args)
    before = snapshot_bytes(year)
    done = run(*args)
    assert done.exit_code == expected.exit_code == 4
    assert done.stderr == expected.stderr and "subsidies.yaml:0:" not in done.stderr
    assert snapshot_bytes(year) == before


def test_a_record_put_in_place_of_one_not_built_replaces_it(year):
    data = _touched_data(year)
    source = data.pending("subsidies")
    record = store.dataset(cache.get(year, None)).where("subsidies", wijk="duinwijk", jaar=2026)[0]
    assert not source.built  # nothing built in this data set yet
    data.put("subsidies", _changed(record, opmerking="nagekeken"))
    assert source.added == [] and len(source.replaced) == 1
    assert [s.opmerking for s in data.where("subsidies", wijk="duinwijk", jaar=2026)] == ["nagekeken"]
    moved = _changed(data.where("subsidies", wijk="duinwijk", jaar=2025)[0], wijk="molenwijk")
    data.put("subsidies", moved)  # a record that holds other keys now is found under them
    assert moved in data.where("subsidies", wijk="molenwijk", jaar=2025)
    assert moved not in data.where("subsidies", wijk="duinwijk", jaar=2025)
