"""Random sequences of commands through the CLI, each write starting from the cache the
previous one left: every write is spliced and validated for the change only, and must be
what writing everything would give (`WIJKCTL_CHECK_WRITES=1`, set for every test, also
dumps and validates everything beside it and refuses when they differ). After each
command the cache gives what parsing gives; a refused command leaves every byte."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkctl import store, yamlio

from .cbsfixture import kerncijfers

WIJKEN = ["molenwijk", "meerwijk", "europawijk", "oude-stad"]
DAYS = ["2024-01-01", "2025-01-01", "2025-07-01", "2026-01-01"]

commands = st.lists(st.one_of(
    st.tuples(st.just("register"), st.sampled_from(WIJKEN), st.sampled_from(DAYS)),
    st.tuples(st.just("wijkraad"), st.sampled_from(WIJKEN), st.none()),
    st.tuples(st.just("email"), st.sampled_from(WIJKEN), st.none()),
    st.tuples(st.just("add"), st.sampled_from(WIJKEN), st.none()),
    st.tuples(st.just("remove"), st.sampled_from(WIJKEN), st.none()),
    st.tuples(st.just("end"), st.sampled_from(WIJKEN), st.sampled_from(DAYS)),
    st.tuples(st.just("unregister"), st.sampled_from(WIJKEN), st.none()),
    st.tuples(st.just("verbinder"), st.sampled_from(["schalkwijk", "centrum"]), st.none()),
    st.tuples(st.just("import"), st.none(), st.none()),
), min_size=1, max_size=8)


def _argv(step: tuple[str, str | None, str | None], n: int, csv: str) -> list[str]:
    op, wijk, day = step
    members = ["-m", f"Anna <anna{n}@example.org>", "-m", f"Bram <bram{n}@example.org>", "-m", "Cor <cor@example.org>"]
    return {
        "register": ["register", wijk, "--name", f"Platform {n}", "--from", day, *members],
        "wijkraad": ["register", wijk, "--wijkraad", "--name", f"Wijkraad {n}", "--from", "onbekend"],
        "email": ["update", wijk, "--email", f"info{n}@example.org"],
        "add": ["update", wijk, "--add-member", f"Lid {n} <lid{n}@example.org>"],
        "remove": ["update", wijk, "--remove-member", "Anna"],
        "end": ["end", wijk, "--on", day],
        "unregister": ["unregister", wijk, "--reason", "Per vergissing"],
        "verbinder": ["set-verbinder", wijk, "--name", f"Verbinder {n}", "--email", f"v{n}@haarlem.nl"],
        "import": ["import-cbs", csv, "--year", "2024"],
    }[op]  # type: ignore[return-value]


def _bytes(datadir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(datadir.iterdir())}


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands)
def test_any_sequence_of_commands_writes_what_writing_everything_writes(run, datadir, tmp_path, steps):
    start = _bytes(datadir)
    # two platforms to begin with, so that updates, ends and removals have something to act on
    steps = [("register", "molenwijk", "2025-01-01"), ("register", "meerwijk", "2024-01-01"), *steps]
    for n, step in enumerate(steps):
        csv = tmp_path / f"kwb{n}.csv"
        csv.write_text(kerncijfers(2024, [("Wijk", code, 1000 + n * 7, 500 + n, "40,5", 20 + n)
                                          for code in ("WK039220", "WK039221", "WK039201")]), encoding="utf-8")
        before = _bytes(datadir)
        result = run(*_argv(step, n, str(csv)))
        if result.exit_code != 0:
            assert result.exit_code in (2, 3, 4), (step, result.exit_code, result.stderr)
            assert _bytes(datadir) == before, step  # a refusal leaves every byte
            continue
        parsed = store.snapshot(datadir).require_valid()
        assert store.load(datadir) == parsed, step  # the cache the write left is the data written
        for name, text in ((p.name, p.read_text()) for p in datadir.iterdir() if p.suffix == ".yaml"):
            assert yamlio.dump_loaded(yamlio.load_text(name, text)) == text, (step, name)
    for name, raw in start.items():  # the next example starts from the same files
        (datadir / name).write_bytes(raw)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands)
def test_any_sequence_gives_the_same_with_and_without_the_cache(tmp_path_factory, monkeypatch, steps):
    """Cached ≡ uncached on the production path (no WIJKCTL_CHECK_WRITES): exit code,
    stdout and files after every command of a random sequence."""
    from .conftest import BASE, Run, copy_data

    monkeypatch.delenv("WIJKCTL_CHECK_WRITES", raising=False)
    work = tmp_path_factory.mktemp("seq")
    steps = [("register", "molenwijk", "2025-01-01"), *steps]
    seen = {}
    for label, cache_dir in (("cached", str(work / "cache")), ("uncached", "off")):
        monkeypatch.setenv("WIJKCTL_CACHE_DIR", cache_dir)
        (work / label).mkdir()
        data = copy_data(BASE, work / label)
        run = Run(data)
        seen[label] = []
        for n, step in enumerate(steps):
            csv = work / label / f"kwb{n}.csv"
            csv.write_text(kerncijfers(2024, [("Wijk", "WK039220", 1000 + n, 500 + n, "40,5", 20 + n)]),
                           encoding="utf-8")
            result = run(*_argv(step, n, str(csv)))
            listed = run("list", "-o", "json")  # a read after each step, from the cache the step left
            seen[label].append((step, result.exit_code, result.stdout, listed.stdout,
                                {k: v for k, v in _bytes(data).items() if k.endswith(".yaml")}))
    assert list((work / "cache").glob("*.json"))  # the cache was used
    for one, other in zip(seen["cached"], seen["uncached"], strict=True):
        assert one == other, one[0]
