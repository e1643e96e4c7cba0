"""Issue 25 item 13: the README tour runs as written and never changes the repository's
own data. Each line of its first block runs in a fresh HOME, the wijkctl lines in-process
(fast), git through git; a line may fail only where the tour says it is refused."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl.cli import app

from .conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _tour() -> list[str]:
    """The tour's logical lines (continuations joined), as the README has them."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())).hexdigest()


def test_the_tour_starts_in_a_copy_of_its_own():
    assert _tour()[0].startswith("wijkctl init ~/wijkdata && cd ~/wijkdata")


def test_the_tour_runs_as_written_and_leaves_the_repository_data_alone(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("WIJKCTL_DATA", raising=False)
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Ingrid Hamer")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ihamer@haarlem.nl")
    monkeypatch.chdir(home)
    before = _digest(REPO / "data")
    runner = CliRunner()
    for line in _tour():
        refused = "# exit 4" in line
        for part in line.split(" && "):
            argv = [str(home) + a[1:] if a.startswith("~") else a for a in shlex.split(part, comments=True)]
            if not argv:  # a line that only continues the comment above
                continue
            if argv[0] == "cd":
                monkeypatch.chdir(argv[1])
                continue
            if argv[0] == "git":
                subprocess.run(argv, check=True, capture_output=True)
                continue
            result = runner.invoke(app, argv[1:])
            assert result.exit_code == (4 if refused else 0), f"{line}\n{result.output}"
    assert _digest(REPO / "data") == before
    repo = home / "wijkdata"
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == ""
    log = subprocess.run(["git", "log", "--format=%s"], cwd=repo, capture_output=True, text=True).stdout
    assert "update: Wijkplatform Molenwijk (molenwijk): kernlid Dirk Smit toegevoegd" in log  # by `wijkctl commit`
    assert re.search(r"^init: gegevensset Haarlem$", log, re.MULTILINE)


def test_the_pre_commit_snippet_runs_the_installed_wijkctl_as_the_hooks_do():
    import yaml

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = yaml.safe_load("repos:" + readme.split("```yaml\nrepos:", 1)[1].split("```", 1)[0])
    (local,) = snippet["repos"]
    assert local["repo"] == "local"
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for hook in local["hooks"]:
        assert hook["language"] == "system"  # the wijkctl on the PATH: there is no published tag to install
        ours = hooks[hook["id"]]
        assert {k: hook[k] for k in ("entry", "files", "pass_filenames", "stages")} == \
            {k: ours[k] for k in ("entry", "files", "pass_filenames", "stages")}
    assert {h["id"] for h in local["hooks"]} == set(hooks)
