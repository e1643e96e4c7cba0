"""The merge driver against the serial orders, for random pairs of command sequences.

Two clones of one base each run a short random sequence of real commands; the driver
merges them. For every pair: a clean merge passes `check` (and `--strict` where both
sides did), never keeps a kern member a side removed, never holds one person twice; where
both serial orders succeed and agree, a clean merge equals them, and a conflict there is
a false one unless the serial result breaks what both sides kept (a kern of 2 from two
removals). Sides and serial runs are memoised, so an example costs a few commands.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkctl import model
from wijkctl.merge import merge_text
from wijkctl.validate import validate
from wijkctl.yamlio import load_text

from .conftest import BASE, Run, copy_data

W = "wijken.yaml"
FOUR = ("-m", "Anna <a@x.nl>", "-m", "Bram <b@x.nl> 0612345678", "-m", "Cor <c@x.nl>", "-m", "Dewi <d@x.nl>")
THREE = ("-m", "Gijs <g@x.nl>", "-m", "Hans <h@x.nl>", "-m", "Ilse <i@x.nl>")
COMMANDS: list[tuple[str, ...]] = [
    ("update", "molenwijk", "--email", "info@molenwijk.nl"),
    ("update", "molenwijk", "--email", "post@molenwijk.nl"),
    ("update", "molenwijk", "--add-member", "Eva <e@x.nl>"),
    ("update", "molenwijk", "--add-member", "eva <eva@y.nl>"),
    ("update", "molenwijk", "--remove-member", "Anna"),
    ("update", "molenwijk", "--remove-member", "b@x.nl"),
    ("update", "molenwijk", "--change-member", "Cor", "Cor <cor@y.nl>"),
    ("update", "molenwijk", "--change-member", "c@x.nl", "Cor Mulder <c@x.nl>"),
    ("update", "molenwijk", "--change-member", "Bram", "Bram <b@x.nl> 0687654321"),
    ("update", "molenwijk", "--name", "Wijkplatform Molenwijk"),
    ("end", "molenwijk", "--on", "2030-01-01"),
    ("update", "meerwijk", "--remove-member", "Dewi"),
    ("update", "meerwijk", "--add-member", "Fenna <f@x.nl>"),
    ("register", "europawijk", "--name", "P", "--from", "2025-01-01", *THREE),
    ("register", "europawijk", "--name", "P", "--from", "2025-01-01", *THREE[:4], "-m", "Joop <j@x.nl>"),
]


class Clones:
    """Data directories made by running command sequences on one base, memoised."""

    def __init__(self, root: Path):
        self.root = root
        self.base = copy_data(BASE, root)
        for wijk in ("molenwijk", "meerwijk"):
            assert Run(self.base)("register", wijk, "--name", f"P {wijk}", "--from", "2024-01-01", *FOUR).exit_code == 0
        self.made: dict[tuple[int, ...], tuple[Path, bool]] = {(): (self.base, True)}

    def after(self, seq: tuple[int, ...]) -> tuple[Path, bool]:
        """The folder after running `seq` (indices into COMMANDS) on the base, and whether
        every command succeeded (exit 0)."""
        if seq not in self.made:
            before, ok = self.after(seq[:-1])
            folder = self.root / f"s{len(self.made)}"
            shutil.copytree(before, folder)
            done = Run(folder)(*COMMANDS[seq[-1]])
            assert done.exit_code in (0, 3, 4), (COMMANDS[seq[-1]], done.stderr)  # never a crash
            self.made[seq] = (folder, ok and done.exit_code == 0)
        return self.made[seq]


def _records(text: str) -> list:
    loaded = load_text(W, text)
    assert not loaded.problems, loaded.problems
    return loaded.records


def _problems(records: list, folder: Path) -> tuple[bool, bool]:
    """(no error, no warning) of these wijken with the base's other files."""
    others = {"gebieden": load_text("verbinders.yaml", (folder / "verbinders.yaml").read_text()).records,
              "regelingen": load_text("subsidieregeling.yaml",
                                      (folder / "subsidieregeling.yaml").read_text()).records}
    found = validate(model.Dataset(records, others["gebieden"], others["regelingen"]))
    return not any(p.ernst == "fout" for p in found), not found


def _members(records: list) -> set[tuple[str, str, str]]:
    return {(w.code, o.id, model.identity(model.KernLid, m)) for w in records for o in w.organisaties for m in o.kern}


def _most_per_email(records: list) -> Counter:
    out: Counter = Counter()
    for w in records:
        for o in w.organisaties:
            for email, n in Counter(m.email for m in o.kern if m.email).items():
                out[(w.code, o.id, email)] = max(out[(w.code, o.id, email)], n)
    return out


def _check_pair(clones: Clones, sa: tuple[int, ...], sb: tuple[int, ...]) -> str:
    base_text = (clones.base / W).read_text(encoding="utf-8")
    (fa, _oka), (fb, _okb) = clones.after(sa), clones.after(sb)
    ta, tb = (fa / W).read_text(encoding="utf-8"), (fb / W).read_text(encoding="utf-8")
    result = merge_text(W, base_text, ta, tb, {})
    (fab, okab), (fba, okba) = clones.after(sa + sb), clones.after(sb + sa)
    serial = [(f / W).read_text(encoding="utf-8") for f in (fab, fba)]
    commute = okab and okba and _records(serial[0]) == _records(serial[1])
    recs_o, recs_a, recs_b = _records(base_text), _records(ta), _records(tb)
    strict_sides = all(_problems(r, clones.base)[1] for r in (recs_a, recs_b))
    if not result.clean:
        if commute:
            ok, quiet = _problems(_records(serial[0]), clones.base)
            assert not ok or (strict_sides and not quiet), ("false conflict", result.conflicts)
        return "conflict"
    merged = _records(result.text)
    ok, quiet = _problems(merged, clones.base)
    assert ok and (quiet or not strict_sides), "a clean merge that check refuses"
    if commute:
        assert merged == _records(serial[0]), "a clean merge unlike the serial result"
    removed = (_members(recs_o) - _members(recs_a)) | (_members(recs_o) - _members(recs_b))
    assert not removed & _members(merged), "a removal lost"
    most = _most_per_email(recs_o) | _most_per_email(recs_a) | _most_per_email(recs_b)
    assert all(n <= most[k] for k, n in _most_per_email(merged).items()), "one person twice"
    return "clean"


@pytest.fixture(scope="module")
def clones(tmp_path_factory) -> Clones:
    return Clones(tmp_path_factory.mktemp("clones"))


sequences = st.lists(st.integers(0, len(COMMANDS) - 1), min_size=1, max_size=2).map(tuple)


@pytest.mark.slow
def test_random_pairs_merge_as_a_serial_order_or_conflict(clones):
    seen: Counter = Counter()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(sequences, sequences)
    def pair(sa, sb):
        seen[_check_pair(clones, sa, sb)] += 1

    pair()
    assert seen["clean"] and seen["conflict"]  # both kinds were tried


@pytest.mark.parametrize("sa, sb", [((4,), (5,)), ((2,), (3,)), ((6,), (7,)), ((10,), (0,)), ((13,), (14,)),
                                    ((4,), (4,)), ((7,), (5,)), ((9,), (4, 5)), ((8,), (8,)),
                                    ((10, 0), (10,)), ((4, 5), (4,))])
def test_chosen_pairs(clones, sa, sb):
    _check_pair(clones, sa, sb)
