"""git for `--commit`: check that the commit can be exactly ours, commit, or undo.

The transaction calls these while it holds the data directory's lock, so no other
writer's change can slip in between the check, the write and the commit.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from wijkctl.errors import Problem, UsageError, WriteFailed
from wijkctl.schema import FILES
from wijkctl.text import opsomming

# what `git-setup` writes into .gitattributes: every data file merged and diffed by wijkctl
ATTRIBUTES = [f"{name} merge=wijkctl diff=wijkctl" for name in FILES]
GITATTRIBUTES = ".gitattributes"


def attributes_problem(root: Path) -> Problem | None:
    """A warning when the data directory's .gitattributes routes some data files through
    wijkctl's merge driver but not all (written by an earlier release, before a data file
    was added): git would merge the others line by line. None without .gitattributes or
    without any wijkctl line (the repository does not use `git-setup`)."""
    from wijkctl import fileio

    try:
        text = fileio.read_regular(root / GITATTRIBUTES, 1024 * 1024).decode("utf-8", errors="replace")
    except (OSError, fileio.Unreadable):
        return None
    present = [line.strip() for line in text.splitlines()]
    if not any("merge=wijkctl" in line for line in present):
        return None
    missing = [line.split()[0] for line in ATTRIBUTES if line not in present]
    if not missing:
        return None
    return Problem(GITATTRIBUTES, max(len(present), 1),
                   f"{opsomming(missing)} {'staat' if len(missing) == 1 else 'staan'} er niet in, dus git voegt "
                   f"{'dat bestand' if len(missing) == 1 else 'die bestanden'} regel voor regel samen; "
                   "draai 'wijkctl git-setup' opnieuw", "waarschuwing", "gitattributes-onvolledig")


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in `root`, never waiting for input; UsageError (exit 2) when git cannot start."""
    import os

    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL,
            errors="replace", check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        raise UsageError("Dit vraagt git, maar git is niet gevonden.") from None
    except OSError as exc:
        raise UsageError(f"git kan niet starten: {exc.strerror}.") from None


def precheck(root: Path, files: tuple[str, ...]) -> None:
    """Refuse --commit (exit 2) unless the commit can hold exactly this change."""
    if git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError(f"--commit: de gegevensmap {root} staat niet in een git-werkmap.")
    busy = in_progress(root)
    if busy:
        raise UsageError(
            f"--commit: er loopt nog een git {busy}. Maak die eerst af (los conflicten op, 'wijkctl check --strict', "
            f"'git add', 'git {busy} --continue') of breek af ('git {busy} --abort'); er is niets veranderd."
        )
    if git(root, "symbolic-ref", "-q", "HEAD").returncode != 0:
        raise UsageError(
            "--commit: git staat niet op een branch (detached HEAD); een commit hier raakt zoek bij de volgende "
            "checkout. Maak of kies eerst een branch ('git switch -c NAAM' of 'git switch main'); er is niets "
            "veranderd."
        )
    if git(root, "diff", "--cached", "--quiet").returncode != 0:
        raise UsageError(
            "--commit: er staan al andere wijzigingen klaar voor een commit (git add). "
            "Commit of herstel die eerst; er is niets veranderd."
        )
    status = git(root, "status", "--porcelain", "--", *files).stdout.strip()
    if status:
        raise UsageError(
            "--commit: de gegevensbestanden hebben wijzigingen die nog niet gecommit zijn:\n"
            f"{status}\nCommit die eerst, zodat deze commit alleen deze wijziging bevat; er is niets veranderd."
        )
    if git(root, "var", "GIT_COMMITTER_IDENT").returncode != 0:
        raise UsageError("--commit: git kent je naam en e-mailadres niet (git config user.name / user.email).")


def in_progress(root: Path) -> str | None:
    """The git operation the work tree is in the middle of (merge, rebase, cherry-pick,
    revert), if any."""
    done = git(root, "rev-parse", "--git-dir")
    if done.returncode != 0:
        return None
    git_dir = (root / done.stdout.strip()).resolve()
    for marker, wat in (("rebase-merge", "rebase"), ("rebase-apply", "rebase"), ("MERGE_HEAD", "merge"),
                        ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert")):
        if (git_dir / marker).exists():
            return wat
    return None


def commit(root: Path, files: list[str], message: str) -> None:
    """Commit exactly `files` (names inside `root`); WriteFailed when git refuses."""
    for args in (("add", "--", *files), ("commit", "-q", "-m", message, "--", *files)):
        done = git(root, *args)
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip() or f"git {args[0]} gaf exit {done.returncode}"
            raise WriteFailed(f"'git {args[0]}' mislukte: {reason}")


def unstage(root: Path, files: list[str]) -> None:
    """Take `files` out of the index again (after a failed commit); best effort."""
    if git(root, "reset", "-q", "--", *files).returncode != 0:
        git(root, "rm", "-q", "--cached", "--", *files)  # no HEAD yet
