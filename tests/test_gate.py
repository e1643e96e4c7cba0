"""Issue 25 item 2: `check --strict --changed [REV]`, the gate that judges the change.

Errors count anywhere; warnings only where the change (the work tree against HEAD or
REV) touches: the wijken whose lines differ, every wijk of a gebied whose verbinder
changed, the subsidy records changed. A kern not recorded is a note, never a warning.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, Run, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MEMBERS3 = ("-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>")


@pytest.fixture
def small_kern(repo: Path, run) -> Path:
    """A Molenwijk (gebied Schalkwijk) platform that lost a member, committed: a warning."""
    assert run("register", "molenwijk", "--name", "P Molen", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "A").exit_code == 0
    git(repo, "commit", "-qam", "a member left")
    return repo


def test_unrelated_work_passes_the_gate(small_kern, run):
    assert run("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl").exit_code == 0
    gate = run("check", "--strict", "--changed")
    assert gate.exit_code == 0, gate.output
    assert "1 waarschuwing buiten deze wijziging niet meegeteld ('wijkctl check' toont alles)." in gate.stderr
    payload = json.loads(run("check", "--strict", "--changed", "-o", "json").stdout)
    assert payload["fouten"] == [] and [p["regel_id"] for p in payload["buiten_wijziging"]] == ["kern_te_klein"]
    assert run("check", "--strict").exit_code == 5  # the whole data set still warns


@pytest.mark.parametrize("change", [
    ("update", "molenwijk", "--email", "info@molen.nl"),  # the wijk itself
    ("set-verbinder", "schalkwijk", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl"),  # its gebied
])
def test_a_change_that_touches_the_warning_is_stopped(small_kern, run, change):
    assert run(*change).exit_code == 0
    gate = run("check", "--strict", "--changed")
    assert gate.exit_code == 5 and "heeft 2 kernleden" in gate.stdout


def test_against_a_revision_the_commits_since_count(small_kern, run):
    assert run("check", "--strict", "--changed").exit_code == 0  # nothing changed since HEAD
    assert run("check", "--strict", "--changed", "HEAD~1").exit_code == 5  # the commit that lost the member


def test_errors_count_anywhere(small_kern, run, datadir):
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("email: rkant@haarlem.nl", "email: rkant-haarlem.nl"))
    git(small_kern, "commit", "-qam", "a typo slipped in")
    # a change elsewhere (a write refuses while the data holds an error: by hand, as a merge might)
    path.write_text(path.read_text().replace("naam: Karin Kranendonk", "naam: Karin van Kranendonk"))
    gate = run("check", "--strict", "--changed")
    assert gate.exit_code == 5 and gate.stdout.startswith("verbinders.yaml:")


def test_a_file_git_does_not_know_yet_is_touched_whole(tmp_path):
    from .conftest import BASE, copy_data

    root = tmp_path
    git(root, "init", "-q")
    data = copy_data(BASE, root)
    run = Run(data)
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "-m", "A <a@x.nl>",
               "-m", "B <b@x.nl>", "-m", "C <c@x.nl>").exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "A").exit_code == 0
    git(root, "-c", "user.name=T", "-c", "user.email=t@x.nl", "commit", "-q", "--allow-empty", "-m", "empty")
    assert run("check", "--strict", "--changed").exit_code == 5  # untracked: all of it is the change


def test_a_repository_fresh_from_init_passes_the_gate(tmp_path, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(var, "Test")
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(var, "t@example.org")
    git(tmp_path, "init", "-q")
    run = Run(tmp_path / "data")
    from typer.testing import CliRunner

    from wijkctl.cli import app

    made = CliRunner().invoke(app, ["init", str(tmp_path / "data"), "--commit"])
    assert made.exit_code == 0, made.output
    for args in (("check", "--strict"), ("check", "--strict", "--changed")):
        gate = run(*args)
        assert gate.exit_code == 0, gate.output
        # the bundled platforms hold no personal data: their kern is not recorded, a note
        assert "Opmerking: van 2 wijkplatforms is de kern niet vastgelegd (oude-stad, molenwijk)" in gate.stderr
    payload = json.loads(run("check", "-o", "json").stdout)
    assert payload["waarschuwingen"] == []
    assert {n["regel_id"] for n in payload["opmerkingen"]} == {"kern-niet-vastgelegd"}


def test_a_recorded_kern_below_three_still_warns(run):
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "A").exit_code == 0
    result = run("check", "-o", "json")
    assert [w["regel_id"] for w in json.loads(result.stdout)["waarschuwingen"]] == ["kern_te_klein"]
    assert json.loads(result.stdout)["opmerkingen"] == []


def test_the_gate_refuses_what_it_cannot_judge(run, unchanged, datadir):
    with unchanged():
        alone = run("check", "HEAD")
        assert alone.exit_code == 2 and "alleen met --changed" in alone.stderr
        outside = run("check", "--changed")  # no git repository around datadir's tmp_path
        assert outside.exit_code == 2 and "geen wijziging" in outside.stderr


def test_the_gate_refuses_an_unknown_revision(repo, run, unchanged):
    with unchanged():
        for rev in ("nope", "--all"):
            bad = run("check", "--changed", "--", rev) if rev.startswith("-") else run("check", "--changed", rev)
            assert bad.exit_code == 2 and "onbekende git-revisie" in bad.stderr


def test_the_hooks_run_the_gate_on_the_change():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["wijkctl-check"]["entry"] == "wijkctl check --strict --changed"


def test_a_subsidy_record_is_touched_by_its_own_change(repo, run, datadir):
    assert run("register", "molenwijk", "--name", "P Molen", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    late = run("apply", "molenwijk", "--year", "2025", "--received", "2025-11-01")  # after the deadline: a warning
    assert late.exit_code == 0, late.output
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a late application")
    assert run("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl").exit_code == 0
    assert run("check", "--strict", "--changed").exit_code == 0
    git(repo, "checkout", "-q", "--", ".")
    assert run("refuse", "molenwijk", "--year", "2025", "--on", "2025-11-05", "--reason", "Te laat.").exit_code == 0
    gate = run("check", "--strict", "--changed", "-o", "json")
    assert gate.exit_code == 5
    assert [p["regel_id"] for p in json.loads(gate.stdout)["fouten"]] == ["subsidie-aanvraagtermijn"]
