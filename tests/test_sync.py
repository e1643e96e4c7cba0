"""Issue 25 item 11: `wijkctl sync` for people who do not know git, against real local
bare repositories: two clones of one origin in tmp_path.

Pull by merge (never a rebase, stash, reset or force-push; never a prompt or an editor),
then push; on a conflict it names the wijk and the way out (`wijkctl edit wijken`, then
`wijkctl sync --continue`), and read-only commands name it too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl.cli import app

from .conftest import Run, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def clones(tmp_path, monkeypatch) -> tuple[Run, Run, Path]:
    """Two clones `a` and `b` of a bare origin holding a fresh `init` data set, both set up."""
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@example.org")
    monkeypatch.setenv("GIT_EDITOR", "false")  # an editor that fails: sync must never open one
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), "a")
    assert CliRunner().invoke(app, ["init", str(tmp_path / "a" / "data"), "--commit"]).exit_code == 0
    a = Run(tmp_path / "a" / "data")
    assert a("git-setup").exit_code == 0
    git(tmp_path / "a", "add", "data/.gitattributes")
    git(tmp_path / "a", "commit", "-qm", "git-setup")
    git(tmp_path / "a", "push", "-q", "-u", "origin", "HEAD:main")
    git(tmp_path, "clone", "-q", str(origin), "b")
    b = Run(tmp_path / "b" / "data")
    assert b("git-setup").exit_code == 0
    return a, b, origin


def _head(path: Path, rev: str = "HEAD") -> str:
    return git(path, "rev-parse", rev).strip()


def test_sync_merges_and_pushes(clones):
    a, b, origin = clones
    assert a("update", "molenwijk", "--email", "info@molenwijk.nl", "--commit").exit_code == 0
    pushed = a("sync")
    assert pushed.exit_code == 0 and "Gepusht naar origin/main: 1 commit." in pushed.stderr
    assert _head(origin, "main") == _head(a.datadir)
    assert b("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl",
             "--commit").exit_code == 0
    merged = b("synchroniseer")  # the Dutch alias
    assert merged.exit_code == 0, merged.output
    parents = git(b.datadir, "log", "-1", "--format=%P").split()
    assert len(parents) == 2  # a merge, never a rebase: both histories stay as they were
    assert _head(origin, "main") == _head(b.datadir)
    assert a("sync").exit_code == 0
    assert "Kees de Boer" in a("verbinder", "noord").stdout
    again = a("sync")
    assert again.exit_code == 0 and "In orde: gelijk met origin/main." in again.stderr


def test_a_conflict_names_the_wijk_and_the_way_out(clones):
    a, b, origin = clones
    assert a("update", "molenwijk", "--email", "a@molenwijk.nl", "--commit").exit_code == 0
    assert a("sync").exit_code == 0
    theirs = _head(origin, "main")
    assert b("update", "molenwijk", "--email", "b@molenwijk.nl", "--commit").exit_code == 0
    clash = b("sync")
    assert clash.exit_code == 4
    assert "conflict bij het samenvoegen met origin/main: data/wijken.yaml (wijk molenwijk)" in clash.stderr
    assert "'wijkctl edit wijken', daarna 'wijkctl sync --continue'" in clash.stderr
    assert _head(origin, "main") == theirs  # nothing pushed
    # while it is unresolved, every command that reads the data names the way out
    for args in (("show", "molenwijk"), ("list",), ("check",)):
        stuck = b(*args)
        assert stuck.exit_code == 5 and "'wijkctl edit wijken' en daarna 'wijkctl sync --continue'" in stuck.stderr
    assert b("sync").exit_code == 2
    early = b("sync", "--continue")
    assert early.exit_code == 4 and "nog niet opgelost: data/wijken.yaml" in early.stderr
    git(b.datadir, "checkout", "--theirs", "wijken.yaml")  # the person chose the other side's e-mail
    done = b("sync", "--continue")
    assert done.exit_code == 0, done.output
    assert _head(origin, "main") == _head(b.datadir) and git(b.datadir, "status", "--porcelain") == ""
    assert "a@molenwijk.nl" in (b.datadir / "wijken.yaml").read_text()


def test_continue_refuses_data_that_is_not_valid(clones):
    a, b, _origin = clones
    assert a("update", "molenwijk", "--email", "a@molenwijk.nl", "--commit").exit_code == 0
    assert a("sync").exit_code == 0
    assert b("update", "molenwijk", "--email", "b@molenwijk.nl", "--commit").exit_code == 0
    assert b("sync").exit_code == 4
    path = b.datadir / "wijken.yaml"
    git(b.datadir, "checkout", "--ours", "wijken.yaml")
    path.write_text(path.read_text().replace("email: b@molenwijk.nl", "email: b-molenwijk.nl"))
    bad = b("sync", "--continue")
    assert bad.exit_code == 5 and "de gegevens zijn nog niet in orde" in bad.stderr
    assert git(b.datadir, "rev-parse", "-q", "--verify", "MERGE_HEAD").strip()  # still merging, nothing committed


def test_sync_leaves_pending_changes_to_commit(clones):
    a, _b, origin = clones
    before = _head(origin, "main")
    assert a("update", "molenwijk", "--email", "x@molenwijk.nl").exit_code == 0
    pending = a("sync")
    assert pending.exit_code == 2 and "Leg die eerst vast met 'wijkctl commit'" in pending.stderr
    assert _head(origin, "main") == before and "M data/wijken.yaml" in git(a.datadir, "status", "--porcelain")


def test_sync_needs_an_upstream(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@example.org")
    git(tmp_path, "init", "-q")
    assert CliRunner().invoke(app, ["init", str(tmp_path / "data")]).exit_code == 0
    alone = Run(tmp_path / "data")("sync")
    assert alone.exit_code == 2 and "geen upstream" in alone.stderr


def test_a_gate_that_refuses_the_merge_stops_the_push(clones):
    a, b, origin = clones
    assert a("update", "molenwijk", "--email", "a@molenwijk.nl", "--commit").exit_code == 0
    assert a("sync").exit_code == 0
    theirs = _head(origin, "main")
    assert b("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl",
             "--commit").exit_code == 0
    hook = Path(git(b.datadir, "rev-parse", "--git-path", "hooks/pre-merge-commit").strip())
    hook = hook if hook.is_absolute() else b.datadir / hook
    hook.write_text("#!/bin/sh\necho 'de poort zegt nee' >&2\nexit 1\n")
    hook.chmod(0o755)
    stopped = b("sync")
    assert stopped.exit_code == 4 and "(pre-merge-commit) keurde het resultaat af" in stopped.stderr
    assert "de poort zegt nee" in stopped.stderr and "'wijkctl sync --continue'" in stopped.stderr
    assert _head(origin, "main") == theirs
    hook.unlink()  # the person fixed what the gate said
    done = b("sync", "--continue")
    assert done.exit_code == 0, done.output
    assert _head(origin, "main") == _head(b.datadir)
