"""The files' status in a cache entry (`cache.stamp`): a read that finds every file as it was
when the entry was proven to hold its bytes hashes nothing; any change to a file, even one
that keeps its size and modification time, is seen."""

from __future__ import annotations

import os
import time

import pytest

from wijkctl import cache, store


@pytest.fixture
def stamped(run, datadir, tmp_path, monkeypatch):
    """A warm entry that knows the files' status (no tick to wait: `RACY_NS` 0), read as in
    production (`WIJKCTL_CHECK_WRITES` hashes anyway, to compare)."""
    monkeypatch.delenv("WIJKCTL_CHECK_WRITES", raising=False)
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    first = run("show", "molenwijk", "-o", "json")
    assert first.exit_code == 0
    assert run("show", "molenwijk", "-o", "json").stdout == first.stdout  # hashes, finds it equal, stamps
    entry = cache.get(datadir, None)
    assert entry is not None and entry.signatures is not None
    return first.stdout


def _no_hashing(monkeypatch):

    def key(*args, **kwargs):
        raise AssertionError("hashed the files")

    monkeypatch.setattr(cache, "key", key)
    monkeypatch.setattr(cache, "file_keys", key)
    monkeypatch.setattr(cache, "text_key", key)


def test_files_as_they_were_are_not_hashed(stamped, run, monkeypatch):
    _no_hashing(monkeypatch)
    result = run("show", "molenwijk", "-o", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, stamped, "")


def _same_size_same_time(path, old: bytes, new: bytes) -> None:
    """Change `old` to `new` (as long) in `path` in place, its modification time kept."""
    assert len(old) == len(new)
    info = os.stat(path)
    text = path.read_bytes()
    assert old in text
    with open(path, "r+b") as handle:
        handle.write(text.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == info.st_mtime_ns and os.stat(path).st_size == info.st_size


def test_a_change_that_keeps_size_and_time_is_seen(stamped, run, datadir):
    _same_size_same_time(datadir / "wijken.yaml", b"naam: Molenwijk\n", b"naam: Molenwijq\n")
    result = run("show", "molenwijk", "-o", "json")
    assert result.exit_code == 0 and "Molenwijq" in result.stdout


def test_a_replaced_file_with_the_same_times_is_seen(stamped, run, datadir):
    path = datadir / "wijken.yaml"
    info = os.stat(path)
    other = datadir / "nieuw.tmp"
    other.write_bytes(path.read_bytes().replace(b"naam: Molenwijk\n", b"naam: Molenwijq\n", 1))
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(other, path)
    result = run("show", "molenwijk", "-o", "json")
    assert result.exit_code == 0 and "Molenwijq" in result.stdout


def test_an_optional_file_that_appears_is_seen(stamped, run, datadir, monkeypatch):
    assert not (datadir / "subsidies.yaml").exists()
    (datadir / "subsidies.yaml").write_text("versie: 1\nsubsidies: [\n")  # broken: must be refused, not hidden
    assert run("check").exit_code == 5


def test_files_changed_just_now_are_not_stamped(run, datadir, tmp_path, monkeypatch):
    """Within a tick of a file's clock a change may keep its time stamps: such a file's
    status is not remembered, and every read hashes it."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    os.utime(datadir / "wijken.yaml")  # now
    for _ in range(2):
        assert run("show", "molenwijk").exit_code == 0
    assert cache.get(datadir, None).signatures is None


def test_cached_reads_equal_a_parse_after_stamping(stamped, run, datadir, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv("WIJKCTL_CACHE_DIR", "off")
        parsed = store.load(datadir)
    assert store.load(datadir) == parsed


def test_the_debug_check_finds_an_entry_whose_status_lies(stamped, run, datadir, monkeypatch):
    """`WIJKCTL_CHECK_WRITES=1` hashes even files whose status is as stamped, and says so
    when the bytes differ: a stamp for other bytes (here forged) is a fault of this code."""
    _same_size_same_time(datadir / "wijken.yaml", b"naam: Molenwijk\n", b"naam: Molenwijq\n")
    seen: dict = {}
    store.read_bytes(datadir, seen)
    cache.stamp(datadir, cache.get(datadir, None), cache.signatures(seen), time.time_ns())
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", "1")
    result = run("show", "molenwijk")
    assert result.exit_code == 1 and "Interne fout" in result.stderr


def test_a_stamp_never_replaces_an_entry_stored_meanwhile(stamped, run, datadir):
    """A reader that stamps the entry it read leaves a newer one (a writer's) in place."""
    old = cache.get(datadir, None)
    assert run("set-verbinder", "schalkwijk", "--name", "Sam Verbinder", "--email", "sam@haarlem.nl").exit_code == 0
    newer = old.path.read_bytes()
    seen: dict = {}
    store.read_bytes(datadir, seen)
    cache.stamp(datadir, old, cache.signatures(seen), time.time_ns())
    assert old.path.read_bytes() == newer


def test_one_run_stamps_the_entry_and_keeps_its_texts(run, datadir, tmp_path, monkeypatch):
    """The first read of a fresh entry stamps it and keeps grants' texts in it: the two
    changes to the entry's file in one run build on each other (neither undoes the other)."""
    from .conftest import MEMBERS

    monkeypatch.delenv("WIJKCTL_CHECK_WRITES", raising=False)
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert run("register", "molenwijk", "--name", "P", "--from", "2024-01-01", *MEMBERS).exit_code == 0
    assert run("apply", "molenwijk", "--year", "2026", "--received", "2025-11-12").exit_code == 0
    first = run("grants", "--year", "2026", "-o", "json")  # hashes (just written), stamps, keeps the texts
    entry = cache.get(datadir, None)
    assert first.exit_code == 0 and entry.signatures is not None and "grants-json" in entry.rendered
    _no_hashing(monkeypatch)
    assert run("grants", "--year", "2026", "-o", "json").stdout == first.stdout
