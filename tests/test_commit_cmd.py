"""Issue 25 item 8: advice that works. `end` on a platform that has not started points
to `unregister`; `wijkctl commit` commits a pending data change with the message that
`--commit` would have written, so forgetting `--commit` is no dead end."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import BASE, Run, copy_data, git, snapshot_bytes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MEMBERS3 = ("-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>")
SETUP = [("register", "molenwijk", "--name", "P Molen", "--from", "2025-01-01", *MEMBERS3),
         ("register", "europawijk", "--name", "P Europa", "--from", "2030-01-01", *MEMBERS3),
         ("register", "meerwijk", "--wijkraad", "--name", "Wijkraad Meerwijk", "--from", "onbekend")]


def _repo(parent: Path) -> Run:
    parent.mkdir()
    git(parent, "init", "-q")
    run = Run(copy_data(BASE, parent))
    git(parent, "add", "-A")
    git(parent, "commit", "-qm", "data")
    for args in SETUP:
        assert run(*args, "--commit").exit_code == 0
    return run


def _subject(run: Run) -> str:
    return git(run.datadir, "log", "-1", "--format=%B").strip()


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@example.org")


@pytest.mark.parametrize("change", [
    ("register", "oude-stad", "--name", "P Oud", "--from", "2026-03-01", *MEMBERS3),
    ("register", "delftwijk", "--wijkraad", "--name", "Wijkraad Delftwijk", "--from", "1990-01-01", "--to",
     "2020-01-01"),
    ("convert", "meerwijk", "--from", "2027-02-01", *MEMBERS3),
    ("update", "molenwijk", "--add-member", "D <d@x.nl>", "--remove-member", "A"),
    ("update", "molenwijk", "--change-member", "B", "B <b2@x.nl>"),
    ("end", "molenwijk", "--on", "2027-01-01", "--reason", "opgeheven"),
    ("unregister", "europawijk", "--reason", "dubbel ingevoerd"),
    ("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl"),
    ("set-verbinder", "noord", "--none"),
])
def test_commit_writes_the_message_commit_would_have(tmp_path, change):
    with_commit, without = _repo(tmp_path / "a"), _repo(tmp_path / "b")
    assert with_commit(*change, "--commit").exit_code == 0
    assert without(*change).exit_code == 0
    done = without("commit")
    assert done.exit_code == 0, done.output
    if change[0] != "unregister":  # unregister's reason is no fact of the data; the rest is
        assert _subject(without) == _subject(with_commit)
    else:
        assert _subject(without) == "unregister: P Europa (p-europa, europawijk)"
    assert git(without.datadir, "status", "--porcelain") == ""


def test_forgetting_commit_is_no_dead_end(tmp_path):
    run = _repo(tmp_path / "r")
    assert run("update", "molenwijk", "--add-member", "D <d@x.nl>").exit_code == 0
    again = run("update", "molenwijk", "--add-member", "D <d@x.nl>", "--commit")
    assert again.exit_code == 2 and "Leg die eerst vast met 'wijkctl commit'" in again.stderr
    dry = run("commit", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout == "update: P Molen (molenwijk): kernlid D toegevoegd\n"
    assert git(run.datadir, "status", "--porcelain").strip()  # a dry run commits nothing
    assert run("leg-vast").exit_code == 0  # the Dutch alias
    assert _subject(run) == "update: P Molen (molenwijk): kernlid D toegevoegd"
    assert run("update", "molenwijk", "--add-member", "D <d@x.nl>", "--commit").exit_code == 0  # already so
    nothing = run("commit")
    assert nothing.exit_code == 0 and "Niets te committen" in nothing.stderr


def test_several_changes_get_one_line_each(tmp_path):
    run = _repo(tmp_path / "r")
    assert run("update", "molenwijk", "--add-member", "D <d@x.nl>").exit_code == 0
    assert run("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl").exit_code == 0
    assert run("end", "europawijk", "--org", "p-europa", "--on", "2031-01-01").exit_code == 0
    assert run("commit").exit_code == 0
    assert _subject(run) == ("3 wijzigingen in de gegevens\n\n- end: P Europa (europawijk) per 2031-01-01\n"
                             "- update: P Molen (molenwijk): kernlid D toegevoegd\n"
                             "- set-verbinder: noord: Kees de Boer <kdboer@haarlem.nl>")


def test_commit_refuses_what_it_cannot_commit_alone(tmp_path):
    run = _repo(tmp_path / "r")
    assert run("update", "molenwijk", "--add-member", "D <d@x.nl>").exit_code == 0
    (tmp_path / "r" / "notes.txt").write_text("x")
    git(tmp_path / "r", "add", "notes.txt")
    before = snapshot_bytes(run.datadir)
    staged = run("commit")
    assert staged.exit_code == 2 and "andere wijzigingen klaar voor een commit (git add): notes.txt" in staged.stderr
    git(tmp_path / "r", "rm", "-q", "--cached", "notes.txt")
    path = run.datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("email: rkant@haarlem.nl", "email: rkant-haarlem.nl"))
    invalid = run("commit")
    assert invalid.exit_code == 5
    assert git(run.datadir, "log", "-1", "--format=%s").startswith("register: Wijkraad Meerwijk")
    assert snapshot_bytes(run.datadir)["wijken.yaml"] == before["wijken.yaml"]


def test_commit_outside_git_is_a_usage_error(run, unchanged):
    with unchanged():
        outside = run("commit")
        assert outside.exit_code == 2 and "staat niet in een git-werkmap" in outside.stderr


def test_end_of_a_platform_that_has_not_started_points_to_unregister(tmp_path):
    run = _repo(tmp_path / "r")
    before = snapshot_bytes(run.datadir)
    for args in (("end", "europawijk", "--on", "2029-06-01"),  # before it starts: nothing active that day
                 ("end", "europawijk", "--on", "2030-01-01")):  # on its first day
        refused = run(*args)
        assert refused.exit_code == 4
        assert "haal de registratie dan weg: 'wijkctl unregister europawijk --org p-europa --reason" in refused.stderr
        assert "gebruik --on" not in refused.stderr
    assert snapshot_bytes(run.datadir) == before
    assert subprocess.run(["git", "status", "--porcelain"], cwd=run.datadir, capture_output=True,
                          text=True).stdout == ""
