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


# The map by command (CONTRACT §9) on a base where Europawijk has the buurten Noord and Zuid
# (with their CBS codes, by which the driver follows a rename),
# a platform on Noord, and an empty gebied Zuidoost: renames, moves and removals on one side
# while organisations, buurten and gebieden change on the other.
MAP_SETUP: list[tuple[str, ...]] = [
    ("add-buurt", "europawijk", "--name", "Noord", "--cbs-code", "BU03921801"),
    ("add-buurt", "europawijk", "--name", "Zuid", "--cbs-code", "BU03921802"),
    ("register", "europawijk", "--name", "P europawijk", "--from", "2024-01-01", "--buurt", "Noord", *FOUR),
    ("add-gebied", "zuidoost", "--name", "Zuidoost"),
]
MAP_COMMANDS: list[tuple[str, ...]] = [
    ("rename", "europawijk", "--buurt", "Noord", "--name", "Europawijk-Noord"),
    ("update", "europawijk", "--buurt", "Noord", "--buurt", "Zuid"),
    ("update", "europawijk", "--buurt", "Zuid"),
    ("rename", "europawijk", "--name", "Europa"),
    ("move-wijk", "europawijk", "--gebied", "zuidoost"),
    ("move-wijk", "europawijk", "--gebied", "oost"),
    ("remove-gebied", "zuidoost"),
    ("register", "europawijk", "--name", "Q", "--from", "2025-01-01", "--buurt", "Zuid", *THREE),
    ("register", "molenwijk", "--name", "R", "--from", "2025-01-01", *THREE),
    ("add-buurt", "europawijk", "--name", "Oost", "--cbs-code", "BU03921803"),
    ("remove-buurt", "europawijk", "--buurt", "Zuid"),
    ("add-wijk", "dietsveld", "--name", "Dietsveld", "--gebied", "noord"),
    ("add-wijk", "dietsveld", "--name", "Dietsveld", "--gebied", "zuidoost"),
    ("add-gebied", "noordoost", "--name", "Noordoost"),
    ("set-verbinder", "zuidoost", "--name", "Sam", "--email", "sam@x.nl"),
    ("rename", "europawijk", "--buurt", "Zuid", "--name", "Europawijk-Zuid"),
]
MERGED = ("verbinders.yaml", W)  # the files the commands change; subsidieregeling.yaml stays the base's


class Clones:
    """Data directories made by running command sequences on one base, memoised."""

    def __init__(self, root: Path, commands: list[tuple[str, ...]] = COMMANDS, setup: tuple = (), codes=(0, 3, 4)):
        self.root, self.commands, self.codes = root, commands, codes
        self.base = copy_data(BASE, root)
        for wijk in ("molenwijk", "meerwijk"):
            assert Run(self.base)("register", wijk, "--name", f"P {wijk}", "--from", "2024-01-01", *FOUR).exit_code == 0
        for args in setup:
            assert Run(self.base)(*args).exit_code == 0, args
        self.made: dict[tuple[int, ...], tuple[Path, bool]] = {(): (self.base, True)}

    def after(self, seq: tuple[int, ...]) -> tuple[Path, bool]:
        """The folder after running `seq` (indices into the commands) on the base, and
        whether every command succeeded (exit 0)."""
        if seq not in self.made:
            before, ok = self.after(seq[:-1])
            folder = self.root / f"s{len(self.made)}"
            shutil.copytree(before, folder)
            done = Run(folder)(*self.commands[seq[-1]])
            assert done.exit_code in self.codes, (self.commands[seq[-1]], done.stderr)  # never a crash
            self.made[seq] = (folder, ok and done.exit_code == 0)
        return self.made[seq]


def _texts(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in (*MERGED, "subsidieregeling.yaml")}


def _parts(texts: dict[str, str]) -> dict[str, list]:
    """The records of every file, by Dataset attribute."""
    out: dict[str, list] = {}
    for name, text in texts.items():
        loaded = load_text(name, text)
        assert not loaded.problems, loaded.problems
        out.update(loaded.parts(name))
    return out


def _records(text: str) -> list:
    loaded = load_text(W, text)
    assert not loaded.problems, loaded.problems
    return loaded.records


def _problems(parts: dict[str, list]) -> tuple[bool, bool]:
    """(no error, no warning) of the data these records make."""
    found = validate(model.Dataset(**parts))
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


def _merge(o: dict[str, str], a: dict[str, str], b: dict[str, str], order: tuple[str, ...]) -> tuple[dict, bool, bool]:
    """Git's merge of every file, one at a time in `order`, into a work tree that starts as
    ours: a file changed on one side only is taken as it is (git calls no driver for it);
    one changed on both goes through the driver, which reads the other files from the work
    tree. (the merged texts, whether every driver was clean, whether a file was taken whole)."""
    work, clean, taken = dict(a), True, False
    for name in order:
        if a[name] == o[name] or b[name] == o[name]:
            work[name] = b[name] if a[name] == o[name] else a[name]
            taken = taken or a[name] != b[name]
            continue
        others = _parts({n: t for n, t in work.items() if n != name})
        result = merge_text(name, o[name], a[name], b[name], others)
        clean = clean and result.clean
        work[name] = result.text
    return work, clean, taken


def _check_pair(clones: Clones, sa: tuple[int, ...], sb: tuple[int, ...], order: tuple[str, ...] = MERGED) -> str:
    o = _texts(clones.base)
    (fa, _oka), (fb, _okb) = clones.after(sa), clones.after(sb)
    a, b = _texts(fa), _texts(fb)
    merged, clean, taken = _merge(o, a, b, order)
    (fab, okab), (fba, okba) = clones.after(sa + sb), clones.after(sb + sa)
    serial = [_parts(_texts(f)) for f in (fab, fba)]
    commute = okab and okba and serial[0] == serial[1]
    strict_sides = all(_problems(_parts(side))[1] for side in (a, b))
    if not clean:
        if commute:
            ok, quiet = _problems(serial[0])
            assert not ok or (strict_sides and not quiet), "false conflict"
        return "conflict"
    parts = _parts(merged)
    if commute:
        assert parts == serial[0], "a clean merge unlike the serial result"
    ok, quiet = _problems(parts)
    if not ok or not (quiet or not strict_sides):
        # only where git took a file whole from one side (no driver saw both) may the result
        # break a rule across files: the pre-merge-commit gate (`check --strict`) refuses it
        assert taken, "a clean merge that check refuses"
        return "gate"
    recs_o, recs_a, recs_b, recs = (_records(t[W]) for t in (o, a, b, merged))
    removed = (_members(recs_o) - _members(recs_a)) | (_members(recs_o) - _members(recs_b))
    assert not removed & _members(recs), "a removal lost"
    most = _most_per_email(recs_o) | _most_per_email(recs_a) | _most_per_email(recs_b)
    assert all(n <= most[k] for k, n in _most_per_email(recs).items()), "one person twice"
    return "clean"


@pytest.fixture(scope="module")
def clones(tmp_path_factory) -> Clones:
    return Clones(tmp_path_factory.mktemp("clones"))


sequences = st.lists(st.integers(0, len(COMMANDS) - 1), min_size=1, max_size=2).map(tuple)


@pytest.mark.slow
def test_random_pairs_merge_as_a_serial_order_or_conflict(clones):
    seen: Counter = Counter()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
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


@pytest.fixture(scope="module")
def map_clones(tmp_path_factory) -> Clones:
    # 2: a buurt that a command on one side renamed or removed is unknown in a serial order
    return Clones(tmp_path_factory.mktemp("map"), MAP_COMMANDS, tuple(MAP_SETUP), codes=(0, 2, 3, 4))


map_sequences = st.lists(st.integers(0, len(MAP_COMMANDS) - 1), min_size=1, max_size=2).map(tuple)


@pytest.mark.slow
def test_random_map_pairs_merge_as_a_serial_order_or_conflict(map_clones):
    seen: Counter = Counter()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
    @given(map_sequences, map_sequences, st.sampled_from([MERGED, MERGED[::-1]]))
    def pair(sa, sb, order):
        seen[_check_pair(map_clones, sa, sb, order)] += 1

    pair()
    assert seen["clean"] and seen["conflict"]  # both kinds were tried


@pytest.mark.parametrize("sa, sb, expect", [
    ((0,), (1,), "clean"),      # a buurt renamed while the platform's buurten change: the rename followed
    ((0,), (2,), "clean"),      # renamed on one side, dropped from the buurten on the other
    ((0,), (7,), "clean"),      # renamed while a platform is registered on the other buurt
    ((15,), (7,), "clean"),     # the buurt a new platform names is renamed on the other side: it follows
    ((10,), (7,), "conflict"),  # removed while a new platform names it
    ((0,), (3,), "clean"),      # a buurt and its wijk renamed on either side
    ((4,), (8,), "clean"),      # a wijk moved while a platform is registered elsewhere
    ((4,), (7,), "clean"),      # a wijk moved while a platform is registered in it
    ((4,), (5,), "conflict"),   # moved to two gebieden
    ((4,), (6,), "gate"),       # moved into a gebied the other side removed: each file changed on one side
    ((11,), (12,), "conflict"),  # the same new wijk in two gebieden
    ((11,), (11,), "clean"),    # the same new wijk on both sides
    ((13,), (14,), "clean"),    # a gebied added while another gets a verbinder
    ((9,), (15,), "clean"),     # a buurt added while another is renamed
    ((0,), (0, 2), "clean"),    # the same rename on both sides, one also changing the buurten
])
def test_chosen_map_pairs(map_clones, sa, sb, expect):
    for order in (MERGED, MERGED[::-1]):
        assert _check_pair(map_clones, sa, sb, order) == expect
        assert _check_pair(map_clones, sb, sa, order) == expect
