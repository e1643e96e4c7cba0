"""`check`'s notes (a wijkplatform whose kern is not recorded) from the cache's index: the
same as from parsing everything, on every day, and never from an edited entry."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from wijkctl import cache, store, text, validate, yamlio
from wijkctl.index import ZONDER_KERN, Index

from .conftest import BUNDLED, FILES, Run

# Wijkplatform Molenwijk (from 2024-02-20, no kern) ends on ENDS; Wijkraad Molenwijk
# (no kern, ended) is never noted, nor is a wijkraad without a kern that lasts
ENDS = "2026-09-01"
DAYS = ["2024-01-01", "2024-02-20", "2026-08-31", ENDS, "2030-01-01"]


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """The bundled data (two platforms without a kern), one of them ending on ENDS, made
    canonical by `fmt` (which leaves the cache knowing it)."""
    data = tmp_path / "data"
    data.mkdir()
    for name in FILES:
        shutil.copy(BUNDLED / name, data / name)
    path = data / "wijken.yaml"
    old = "    naam: Wijkplatform Molenwijk\n    van: 2024-02-20\n"
    raw = path.read_text(encoding="utf-8")
    assert old in raw
    path.write_text(raw.replace(old, f"{old}    tot: {ENDS}\n    reden_einde: opgeheven\n"), encoding="utf-8")
    assert Run(data)("fmt").exit_code == 0
    return data


def _pinned(monkeypatch, day: str) -> None:
    monkeypatch.setattr(text, "today", lambda: dt.date.fromisoformat(day))


def _no_parsing(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("check parsed the YAML")

    monkeypatch.setattr(yamlio, "load_text", refuse)


@pytest.mark.parametrize("check_writes", ["1", "0"], ids=["check-writes", "production"])
@pytest.mark.parametrize("day", DAYS)
def test_the_notes_from_the_cache_are_those_of_parsing_everything(bundled, day, check_writes, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    _pinned(monkeypatch, day)
    run = Run(bundled)
    for args in (("check", "-o", "json"), ("check", "--strict"), ("check",)):
        uncached = run(*args, env={"WIJKCTL_CACHE_DIR": "off"})
        with monkeypatch.context() as m:
            _no_parsing(m)
            cached = run(*args)
        assert uncached.exit_code == 0, args
        assert (cached.exit_code, cached.stdout, cached.stderr) == (0, uncached.stdout, uncached.stderr), args
    noted = [n["organisatie"] for n in json.loads(run("check", "-o", "json").stdout)["opmerkingen"]]
    assert noted == ["wijkplatform-binnenstad", *(["wijkplatform-molenwijk"] if day < ENDS else [])]


def test_the_column_holds_the_organisations_without_a_kern(bundled):
    raw = store.read_bytes(bundled)
    entry = cache.get(bundled, cache.key(raw))
    assert entry is not None and entry.canonical >= set(store.DATA_FILES)
    data = store.dataset(entry)
    parsed = store.snapshot(bundled, raw=raw).data
    assert entry.index.column(ZONDER_KERN) == Index.of(parsed.wijken).column(ZONDER_KERN)
    assert not data.built  # read from the column: no wijk built
    for day in map(dt.date.fromisoformat, DAYS):
        from_cache = list(validate.kern_niet_vastgelegd(data, day))
        assert from_cache == list(validate.kern_niet_vastgelegd(parsed, day))
    assert not data.built
    wijkraden = [row for rows in entry.index.column(ZONDER_KERN) for row in rows if row[1] == "wijkraad"]
    assert wijkraden  # kept, never noted: the rule, not the column, knows what is noted


@pytest.mark.parametrize("check_writes", ["1", "0"], ids=["check-writes", "production"])
def test_a_note_edited_in_the_cache_is_never_served(bundled, check_writes, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    run = Run(bundled)
    expected = run("check", "-o", "json", env={"WIJKCTL_CACHE_DIR": "off"})
    [path] = Path(str(cache._cache_dir(bundled))).glob("*.json")
    lines = path.read_bytes().split(b"\n")
    # the column of organisations without a kern: the header line's columns follow it
    at = 2 + ZONDER_KERN
    assert b'"Wijkplatform Molenwijk"' in lines[at]
    lines[at] = lines[at].replace(b'"Wijkplatform Molenwijk"', b'"Wijkplatform Xolenwijk"')
    path.write_bytes(b"\n".join(lines))
    result = run("check", "-o", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, expected.stderr)
    assert "Xolenwijk" not in result.stdout
