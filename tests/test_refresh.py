"""After the files changed outside wijkctl (a git pull, a hand edit), the cache is made
anew from the previous one, parsing only the wijken whose lines changed; anything it
cannot vouch for is parsed whole, so a refusal still names its line."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkctl import cache, store, yamlio
from wijkctl.errors import InvalidData

from .conftest import MEMBERS


def _warm(run, datadir) -> None:
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    assert store.cached(datadir)[1] is not None


def _edit(datadir, old: str, new: str, name: str = "wijken.yaml") -> None:
    path = datadir / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_changed_wijk_is_the_only_one_parsed(run, datadir, monkeypatch):
    _warm(run, datadir)
    _edit(datadir, "email: anna@example.org", "email: nieuw@example.org")
    parsed: list[int] = []
    real = yamlio.load_text

    def counting(name, text):
        parsed.append(text.count("\n- code: "))
        return real(name, text)

    monkeypatch.setattr(yamlio, "load_text", counting)
    monkeypatch.delenv("WIJKCTL_CHECK_WRITES")  # which would parse everything beside it
    result = run("show", "molenwijk", "-o", "json", "--contact")
    assert result.exit_code == 0 and "nieuw@example.org" in result.stdout
    assert parsed == [1]  # the one wijk whose lines changed, nothing else
    monkeypatch.setattr(yamlio, "load_text", real)
    assert store.load(datadir) == store.snapshot(datadir).require_valid()
    # and the refreshed entry serves a write: it is known canonical
    snap, entry = store.snapshot_for_write(datadir)
    assert entry is not None and snap.data.lazy
    assert run("update", "molenwijk", "--email", "daarna@example.org").exit_code == 0
    assert run("check", "--strict").exit_code == 0 and run("fmt", "--check").exit_code == 0


@pytest.mark.parametrize(("old", "new", "melding"), [
    ("naam: Meerwijk\n", "naam: Molenwijk\n", "komt al voor"),  # a name another wijk holds
    ("gebied: schalkwijk\n", "gebied: nergens\n", "bestaat niet"),
    ("cbs_code: WK039221\n", "cbs_code: WK03922\n", "cbs_code"),
])
def test_a_hand_edit_that_breaks_a_rule_is_refused_with_its_line(run, datadir, old, new, melding):
    _warm(run, datadir)
    _edit(datadir, old, new)
    result = run("list")
    assert result.exit_code == 5
    check = run("check")
    assert check.exit_code == 5 and melding in check.stdout and "wijken.yaml:" in check.stdout


def test_a_changed_gebied_file_is_validated_with_every_wijk(run, datadir):
    _warm(run, datadir)
    _edit(datadir, "code: schalkwijk\n", "code: schalkwijk-oost\n", "verbinders.yaml")
    assert run("check").exit_code == 5  # the wijken of Schalkwijk name a gebied that is gone


def test_a_hand_edit_that_is_not_canonical_is_parsed_whole(run, datadir):
    _warm(run, datadir)
    _edit(datadir, "naam: Meerwijk\n", "naam: 'Meerwijk'\n")
    assert run("verbinder", "meerwijk").exit_code == 0
    assert run("fmt", "--check").exit_code != 0  # not proven canonical by the refresh
    refused = run("update", "molenwijk", "--email", "x@example.org")
    assert refused.exit_code == 5 and "vaste vorm" in refused.stderr


_COUNTER = itertools.count()


def _texts(datadir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in datadir.iterdir() if p.suffix == ".yaml"}


# hand edits of the canonical text: swap two wijken, drop one, copy one, change a value
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["swap", "drop", "copy", "value", "name"]), st.integers(0, 20),
                          st.integers(0, 20)), min_size=1, max_size=3))
def test_a_refreshed_cache_gives_what_parsing_gives(run, datadir, edits):
    if "Wijkplatform Molenwijk" not in (datadir / "wijken.yaml").read_text():  # the first example
        _warm(run, datadir)
    else:  # a write proves the files canonical again and leaves the cache the edits start from
        assert run("update", "molenwijk", "--email", f"w{next(_COUNTER)}@example.org").exit_code == 0
    warm = _texts(datadir)
    assert store.cached(datadir)[1] is not None
    path = datadir / "wijken.yaml"
    head, chunks = yamlio.split_records(path.read_text())
    for kind, a, b in edits:
        a, b = a % len(chunks), b % len(chunks)
        if kind == "swap":
            chunks[a], chunks[b] = chunks[b], chunks[a]
        elif kind == "drop" and len(chunks) > 1:
            del chunks[a]
        elif kind == "copy":
            chunks.insert(b, chunks[a])
        elif kind == "value":
            chunks[a] = chunks[a].replace("  gebied: ", "  opmerking: Hier.\n  gebied: ", 1)
        elif kind == "name":
            lines = chunks[b].split("\n")
            lines[1] = chunks[a].split("\n")[1]  # the naam of another wijk
            chunks[b] = "\n".join(lines)
    chunks = [c if c.endswith("\n") else c + "\n" for c in chunks]  # the last one may have moved
    path.write_text(head + "".join(chunks))
    try:
        parsed = store.snapshot(datadir).require_valid()
    except InvalidData:
        parsed = None
    try:
        loaded = store.load(datadir)  # through the refreshed cache, when it can
    except InvalidData:
        loaded = None
    assert (loaded is None) == (parsed is None)
    if loaded is not None:
        assert loaded == parsed
    for name, raw in warm.items():  # back to the warm state for the next example
        (datadir / name).write_bytes(raw)


def test_an_entry_of_other_code_is_not_refreshed(run, datadir, monkeypatch):
    from wijkctl.refresh import refresh

    _warm(run, datadir)
    _edit(datadir, "email: anna@example.org", "email: nieuw@example.org")
    with monkeypatch.context() as patched:
        patched.setattr(cache, "_CODE_KEY", ["another version of wijkctl"])
        assert refresh(datadir, store.read_bytes(datadir)) is None
    assert refresh(datadir, store.read_bytes(datadir)) is not None
