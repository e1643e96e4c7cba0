"""The cache as one wing: never a source of truth, and never a different answer.

Every command gives the same exit code, stdout and files with the cache (run twice, so
the second is served from it) as without it (`WIJKCTL_CACHE_DIR=off`); a value edited
in the cache directory is never served nor written into the data files; the rules'
declared scopes (`validate.RULES`) drive every path that validates only a change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wijkctl import cache, validate
from wijkctl.errors import Problem

from .conftest import MEMBERS, REPO, Run, copy_data, snapshot_bytes

FIXTURES = sorted(p for p in (REPO / "tests" / "fixtures").iterdir() if p.is_dir())
READS = [
    ["list"], ["list", "-o", "json"], ["list", "--year", "2024"], ["show", "molenwijk"],
    ["show", "spaarndam", "-o", "json"], ["verbinder"], ["verbinder", "molenwijk", "-o", "json"],
    ["subsidy", "-o", "json"], ["subsidy", "--explain"], ["check"], ["check", "--strict"],
    ["check", "-o", "json"], ["fmt", "--check"], ["due", "--on", "2025-06-01"], ["show", "nergens"],
    ["grants", "-o", "json"], ["grants", "--year", "2025", "-o", "json"], ["payments", "--year", "2025", "-o", "json"],
    ["subsidy", "--year", "2025", "-o", "json"],
]
# the subsidy year on subsidies.yaml: each step read back by a year's grants (`Dataset.where`)
STEPS = [
    ["apply", "molenwijk", "--year", "2025", "--received", "2024-11-12", "--amount", "6500"],
    ["award", "molenwijk", "--year", "2025", "--on", "2024-12-20"],
    ["pay", "molenwijk", "--year", "2025", "--on", "2025-01-15", "--amount", "4000"],
    ["account", "molenwijk", "--year", "2025", "--received", "2026-02-10", "--spent", "3900"],
    ["settle", "molenwijk", "--year", "2025", "--on", "2026-04-01"],
]
WRITES = [
    ["register", "molenwijk", "--name", "Platform Molenwijk", "--from", "2025-01-01", *MEMBERS],
    ["update", "molenwijk", "--email", "info@molenwijk.example.org"],
    ["set-verbinder", "schalkwijk", "--name", "Sam Verbinder", "--email", "sam@haarlem.nl"],
    *STEPS,
    ["end", "molenwijk", "--on", "2026-01-01", "--reason", "opgeheven"],
    ["register", "molenwijk", "--name", "Te klein", "--from", "2026-01-01", "-m", "Een <een@example.org>"],
    ["fmt"],
]


def _writes(args: list[str]) -> bool:
    return args[0] in ("register", "update", "set-verbinder", "end", *(s[0] for s in STEPS)) or args == ["fmt"]


def _session(fixture: Path, parent: Path, cache_dir: str, monkeypatch, commands: list[list[str]]) -> list:
    """Run `commands` on a fresh copy of `fixture`: each read twice (the second from the
    cache, when there is one), and what each gave, with the files after each."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", cache_dir)
    data = copy_data(fixture, parent)
    run = Run(data)
    seen = []
    for args in commands:
        for _ in range(1 if _writes(args) else 2):
            result = run(*args)
            seen.append((args, result.exit_code, result.stdout, snapshot_bytes(data)))
    return seen


# every fixture with every write proven against the full dump; the production path (no
# proof) on the one fixture the other tests start from, which keeps the suite's time down
@pytest.mark.parametrize(("fixture", "check_writes"),
                         [*((f, "1") for f in FIXTURES), (REPO / "tests" / "fixtures" / "base-data", "0")],
                         ids=lambda v: v.name if isinstance(v, Path) else {"1": "check-writes", "0": "production"}[v])
def test_cached_and_uncached_give_the_same_answers_and_files(fixture, check_writes, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    commands = [*READS, *(c for w in WRITES for c in (w, ["check", "--strict"], ["list", "-o", "json"],
                                                      ["grants", "--year", "2025", "-o", "json"]))]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    cached = _session(fixture, tmp_path / "a", str(tmp_path / "cache"), monkeypatch, commands)
    uncached = _session(fixture, tmp_path / "b", "off", monkeypatch, commands)
    assert list((tmp_path / "cache").glob("*.json"))  # the cache was used
    for (args, *one), (_args, *other) in zip(cached, uncached, strict=True):
        assert one == other, args


# --- a value edited in the cache directory ------------------------------------------------


def _edited(folder: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in the one cache file, by hand (its digest left as it was)."""
    [path] = folder.glob("*.json")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(("old", "new", "shown"), [
    ('"inwoners":8135', '"inwoners":99999', ["show", "molenwijk", "-o", "json"]),
    ('"naam":"Anna de Vries"', '"naam":"Anna Vervalst"', ["show", "molenwijk", "-o", "json"]),
    ('"email":"iphamer@haarlem.nl"', '"email":"boef@example.org"', ["verbinder", "molenwijk", "-o", "json"]),
], ids=["inwoners", "kern-naam", "verbinder-email"])
@pytest.mark.parametrize("check_writes", ["1", "0"], ids=["check-writes", "production"])
def test_a_value_edited_in_the_cache_is_never_served_nor_written_back(old, new, shown, check_writes, datadir,
                                                                      tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    folder = tmp_path / "cache"
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(folder))
    run = Run(datadir)
    assert run("register", "molenwijk", "--name", "Platform Molenwijk", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    expected = run(*shown).stdout
    assert new.split(":")[1].strip('"') not in expected
    _edited(folder, old, new)
    result = run(*shown)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    _edited(folder, old, new)  # edited again after the parse stored a good entry
    assert run("update", "molenwijk", "--email", "info@molenwijk.example.org").exit_code == 0
    assert run("update", "meerwijk", "--add-member", "Dirk Dekker <dirk@example.org>").exit_code in (0, 4)
    for name, raw in snapshot_bytes(datadir).items():
        assert new.split(":")[1].strip('"').encode() not in raw, name
    assert new.split(":")[1].strip('"') not in run(*shown).stdout


# --- WIJKCTL_CACHE_DIR that would put the cache in the work tree ------------------------------


@pytest.mark.parametrize("where", ["relative", "data", "inside-data", "work-tree"])
def test_a_cache_dir_in_the_work_tree_is_ignored_with_a_warning(where, repo, datadir, monkeypatch):
    monkeypatch.setattr(cache, "_WARNED", set())
    monkeypatch.chdir(repo)
    chosen = {"relative": "cache", "data": str(datadir), "inside-data": str(datadir / ".cache"),
              "work-tree": str(repo / ".wijkctl-cache")}[where]
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", chosen)
    before = snapshot_bytes(datadir)
    result = Run(datadir)("verbinder", "molenwijk")
    assert result.exit_code == 0 and "Ingrid Hamer" in result.stdout
    assert "WIJKCTL_CACHE_DIR" in result.stderr and "genegeerd" in result.stderr
    assert snapshot_bytes(datadir) == before
    assert not list(repo.rglob("*.json"))  # no cache file anywhere in the work tree
    assert Run(datadir)("set-verbinder", "schalkwijk", "--name", "Sam", "--email", "sam@haarlem.nl").exit_code == 0
    assert not list(repo.rglob("*.json"))


def test_a_cache_dir_beside_the_work_tree_is_used(repo, datadir, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_WARNED", set())
    folder = tmp_path.parent / f"{tmp_path.name}-cache"
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(folder))
    result = Run(datadir)("verbinder", "molenwijk")
    assert result.exit_code == 0 and result.stderr == ""
    assert list(folder.glob("*.json"))
    shutil.rmtree(folder)


# --- rules that declare their scope -------------------------------------------------------


def _proef_warning(data):
    """A new per-wijk warning, as beancount would add one beside check_cijfers."""
    for w in data.wijken:
        for org in w.organisaties:
            if "proef" in org.naam.lower():
                yield Problem("wijken.yaml", org.regel, f"'{org.naam}' is een proef", "waarschuwing", "proef", w.code)


def _no_gebied_name(data):
    """A rule across files: no organisation is named after a gebied."""
    namen = {g.naam.lower() for g in data.gebieden}
    for w in data.wijken:
        for org in w.organisaties:
            if org.naam.lower() in namen:
                yield Problem("wijken.yaml", org.regel, f"'{org.naam}' is de naam van een gebied", "fout", "x", w.code)


def _agree(tmp_path, monkeypatch, commands: list[list[str]]) -> list:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    base = REPO / "tests" / "fixtures" / "base-data"
    one = _session(base, tmp_path / "a", str(tmp_path / "cache"), monkeypatch, commands)
    other = _session(base, tmp_path / "b", "off", monkeypatch, commands)
    for (args, *a), (_args, *b) in zip(one, other, strict=True):
        assert a == b, args
    return one


@pytest.mark.parametrize("check_writes", ["1", "0"], ids=["check-writes", "production"])
def test_a_new_per_wijk_warning_is_seen_by_check_strict_from_the_cache(check_writes, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    monkeypatch.setattr(validate, "RULES", (*validate.RULES, validate.Rule(_proef_warning, "wijk")))
    seen = _agree(tmp_path, monkeypatch, [
        ["check", "--strict"],
        ["register", "molenwijk", "--name", "Proef Molenwijk", "--from", "2025-01-01", *MEMBERS],
        ["check", "--strict"], ["check"],
    ])
    strict = [code for args, code, _out, _files in seen if args == ["check", "--strict"]]
    assert strict == [0, 0, 5, 5]


@pytest.mark.parametrize("check_writes", ["1", "0"], ids=["check-writes", "production"])
def test_a_new_rule_across_files_holds_for_cached_and_uncached_reads_and_writes(check_writes, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    monkeypatch.setattr(validate, "RULES", (*validate.RULES, validate.Rule(_no_gebied_name, "alles")))
    seen = _agree(tmp_path, monkeypatch, [
        ["list"],
        ["register", "molenwijk", "--name", "Schalkwijk", "--from", "2025-01-01", *MEMBERS],
        ["register", "molenwijk", "--name", "Platform Molenwijk", "--from", "2025-01-01", *MEMBERS],
        ["list"], ["check"],
    ])
    assert [code for _args, code, _out, _files in seen] == [0, 0, 4, 0, 0, 0, 0, 0]


def test_a_warning_carries_the_day_it_ends():
    import datetime as dt

    from wijkctl import model

    org = model.Organisatie(id="p", soort=model.WIJKPLATFORM, naam="Klein", van=dt.date(2025, 1, 1),
                            tot=dt.date(2030, 1, 1), kern=[model.KernLid(naam="A")])
    wijk = model.Wijk(code="w", naam="W", gebied="g", organisaties=[org])
    others = {"gebieden": [model.Gebied(code="g", naam="G", verbinder=model.Verbinder(naam="V"))]}
    [warning] = [p for p in validate.validate(model.Dataset([wijk], **others)) if p.ernst != "fout"]
    assert (warning.rule, warning.ernst, warning.tot) == ("kern_te_klein", "waarschuwing", "2030-01-01")
    assert validate.quiet_from(wijk, others) == "2030-01-01"
    org.tot = None
    assert validate.quiet_from(wijk, others) == "nooit"
    org.kern *= 3
    assert validate.quiet_from(wijk, others) == ""
