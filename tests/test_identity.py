"""One identity per record (a kern member is its folded name), the same in the commands,
`check`, the merge driver and `diff`; and a merge driver that never accepts what it did
not check, never prints kern contact data and never writes through a link."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl import model
from wijkctl.cli import app
from wijkctl.merge import merge_text

from .conftest import BASE, Run, copy_data, git, snapshot_bytes

W = "wijken.yaml"
FOUR = ("-m", "Anna <a@x.nl> 0611111111", "-m", "Bram <b@x.nl>", "-m", "Cor <c@x.nl>", "-m", "Dewi <d@x.nl>")


def _run(folder: Path, *args: str) -> None:
    result = Run(folder)(*args)
    assert result.exit_code == 0, (args, result.stderr)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = copy_data(BASE, tmp_path_factory.mktemp("base"))
    for wijk in ("molenwijk", "meerwijk"):
        _run(folder, "register", wijk, "--name", f"Platform {wijk}", "--from", "2024-01-01", *FOUR)
    return folder


def _side(base: Path, tmp: Path, label: str, *commands: tuple[str, ...]) -> Path:
    folder = tmp / label
    shutil.copytree(base, folder)
    for args in commands:
        _run(folder, *args)
    return folder


def _text(folder: Path, name: str = W) -> str:
    return (folder / name).read_text(encoding="utf-8")


def _driver(tmp: Path, base_text: str | None, ours_text: str, theirs_text: str, path: str = "data/wijken.yaml"):
    """Run the driver as git does: on three temporary files; the result lands in OURS."""
    o, a, b = tmp / "O.yaml", tmp / "A.yaml", tmp / "B.yaml"
    if base_text is not None:
        o.write_text(base_text, encoding="utf-8")
    a.write_text(ours_text, encoding="utf-8")
    b.write_text(theirs_text, encoding="utf-8")
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(a), str(b), path])
    return result, a.read_text(encoding="utf-8")


def _driver_sides(base: Path, tmp: Path, a: Path, b: Path):
    return _driver(tmp, _text(base), _text(a), _text(b))


# --- the identity, declared once ------------------------------------------------------


def test_the_identity_is_declared_on_the_record_classes():
    assert model.identity(model.KernLid, model.KernLid(naam="Jan  Smit", email="j@x.nl")) == "jansmit"
    assert model.identity(model.KernLid, {"naam": "JAN SMIT"}) == "jansmit"
    assert model.identity(model.Organisatie, {"id": "wp-x", "naam": "X"}) == "wp-x"
    assert model.identity(model.Buurt, {"naam": "De Kamp"}) == "De Kamp"
    assert model.identity(model.Staffel, {"vanaf": 1, "bedrag": 2}) is None  # a list compared whole
    from wijkctl.schema import IDENTITY

    assert IDENTITY == {"wijken.yaml": "code", "verbinders.yaml": "code", "subsidieregeling.yaml": "jaar",
                        "subsidies.yaml": "id"}
    from wijkctl import subsidiemodel

    assert IDENTITY["subsidies.yaml"] == subsidiemodel.Subsidie.IDENTITY


def _kern_lines(folder: Path, extra: str) -> None:
    """Add a kern member line after Anna's in molenwijk's platform, by hand."""
    text = _text(folder)
    anchor = "    - naam: Anna\n"
    at = text.index(anchor)
    (folder / W).write_text(text[:at] + extra + text[at:], encoding="utf-8")


def test_check_refuses_two_members_with_one_identity(base, tmp_path):
    folder = _side(base, tmp_path, "a")
    _kern_lines(folder, "    - naam: ANNA\n      email: anna2@x.nl\n")
    result = Run(folder)("check", "-o", "json")
    assert result.exit_code == 5
    fouten = json.loads(result.stdout)["fouten"]
    assert [(f["regel_id"], f["wijk"]) for f in fouten] == [("kernlid-uniek", "molenwijk")]
    assert "'Anna' staat al in de kern" in fouten[0]["melding"] and "@" not in fouten[0]["melding"]


def test_check_refuses_a_member_whose_name_has_no_letters(base, tmp_path):
    folder = _side(base, tmp_path, "a")
    _kern_lines(folder, "    - naam: '---'\n      email: z@x.nl\n")
    result = Run(folder)("check", "-o", "json")
    assert result.exit_code == 5
    assert [f["regel_id"] for f in json.loads(result.stdout)["fouten"]] == ["kernlid-naam-leeg"]
    before = snapshot_bytes(base)
    refused = Run(base)("update", "molenwijk", "--add-member", "--- <z@x.nl>")
    assert refused.exit_code == 2 and "geen naam met letters of cijfers" in refused.stderr
    assert snapshot_bytes(base) == before


def test_a_shared_household_email_is_allowed_but_never_guessed(base, tmp_path):
    """Decision (issue 20 item 8): two members with one e-mail address are valid data
    (a household); a look-up by that address is ambiguous: exit 3 naming them."""
    folder = _side(base, tmp_path, "a", ("update", "molenwijk", "--add-member", "Eva <B@x.nl>"))
    assert Run(folder)("check", "--strict").exit_code == 0
    before = snapshot_bytes(folder)
    for option in (("--remove-member", "b@x.nl"), ("--change-member", "b@x.nl", "Bram <bram@x.nl>")):
        result = Run(folder)("update", "molenwijk", *option)
        assert result.exit_code == 3 and "Bram, Eva" in result.stderr and "bij naam" in result.stderr
    assert snapshot_bytes(folder) == before
    _run(folder, "update", "molenwijk", "--remove-member", "EVA")  # by name: the identity
    assert "Eva" not in _text(folder)


def test_several_removals_with_one_unknown_change_nothing_in_either_order(base, tmp_path):
    folder = _side(base, tmp_path, "a")
    before = snapshot_bytes(folder)
    for order in (("nobody", "dewi"), ("dewi", "nobody")):
        result = Run(folder)("update", "molenwijk", "--remove-member", order[0], "--remove-member", order[1])
        assert result.exit_code == 3 and "'nobody' is geen kernlid" in result.stderr
    assert snapshot_bytes(folder) == before
    _run(folder, "update", "molenwijk", "--remove-member", "D@X.NL")  # e-mail, any case
    assert _text(folder).count("naam: Dewi\n") == 1  # meerwijk's Dewi stays


# --- the merge driver knows a member by name ----------------------------------------


def test_one_members_email_changed_two_ways_is_a_conflict_without_the_addresses(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--change-member", "Bram", "Bram <een@x.nl> 0622222222"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--change-member", "b@x.nl", "Bram <twee@x.nl>"))
    result, text = _driver_sides(base, tmp_path, a, b)
    assert result.exit_code == 1
    assert "kernlid Bram, veld email: aan beide kanten anders gewijzigd (waarden niet getoond" in result.stderr
    assert "telefoon" not in result.stderr  # added on one side only: taken
    for secret in ("een@x.nl", "twee@x.nl", "b@x.nl", "0622222222"):
        assert secret not in result.stderr
    assert text.count("<<<<<<< ours\n") == 1


def test_a_member_removed_on_one_side_and_changed_on_the_other_is_a_conflict(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--remove-member", "Bram"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--change-member", "b@x.nl", "Bram <nieuw@x.nl>"))
    result = merge_text(W, _text(base), _text(a), _text(b))
    assert [str(c) for c in result.conflicts] == [
        "molenwijk: organisatie platform-molenwijk, kernlid Bram: aan onze kant (ours) verwijderd, aan de andere "
        "kant (theirs) gewijzigd"]


def test_one_name_added_on_both_sides_with_other_contact_is_a_conflict(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--add-member", "Jan Smit <jan@x.nl>"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--add-member", "jan smit <smit@x.nl> 0633333333"))
    result, _text_ = _driver_sides(base, tmp_path, a, b)
    assert result.exit_code == 1 and "kernlid Jan Smit: aan beide kanten toegevoegd, verschillend" in result.stderr
    assert "jan@x.nl" not in result.stderr and "smit@x.nl" not in result.stderr and "0633" not in result.stderr
    same = _side(base, tmp_path, "c", ("update", "molenwijk", "--add-member", "Jan Smit <jan@x.nl>"))
    assert merge_text(W, _text(base), _text(a), _text(same)).text == _text(a)  # the same addition once


def test_a_member_renamed_on_one_side_and_removed_on_the_other_is_a_conflict(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--change-member", "Bram", "Bram de Wit <b@x.nl>"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--change-member", "Bram", "Bram Zwart <b@x.nl>"))
    c = _side(base, tmp_path, "c", ("update", "molenwijk", "--remove-member", "Bram"))
    for other in (b, c):
        result = merge_text(W, _text(base), _text(a), _text(other))
        assert not result.clean and "kernlid Bram: aan de ene kant hernoemd" in str(result.conflicts[0])
    d = _side(base, tmp_path, "d", ("update", "meerwijk", "--remove-member", "Bram"))
    assert merge_text(W, _text(base), _text(a), _text(d)).clean


def test_the_same_platform_registered_on_both_sides_with_other_kernen_is_a_conflict(base, tmp_path):
    members = ("-m", "Eva <e@x.nl>", "-m", "Fenna <f@x.nl>")
    reg = ("register", "europawijk", "--name", "P", "--from", "2025-01-01", "-m", "Gijs <g@x.nl>")
    a = _side(base, tmp_path, "a", (*reg, *members))
    b = _side(base, tmp_path, "b", (*reg, "-m", "Hans <h@x.nl>", "-m", "Ilse <i@x.nl>"))
    result = merge_text(W, _text(base), _text(a), _text(b))
    assert [str(c) for c in result.conflicts] == [
        "europawijk: organisatie p: aan beide kanten toegevoegd, verschillend (velden: kern)"]
    same = _side(base, tmp_path, "c", (*reg, *members))
    assert merge_text(W, _text(base), _text(a), _text(same)).text == _text(a)


def test_a_new_problem_is_known_by_its_rule_and_record_not_by_its_message(base, tmp_path):
    """Ours leaves a kern of 3... of 2 (a warning naming the platform), theirs renames the
    platform: the warning's message names the new name, but it is the same warning of
    the same organisation, which ours had: no conflict, and the result is the serial one."""
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--remove-member", "Anna", "--remove-member", "Bram"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--name", "Nieuwe naam"))
    result = merge_text(W, _text(base), _text(a), _text(b))
    assert result.clean, result.conflicts
    serial = _side(a, tmp_path, "serial", ("update", "molenwijk", "--name", "Nieuwe naam"))
    assert result.text == _text(serial)


# --- the fallback to git's line merge is checked ------------------------------------


def test_a_line_merge_that_breaks_a_rule_is_a_conflict(base, tmp_path):
    reg = ("--name", "Platform X", "--from", "2025-01-01", *FOUR)
    a = _side(base, tmp_path, "a", ("register", "europawijk", *reg))
    b = _side(base, tmp_path, "b", ("register", "boerhaavewijk", *reg))
    theirs = _text(b).replace("- code: spaarndam\n", "# een opmerking\n- code: spaarndam\n")
    result, text = _driver(tmp_path, _text(base), _text(a), theirs)
    assert result.exit_code == 1, result.stderr
    assert "regel voor regel" in result.stderr and "(organisatie-id-uniek)" in result.stderr
    assert text.count("id: platform-x\n") == 2 and "# een opmerking" in text  # nothing lost


def test_a_clean_line_merge_that_breaks_nothing_stands(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--email", "een@x.nl"))
    b = _side(base, tmp_path, "b", ("update", "meerwijk", "--email", "twee@x.nl"))
    theirs = _text(b).replace("- code: spaarndam\n", "# een opmerking\n- code: spaarndam\n")
    result, text = _driver(tmp_path, _text(base), _text(a), theirs)
    assert result.exit_code == 0, result.stderr
    assert "een@x.nl" in text and "twee@x.nl" in text


def test_a_line_merge_that_makes_a_kern_too_small_is_a_conflict(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--remove-member", "Anna"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--remove-member", "Dewi"))
    theirs = _text(b).replace("- code: spaarndam\n", "# een opmerking\n- code: spaarndam\n")
    result, _merged = _driver(tmp_path, _text(base), _text(a), theirs)
    assert result.exit_code == 1 and "(kern_te_klein)" in result.stderr


# --- missing BASE, symlinked OURS, an older BASE --------------------------------------


def test_a_missing_base_means_added_on_both_sides(base, tmp_path):
    """Decision (item 8): git's add/add passes no BASE; a record the sides hold alike is
    taken once, one they hold differently is a conflict, never a guess."""
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--email", "een@x.nl"))
    result, _t = _driver(tmp_path, None, _text(base), _text(base))
    assert result.exit_code == 0 and _t == _text(base)
    result, text = _driver(tmp_path, None, _text(a), _text(base))
    assert result.exit_code == 1 and "molenwijk: aan beide kanten toegevoegd" in result.stderr
    assert text.count("<<<<<<< ours\n") == 1 and "Traceback" not in result.stderr


def test_the_driver_never_writes_through_a_symlinked_ours(base, tmp_path):
    """Decision (item 8): an OURS that is a link is refused (exit 2); git never gives one."""
    target = tmp_path / "elders.yaml"
    target.write_text(_text(base), encoding="utf-8")
    o, b = tmp_path / "O.yaml", tmp_path / "B.yaml"
    o.write_text(_text(base), encoding="utf-8")
    b.write_text(_text(base).replace("gebied: schalkwijk", "gebied: oost", 1), encoding="utf-8")
    link = tmp_path / "A.yaml"
    link.symlink_to(target)
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(link), str(b), "data/wijken.yaml"])
    assert result.exit_code == 2 and "symbolische koppeling" in result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8") == _text(base)


V1 = """versie: 1
wijken:
- code: molenwijk
  naam: Molenwijk
  gebied: schalkwijk
  organisaties:
  - soort: wijkraad
    naam: Wijkraad
    van: 1995-01-01
- code: meerwijk
  naam: Meerwijk
  gebied: schalkwijk
  organisaties:
  - soort: wijkraad
    naam: Wijkraad
    van: 1995-01-01
"""


def test_a_base_of_an_older_versie_is_migrated_as_a_whole(tmp_path):
    (tmp_path / "o").mkdir()
    folder = copy_data(BASE, tmp_path / "o")
    (folder / W).write_text(V1, encoding="utf-8")
    a = _side(folder, tmp_path, "a", ("end", "meerwijk", "--on", "2030-01-01"))
    b = _side(folder, tmp_path, "b", ("end", "molenwijk", "--on", "2031-01-01"))
    assert "id: wijkraad-2\n" in _text(a)
    result = merge_text(W, V1, _text(a), _text(b))
    assert result.clean, result.conflicts
    serial = _side(a, tmp_path, "serial", ("end", "molenwijk", "--on", "2031-01-01"))
    assert result.text == _text(serial)


# --- a rule across files is the gate's ----------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
def test_a_merge_that_breaks_a_rule_across_files_is_stopped_by_the_gate(repo, datadir, run):
    """Ours removes a gebied, theirs adds a wijk in it: each file merges clean on its own;
    the pre-merge-commit hook (`wijkctl check --strict`, .pre-commit-hooks.yaml) stops the
    merge commit."""
    assert run("git-setup").exit_code == 0
    verbinders = datadir / "verbinders.yaml"
    extra = "- code: leeg\n  naam: Leeg\n  verbinder:\n    naam: Iemand\n    email: iemand@haarlem.nl\n"
    verbinders.write_text(verbinders.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert run("check", "--strict").exit_code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "setup")
    hook = repo / ".git" / "hooks" / "pre-merge-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -m wijkctl --data-dir data check --strict\n")
    hook.chmod(0o755)
    main = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-qb", "ander")
    wijken = datadir / W
    wijken.write_text(wijken.read_text(encoding="utf-8") + "- code: nieuwwijk\n  naam: Nieuwwijk\n  gebied: leeg\n",
                      encoding="utf-8")
    git(repo, "commit", "-qam", "a wijk in gebied leeg")
    git(repo, "checkout", "-q", main)
    verbinders.write_text(verbinders.read_text(encoding="utf-8").replace(extra, ""), encoding="utf-8")
    git(repo, "commit", "-qam", "gebied leeg removed")
    head = git(repo, "rev-parse", "HEAD")
    merge = subprocess.run(["git", "merge", "--no-edit", "ander"], cwd=repo, capture_output=True, text=True,
                           check=False)
    assert merge.returncode != 0, merge.stdout + merge.stderr
    assert "gebied 'leeg' bestaat niet" in merge.stdout + merge.stderr
    assert git(repo, "rev-parse", "HEAD") == head  # no merge commit


# --- diff ------------------------------------------------------------------------------


def _dataset(folder: Path) -> model.Dataset:
    from wijkctl import store

    return store.load(folder)


def test_diff_knows_a_member_by_name(base, tmp_path):
    from wijkctl import semdiff

    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--change-member", "Anna", "Anna <anna@x.nl> 0699999999"),
              ("update", "molenwijk", "--change-member", "Bram", "Bram de Wit <b@x.nl>"))
    rows = semdiff.changes(_dataset(base), _dataset(a))
    kern = sorted((r["veld"], r["wijziging"], r["oud"], r["nieuw"]) for r in rows if r["veld"].startswith("kern"))
    assert kern == [("kern", "toegevoegd", None, "Bram de Wit"), ("kern", "verwijderd", "Bram", None),
                    ("kern[Anna].email", "gewijzigd", semdiff.HIDDEN, semdiff.HIDDEN),
                    ("kern[Anna].telefoon", "gewijzigd", semdiff.HIDDEN, semdiff.HIDDEN)]
    assert "0699999999" not in json.dumps(rows)


def test_diff_survives_extreme_dates_and_follows_a_late_start(base):
    import datetime as dt

    from wijkctl import semdiff

    old = _dataset(base)
    new = _dataset(base)
    wijk = next(w for w in new.wijken if w.code == "meerwijk")
    wijk.organisaties[0].van = dt.date(9999, 12, 31)
    today = dt.date(2026, 1, 1)
    years = semdiff.years(old, new, today)
    assert years.stop - 1 == semdiff.LAST_YEAR
    assert {r["jaar"] for r in semdiff.money(old, new, years)} >= {2024, 2025, 2200}  # no crash, bounded
    late = _dataset(base)
    org = next(w for w in late.wijken if w.code == "meerwijk").organisaties[0]
    org.van = dt.date(2031, 3, 1)
    years = semdiff.years(old, late, today)
    assert 2031 in years
    rows = semdiff.money(old, late, years)
    assert any(r["jaar"] == 2031 and r["wijk"] == "meerwijk" for r in rows)
