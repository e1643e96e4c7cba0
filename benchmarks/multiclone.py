"""Many clones, one origin: how often do concurrent changes merge, and are clean merges right?

    python benchmarks/multiclone.py [--rounds 200] [--clones 5] [--seed 1] [--mode both|git|driver]

One bare origin and N clones of a data repository (the bundled data set, with a kern
recorded for its platforms so that `check --strict` passes). Each round 2 to N clones
each run one random command with --commit from the state they have, then, one after the
other, pull (a merge) and push. A merge is counted as

- clean: merged without conflict; then `check --strict` and `fmt --check` run on it, and
  a clean merge they refuse is "clean but wrong" (the dangerous kind: each side passed
  the gate, the merge does not);
- conflict between wijken: the commands merged touched different wijken;
- conflict within a wijk: they touched a common wijk;
- false conflict: a conflict where both serial orders of the commands (replayed on the
  merge base) succeed, agree, and give data that passes `check --strict` (as both sides
  did): the merge should have been clean;
- clean unlike serial: a clean merge that differs from what both serial orders agree on.

A change that `check --strict` refuses is not committed (the gate, as the pre-commit hook
does). A clone whose merge conflicts aborts it and drops its change (reset to origin), as a
person who retries later would. `--mode git` runs plain git line merges, `--mode driver`
runs after `wijkctl git-setup`, `both` (default) runs each with the same seed.
Needs git and wijkctl on PATH.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

WIJKEN = ["oude-stad", "haarlemmerhoutkwartier", "zijlwegkwartier", "houtvaartkwartier", "duinwijk",
          "waarder-en-veerpolder", "amsterdamsewijk", "slachthuiswijk", "parkwijk", "transvaalwijk",
          "indischewijk", "ter-kleefkwartier", "te-zaanenkwartier", "vogelenwijk", "delftwijk", "vondelkwartier",
          "spaarndam", "europawijk", "boerhaavewijk", "molenwijk", "meerwijk"]
GEBIEDEN = ["centrum", "noord", "oost", "schalkwijk", "zuidwest"]


def sh(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if ok and done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} in {cwd}: {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def members(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        i = rng.randrange(10**6)
        out += ["-m", f"Lid {i} <lid{i}@example.org>"]
    return out


HOT: list[str] = []  # --hot N: every command in these wijken only (more concurrent edits of one wijk)


def command(rng: random.Random, clone: int) -> tuple[list[str], str]:
    """A random command and the wijk it touches; most editors stay in wijken of their own.
    Every wijk has a platform, so a `register` is mostly refused (the ground is taken)."""
    wijk = WIJKEN[(clone * 4 + rng.randrange(4)) % len(WIJKEN)] if rng.random() < 0.7 else rng.choice(WIJKEN)
    if HOT:
        wijk = rng.choice(HOT)
    kind = rng.choice(["register", "add", "add", "remove", "email", "end", "verbinder"])
    if kind == "register":
        return ["register", wijk, "--name", f"Platform {rng.randrange(10**6)}",
                "--from", f"20{rng.randrange(25, 28)}-0{rng.randrange(1, 10)}-01", *members(rng, 3)], wijk
    if kind == "add":
        return ["update", wijk, "--on", "2027-06-01", "--add-member", f"Nieuw {rng.randrange(10**6)} "
                                                                      f"<n{rng.randrange(10**6)}@example.org>"], wijk
    if kind == "remove":
        return ["update", wijk, "--on", "2027-06-01", "--remove-member", f"Kern {rng.randrange(1, 5)}"], wijk
    if kind == "email":
        return ["update", wijk, "--on", "2027-06-01", "--email", f"info{rng.randrange(10**6)}@example.org"], wijk
    if kind == "end":
        return ["end", wijk, "--on", f"2028-0{rng.randrange(1, 10)}-01"], wijk
    gebied = rng.choice(GEBIEDEN)
    return ["set-verbinder", gebied, "--name", f"Verbinder {rng.randrange(10**6)}",
            "--email", f"v{rng.randrange(10**6)}@haarlem.nl"], f"gebied:{gebied}"


def setup(folder: Path, clones: int, driver: bool) -> list[Path]:
    origin = folder / "origin.git"
    sh(folder, "git", "init", "-q", "--bare", str(origin))
    seed = folder / "seed"
    sh(folder, "git", "clone", "-q", str(origin), str(seed))
    sh(seed, "git", "config", "user.email", "seed@example.org")
    sh(seed, "git", "config", "user.name", "seed")
    sh(seed, "wijkctl", "init", "data", "--commit")
    kern = ["-m", "Kern 1 <k1@example.org>", "-m", "Kern 2 <k2@example.org>", "-m", "Kern 3 <k3@example.org>",
            "-m", "Kern 4 <k4@example.org>"]
    for wijk, org in (("oude-stad", "wijkplatform-binnenstad"), ("molenwijk", "wijkplatform-molenwijk")):
        args = [a if a != "-m" else "--add-member" for a in kern]
        sh(seed, "wijkctl", "--data-dir", "data", "update", wijk, "--org", org, *args, "--commit")
    for wijk in WIJKEN:  # a platform everywhere, so that most commands have something to change
        if wijk not in ("oude-stad", "molenwijk"):
            sh(seed, "wijkctl", "--data-dir", "data", "register", wijk, "--name", f"Wijkplatform {wijk}",
               "--from", "2025-01-01", *kern, "--commit")
    sh(seed, "wijkctl", "--data-dir", "data", "check", "--strict")
    sh(seed, "git", "push", "-q", "origin", "HEAD:main")
    out = []
    for i in range(clones):
        clone = folder / f"clone{i}"
        sh(folder, "git", "clone", "-q", "-b", "main", str(origin), str(clone))
        sh(clone, "git", "config", "user.email", f"c{i}@example.org")
        sh(clone, "git", "config", "user.name", f"clone {i}")
        sh(clone, "git", "config", "pull.rebase", "false")
        if driver:
            sh(clone, "wijkctl", "--data-dir", "data", "git-setup")
            # .gitattributes is the clone's own here (each clone would commit it once; kept local)
            (clone / ".git" / "info").mkdir(exist_ok=True)
            shutil.move(clone / "data" / ".gitattributes", clone / ".git" / "info" / "attributes")
            text = (clone / ".git" / "info" / "attributes").read_text()
            (clone / ".git" / "info" / "attributes").write_text(
                "".join(f"data/{line}\n" for line in text.splitlines()))
        out.append(clone)
    return out


def replay(repo: Path, base: str, orders: list[list[list[str]]]) -> list[tuple[bool, dict[str, bytes]]]:
    """Each order of commands run on the commit `base` in a scratch work tree: whether
    every command succeeded, and the data files afterwards."""
    out = []
    for n, commands in enumerate(orders):
        tree = repo.parent / f"replay-{repo.name}-{n}"
        sh(repo, "git", "worktree", "add", "-q", "--detach", str(tree), base)
        try:
            ok = all(sh(tree, "wijkctl", "--data-dir", "data", *args, ok=False).returncode == 0 for args in commands)
            ok = ok and sh(tree, "wijkctl", "--data-dir", "data", "check", "--strict", ok=False).returncode == 0
            files = {p.name: p.read_bytes() for p in sorted((tree / "data").glob("*.yaml"))}
        finally:
            sh(repo, "git", "worktree", "remove", "--force", str(tree))
        out.append((ok, files))
    return out


def serial_agrees(repo: Path, mine: list[str], theirs: list[list[str]]) -> dict[str, bytes] | None:
    """The data both serial orders give, when both succeed, agree and pass the gate."""
    base = sh(repo, "git", "merge-base", "HEAD", "origin/main").stdout.strip()
    (ok1, one), (ok2, two) = replay(repo, base, [[mine, *theirs], [*theirs, mine]])
    return one if ok1 and ok2 and one == two else None


def simulate(rounds: int, clones: int, seed: int, driver: bool) -> Counter:
    rng = random.Random(seed)
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        repos = setup(folder, clones, driver)
        log: list[str] = []  # the wijk (or gebied) of every change pushed, in order
        pushed: list[list[str]] = []  # the command of every change pushed, in order
        seen = [0] * clones  # how much of the log each clone has merged
        for _ in range(rounds):
            active = rng.sample(range(clones), rng.randrange(2, clones + 1))
            touched: dict[int, str] = {}
            ran: dict[int, list[str]] = {}
            for i in active:
                args, wijk = command(rng, i)
                done = sh(repos[i], "wijkctl", "--data-dir", "data", *args, "--commit", ok=False)
                if done.returncode != 0:
                    counts["refused by a rule"] += 1
                elif sh(repos[i], "wijkctl", "--data-dir", "data", "check", "--strict", ok=False).returncode:
                    # the gate (pre-commit hook): a change check --strict refuses is not committed
                    sh(repos[i], "git", "reset", "-q", "--hard", "HEAD~1")
                    counts["refused by the gate"] += 1
                else:
                    touched[i] = wijk
                    ran[i] = args
                    counts["commands"] += 1
            for i in active:
                repo = repos[i]
                sh(repo, "git", "fetch", "-q", "origin")
                behind = sh(repo, "git", "rev-list", "--count", "HEAD..origin/main").stdout.strip() != "0"
                mine = i in touched
                if behind and mine:
                    counts["merges"] += 1
                    merge = sh(repo, "git", "merge", "-q", "--no-edit", "origin/main", ok=False)
                    same = touched[i] in log[seen[i]:]
                    serial = serial_agrees(repo, ran[i], pushed[seen[i]:])
                    if merge.returncode != 0:
                        counts["conflict within a wijk" if same else "conflict between wijken"] += 1
                        counts["false conflict"] += serial is not None
                        if os.environ.get("MULTICLONE_VERBOSE"):
                            print(f"{touched[i]} against {log[seen[i]:]}:", merge.stderr, file=sys.stderr)
                        sh(repo, "git", "merge", "--abort", ok=False)
                        sh(repo, "git", "reset", "-q", "--hard", "origin/main")
                        seen[i] = len(log)
                        continue
                    counts["clean"] += 1
                    merged = {p.name: p.read_bytes() for p in sorted((repo / "data").glob("*.yaml"))}
                    unlike = serial is not None and merged != serial
                    counts["clean unlike serial"] += unlike
                    if unlike and os.environ.get("MULTICLONE_VERBOSE"):
                        import difflib

                        for name in merged:
                            print("".join(difflib.unified_diff(serial[name].decode().splitlines(True),
                                                               merged[name].decode().splitlines(True),
                                                               "serial", "merged")), file=sys.stderr)
                    strict = sh(repo, "wijkctl", "--data-dir", "data", "check", "--strict", ok=False)
                    fmt = sh(repo, "wijkctl", "--data-dir", "data", "fmt", "--check", ok=False)
                    if strict.returncode != 0 or fmt.returncode != 0:
                        counts["clean but wrong"] += 1
                        if os.environ.get("MULTICLONE_VERBOSE"):
                            print(strict.stdout, fmt.stdout, file=sys.stderr)
                        sh(repo, "git", "reset", "-q", "--hard", "origin/main")
                        seen[i] = len(log)
                        continue
                elif behind:
                    sh(repo, "git", "merge", "-q", "--ff-only", "origin/main")
                seen[i] = len(log)
                if mine:
                    sh(repo, "git", "push", "-q", "origin", "HEAD:main")
                    log.append(touched[i])
                    pushed.append(ran[i])
                    seen[i] = len(log)
    return counts


def report(label: str, counts: Counter, seconds: float) -> None:
    merges = counts["merges"] or 1
    print(f"{label}: {counts['commands']} commands, {counts['merges']} merges in {seconds:.0f} s")
    for key in ("clean", "clean but wrong", "clean unlike serial", "conflict between wijken", "conflict within a wijk",
                "false conflict"):
        print(f"  {key:<24} {counts[key]:>5}  ({100 * counts[key] / merges:.1f}% of merges)")
    print(f"  refused by a rule        {counts['refused by a rule']:>5}")
    print(f"  refused by the gate      {counts['refused by the gate']:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--clones", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=["both", "git", "driver"], default="both")
    parser.add_argument("--hot", type=int, default=0, metavar="N", help="every command in the first N wijken only")
    opts = parser.parse_args()
    HOT[:] = WIJKEN[-opts.hot:] if opts.hot else []
    os.environ.setdefault("WIJKCTL_LOCK_TIMEOUT", "30")
    for label, driver in (("git line merge", False), ("wijkctl merge-driver", True)):
        if opts.mode != "both" and opts.mode != ("driver" if driver else "git"):
            continue
        start = time.perf_counter()
        counts = simulate(opts.rounds, opts.clones, opts.seed, driver)
        report(label, counts, time.perf_counter() - start)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
