"""subsidies.yaml in the parse cache: a section of one line per record after the wijk lines,
with a column of the keys `Dataset.where` selects on, so that a read of one year parses that
year's lines only; any damage means a normal parse, never a wrong answer."""

from __future__ import annotations

import json

import pytest

from wijkctl import cache, store

from .conftest import MEMBERS, records_built

YEARS = (2025, 2026)


@pytest.fixture
def subsidies(run, datadir, tmp_path, monkeypatch):
    """Two platforms with a record for 2025 and 2026 each, the cache warm."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    for wijk in ("molenwijk", "duinwijk"):
        assert run("register", wijk, "--name", f"Platform {wijk}", "--from", "2024-01-01", *MEMBERS).exit_code == 0
        for year in YEARS:
            done = run("apply", wijk, "--year", str(year), "--received", f"{year - 1}-11-12", "--amount", "6500")
            assert done.exit_code == 0, done.stderr
    assert run("check").exit_code == 0
    [path] = (tmp_path / "c").glob("*.json")
    return path


def _parsed_year(datadir, monkeypatch, year: int) -> list:
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        return store.load(datadir).where("subsidies", jaar=year)


def test_a_year_is_read_from_its_lines_only(subsidies, datadir, monkeypatch):
    entry = cache.get(datadir, cache.key(store.read_bytes(datadir)))
    section = entry.small.stored("subsidies.yaml")
    assert isinstance(section, cache.Section) and len(section) == 4
    assert sorted(section.column("jaar")) == [2025, 2025, 2026, 2026]
    asked = []
    plains = cache.Section.plains

    def spy(self, positions=None):
        asked.append(positions)
        return plains(self, positions)

    monkeypatch.setattr(cache.Section, "plains", spy)
    data = store.load(datadir)
    got = data.where("subsidies", jaar=2026)
    assert got == _parsed_year(datadir, monkeypatch, 2026) and {s.jaar for s in got} == {2026}
    assert len(asked) == 1 and len(asked[0]) == 2  # the two lines of 2026, not all four
    assert data.where("subsidies", jaar=2026, wijk="molenwijk") == [s for s in got if s.wijk == "molenwijk"]
    assert all(any(r is s for r in data.of("subsidies")) for s in got)  # built once: the same objects


def _section_bytes(path) -> tuple[dict, bytes, int]:
    """The header of a cache file, its bytes, and where the subsidies section starts."""
    raw = path.read_bytes()
    first = raw.index(b"\n") + 1
    header = json.loads(raw[first:raw.index(b"\n", first)])
    size = header["uitgesteld"]["subsidies.yaml"][0]
    return header, raw, len(raw) - size


@pytest.mark.parametrize("where", ["meta", "record"])
def test_a_damaged_section_means_a_normal_parse(where, subsidies, run, datadir, monkeypatch):
    expected = run("grants", "--year", "2026", "-o", "json")
    assert expected.exit_code == 0
    header, raw, start = _section_bytes(subsidies)
    at = start + 3 if where == "meta" else len(raw) - 5  # inside the meta line, or the last record's line
    damaged = raw[:at] + (b"7" if raw[at:at + 1] != b"7" else b"8") + raw[at + 1:]
    subsidies.write_bytes(damaged)
    assert cache.get(datadir, None) is not None  # the header still verifies: the damage is found on use
    for args in (["grants", "--year", "2026", "-o", "json"], ["grants", "-o", "json"]):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (0, ""), result.stderr
        if args[2] == "2026":
            assert result.stdout == expected.stdout
    assert subsidies.read_bytes() != damaged  # the entry went, and a good one took its place


def test_a_write_to_a_wijk_keeps_the_section_as_a_whole_parse_would(subsidies, run, datadir, monkeypatch, tmp_path):
    assert run("update", "molenwijk", "--email", "info@molenwijk.example.org").exit_code == 0
    entry = cache.get(datadir, cache.key(store.read_bytes(datadir)))
    kept = entry.small.stored("subsidies.yaml").stored()
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "fresh"))
    assert run("fmt", "--check").exit_code == 0  # parses, proves and remembers whole
    fresh = cache.get(datadir, cache.key(store.read_bytes(datadir)))
    assert fresh.small.stored("subsidies.yaml").stored() == kept


@pytest.mark.parametrize("args", [("--year", "2026"), ()])
def test_grants_json_kept_in_the_entry_is_printed_again_without_a_record(args, subsidies, run, datadir, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        uncached = run("grants", *args, "-o", "json")
    first = run("grants", *args, "-o", "json")  # makes each record's text and keeps it
    built = records_built(monkeypatch)
    again = run("grants", *args, "-o", "json")
    assert uncached.exit_code == first.exit_code == again.exit_code == 0
    assert first.stdout == again.stdout == uncached.stdout
    assert built == []  # printed from the texts the entry kept
    other = run("grants", "--year", "2025", "-o", "json")  # another year: made, and kept beside
    assert other.exit_code == 0 and json.loads(other.stdout) and {r["jaar"] for r in json.loads(other.stdout)} == {2025}
    assert run("grants", *args, "-o", "json").stdout == uncached.stdout


def test_a_write_keeps_the_texts_of_the_records_it_did_not_touch(subsidies, run, datadir, monkeypatch):
    assert run("grants", "--year", "2026", "-o", "json").exit_code == 0
    assert run("award", "molenwijk", "--year", "2026", "--on", "2025-12-15").exit_code == 0
    built = records_built(monkeypatch)
    after = run("grants", "--year", "2026", "-o", "json")
    record = next(r for r in json.loads(after.stdout) if r["wijk"] == "molenwijk")
    assert record["status"] == "verleend"  # the text of the record awarded is made anew
    assert len(set(built)) == 1  # only that one
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        assert run("grants", "--year", "2026", "-o", "json").stdout == after.stdout


def test_a_change_to_the_regeling_drops_every_kept_text(subsidies, run, datadir, monkeypatch):
    assert run("award", "molenwijk", "--year", "2026", "--on", "2025-12-15").exit_code == 0
    before = run("grants", "--year", "2026", "-o", "json")  # the next step's day unknown: no term
    assert run("regeling", "set", "--year", "2024", "--verantwoording-voor", "04-01").exit_code == 0
    after = run("grants", "--year", "2026", "-o", "json")
    record = next(r for r in json.loads(after.stdout) if r["wijk"] == "molenwijk")
    assert after.stdout != before.stdout and record["volgende_datum"] == "2027-04-01"
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        assert run("grants", "--year", "2026", "-o", "json").stdout == after.stdout


def test_damaged_kept_texts_mean_a_normal_answer(subsidies, run, datadir):
    expected = run("grants", "--year", "2026", "-o", "json")  # keeps the texts at the end of the entry
    raw = subsidies.read_bytes()
    at = len(raw) - 10
    subsidies.write_bytes(raw[:at] + (b"7" if raw[at:at + 1] != b"7" else b"8") + raw[at + 1:])
    result = run("grants", "--year", "2026", "-o", "json")
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", expected.stdout)
