"""`commit` and `sync`: git for people who do not know git.

`commit` records the pending data change with the message a `--commit` would have
written. `sync` pulls by merge (so the pre-merge-commit gate runs) and pushes; it never
rebases, stashes, resets or force-pushes, and never waits for input. On a conflict it
says which wijk and what to do; `sync --continue` checks, commits the merge and pushes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import gitops, store
from wijkctl.commands.common import DryRunOpt, data_dir, message
from wijkctl.errors import InvalidData, Refused, UsageError, WriteFailed

# never a prompt and never an editor: a merge commit takes git's own message
QUIET = ("-c", "core.editor=true", "-c", "merge.autoEdit=no")
_REPORT = re.compile(r"wijkctl merge-driver: conflict in (\S+), in (.+):$", re.MULTILINE)


def commit(
    ctx: typer.Context,
    dry_run: DryRunOpt = False,
) -> None:
    """Commit de wijziging van de gegevensbestanden die nog niet gecommit is, met het bericht dat --commit had
    gegeven."""
    root = data_dir(ctx)
    with store.locked(root):
        files = gitops.precheck_pending(root, tuple(store.DATA_FILES))
        if not files:
            message("Niets te committen: de gegevensbestanden zijn gelijk aan de laatste commit.")
            return
        bericht = pending_message(root)
        if dry_run:
            print(bericht)
            message(f"Proefdraai, er is niets gecommit: {', '.join(files)}.")
            return
        try:
            gitops.commit(root, files, bericht)
        except WriteFailed:
            gitops.unstage(root, files)
            raise
    message(f"Gecommit ({', '.join(files)}): {bericht.splitlines()[0]}")


def pending_message(root: Path) -> str:
    """The message for the work tree's data against HEAD (the data must be valid: exit 5)."""
    from wijkctl import commitmsg
    from wijkctl.commands.gitcmds import revision

    new = store.load(root)
    if not gitops.has_head(root):  # the first commit: the data set as `init --commit` would say it
        return f"init: gegevensset {new.gemeentenaam}"
    old = revision(root, gitops.git(root, "rev-parse", "--show-prefix").stdout.strip(), "HEAD")
    return commitmsg.message(old, new) or "fmt: gegevensbestanden in de vaste vorm"


def sync(
    ctx: typer.Context,
    proceed: Annotated[bool, typer.Option("--continue", help="Na een opgelost conflict: controleer, commit de "
                                                             "samenvoeging en push.")] = False,
) -> None:
    """Haal de wijzigingen van anderen op (samenvoegen, nooit rebase) en push de eigen; zegt bij een conflict welke
    wijk en wat te doen."""
    root = data_dir(ctx)
    top = _ready(root)
    busy = gitops.in_progress(root)
    if busy and busy != "merge":
        raise UsageError(f"sync: er loopt een git {busy}; maak die eerst af of breek af ('git {busy} --abort').")
    if busy == "merge":
        if not proceed:
            raise UsageError("sync: de vorige samenvoeging is nog niet af. " + _way_out(top, _conflicts(top)))
        _conclude(root, top)
    else:
        _pending_refused(root)
        _pull(root, top)
    _push(root)


def _ready(root: Path) -> Path:
    """The top of the work tree, once it is a repository on a branch with an upstream and an identity."""
    top = gitops.git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(f"sync: {root} staat niet in een git-werkmap.")
    if gitops.git(root, "symbolic-ref", "-q", "HEAD").returncode != 0:
        raise UsageError("sync: git staat niet op een branch (detached HEAD); kies eerst een branch "
                         "('git switch main').")
    if gitops.git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}").returncode != 0:
        raise UsageError("sync: deze branch heeft geen upstream om mee te synchroniseren; stel die eenmalig in met "
                         "'git push -u origin BRANCH' (of 'git branch --set-upstream-to origin/BRANCH').")
    if gitops.git(root, "var", "GIT_COMMITTER_IDENT").returncode != 0:
        raise UsageError("sync: git kent je naam en e-mailadres niet (git config user.name / user.email).")
    return Path(top.stdout.strip())


def _pending_refused(root: Path) -> None:
    """Uncommitted data changes first become a commit of their own (`wijkctl commit`)."""
    pending = gitops.git(root, "status", "--porcelain", "--", *store.DATA_FILES).stdout.strip()
    if pending:
        raise UsageError("sync: de gegevensbestanden hebben wijzigingen die nog niet gecommit zijn:\n"
                         f"{pending}\nLeg die eerst vast met 'wijkctl commit' en draai dan 'wijkctl sync'. "
                         "Er is niets veranderd.")


def _pull(root: Path, top: Path) -> None:
    """Fetch and merge the upstream; a conflict or a gate that refuses is exit 4 with the way out."""
    fetched = gitops.git(root, "fetch", "--quiet")
    if fetched.returncode != 0:
        raise WriteFailed(f"sync: ophalen mislukte: {_reason(fetched)}. Er is niets veranderd.")
    if gitops.git(root, "merge-base", "--is-ancestor", "@{upstream}", "HEAD").returncode == 0:
        return  # nothing new upstream
    merged = gitops.git(root, *QUIET, "merge", "--ff", "--no-edit", "--no-stat", "@{upstream}")
    if merged.returncode == 0:
        message("Opgehaald en samengevoegd met " + _upstream(root) + ".")
        return
    if gitops.in_progress(root) != "merge":
        raise WriteFailed(f"sync: samenvoegen met {_upstream(root)} mislukte: {_reason(merged)}. "
                          "Er is niets veranderd.")
    conflicts = _conflicts(top, merged.stdout + merged.stderr)
    if conflicts:
        raise Refused(f"sync: conflict bij het samenvoegen met {_upstream(root)}: {_where(conflicts)}. "
                      + _way_out(top, conflicts))
    raise Refused(f"sync: de controle bij het samenvoegen (pre-merge-commit) keurde het resultaat af:\n"
                  f"{_reason(merged)}\nHerstel de gegevens en draai 'wijkctl sync --continue', of breek af met "
                  "'git merge --abort'. Er is niets gepusht.")


def _conflicts(top: Path, report: str = "") -> dict[str, list[str]]:
    """The files still in conflict (paths from the top of the work tree), each with the
    wijken the merge driver reported or whose record sits between the markers."""
    unmerged = gitops.git(top, "diff", "--name-only", "--diff-filter=U", "-z").stdout.split("\0")
    out: dict[str, list[str]] = {path: [] for path in unmerged if path}
    for path, records in _REPORT.findall(report):
        for known in out:
            if known.endswith(path) or path.endswith(known):
                out[known] = [r.strip() for r in records.split(",")]
    for path, records in out.items():
        if not records:
            records.extend(_records_between_markers(top / path))
    return out


def _records_between_markers(path: Path) -> list[str]:
    """The record codes (`- code: …`, `- id: …`) inside git's conflict markers."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for block in re.findall(r"^<{7}.*?^>{7}", text, re.MULTILINE | re.DOTALL):
        found += [m for m in re.findall(r"^- (?:code|id|jaar): (\S+)", block, re.MULTILINE) if m not in found]
    return found


def _where(conflicts: dict[str, list[str]]) -> str:
    return "; ".join(f"{path} (wijk {', '.join(records)})" if records else path for path, records in conflicts.items())


def _way_out(top: Path, conflicts: dict[str, list[str]]) -> str:
    """What to do: edit each data file in conflict, then `sync --continue`; or abort."""
    data = [Path(p).name for p in conflicts if Path(p).name in store.DATA_FILES]
    other = [p for p in conflicts if Path(p).name not in store.DATA_FILES]
    stappen = [f"'wijkctl edit {Path(name).stem}'" for name in data]
    stappen += [f"{p} met de hand (en 'git add {p}')" for p in other]
    wat = f"Los het op met {' en '.join(stappen)}, " if stappen else "Herstel wat de controle meldt, "
    return (wat + "daarna 'wijkctl sync --continue'. Afbreken kan met 'git merge --abort'; er is niets gepusht.")


def _conclude(root: Path, top: Path) -> None:
    """`--continue`: no conflict left, the data valid; then the merge is committed."""
    left = [p for p in _conflicts(top) if Path(p).name not in store.DATA_FILES or _has_markers(top / p)]
    if left:
        raise Refused(f"sync --continue: nog niet opgelost: {', '.join(left)}. " + _way_out(top, _conflicts(top)))
    snap = store.snapshot(root)
    if snap.errors:
        raise InvalidData("sync --continue: de gegevens zijn nog niet in orde; herstel eerst (met 'wijkctl edit "
                          "BESTAND'):", [str(p) for p in snap.errors[: store.MAX_SHOWN]])
    added = gitops.git(root, "add", "--", *[n for n in store.DATA_FILES if (root / n).exists()])
    if added.returncode != 0:
        raise WriteFailed(f"sync --continue: 'git add' mislukte: {_reason(added)}")
    done = gitops.git(root, *QUIET, "commit", "--no-edit", "--quiet")
    if done.returncode != 0:
        raise Refused(f"sync --continue: de commit van de samenvoeging mislukte (de controle van de hooks?):\n"
                      f"{_reason(done)}\nHerstel en draai 'wijkctl sync --continue' opnieuw.")
    message("Samenvoeging gecommit.")


def _has_markers(path: Path) -> bool:
    try:
        return bool(re.search(r"^(<{7}|>{7})(?: |$)", path.read_text(encoding="utf-8", errors="replace"),
                              re.MULTILINE))
    except OSError:
        return False


def _push(root: Path) -> None:
    ahead = gitops.git(root, "rev-list", "--count", "@{upstream}..HEAD").stdout.strip()
    if ahead in ("", "0"):
        message(f"In orde: gelijk met {_upstream(root)}.")
        return
    pushed = gitops.git(root, "push", "--quiet")
    if pushed.returncode != 0:
        raise WriteFailed(f"sync: pushen naar {_upstream(root)} mislukte: {_reason(pushed)}. Je commits staan "
                          "lokaal; draai 'wijkctl sync' opnieuw (iemand anders kan net gepusht hebben).")
    message(f"Gepusht naar {_upstream(root)}: {ahead} {'commit' if ahead == '1' else 'commits'}.")


def _upstream(root: Path) -> str:
    return gitops.git(root, "rev-parse", "--abbrev-ref", "@{upstream}").stdout.strip() or "de upstream"


def _reason(done: subprocess.CompletedProcess[str]) -> str:
    return (done.stderr or done.stdout).strip() or f"git gaf exit {done.returncode}"


COMMANDS = {"commit": commit, "sync": sync}
