"""Issue 26's table in one run: every case against its goal, in instructions and wall clock.

    python benchmarks/goals.py [--python OTHER_PYTHON] [--runs 5] [--no-callgrind] [--no-wall]

Runs with this script's Python and the `wijkctl` beside it (`--python`: another
installation's, say main's in its own virtualenv), on a fresh nationwide set
(`benchmarks/nationwide.py`, 3,300 wijken) and the bundled Haarlem set, each in a
temporary folder. Instructions are counted with callgrind (one run per case; needs
valgrind), wall clock is the median of `--runs` runs with the floor run beside every case
run. Prints ✔ or ✘ per row and exits 1 when a goal is missed. The floor ("vloer") is
`python -c "import yaml"`; "kaal parsen" is libyaml's bare event stream of the nationwide
files (`for e in yaml.parse(f, Loader=yaml.CSafeLoader): pass`), the goal of a cold `check`.
The other cases (look-ups and writes the issue does not list) are printed without goal, to
compare before and after. Compile the installation's bytecode first
(`python -m compileall -q SITE-PACKAGES`): without .pyc files every run compiles wijkctl.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from instructions import count  # noqa: E402
from scaling import cbs_csv, free_wijken  # noqa: E402

BARE = ("import sys, yaml\n"
        "for name in sys.argv[1:]:\n"
        "    with open(name, encoding='utf-8') as f:\n"
        "        for e in yaml.parse(f, Loader=yaml.CSafeLoader): pass\n")


class Case:
    """One row: its argv (a list, or a function of the run's number), what runs before it
    uncounted (`before`), its goal (a ratio to `against`, "vloer" or "kaal parsen")."""

    def __init__(self, label: str, argv, goal: float | None = None, against: str = "vloer",
                 before=None, fresh_cache: bool = False):
        self.label, self.argv, self.goal, self.against = label, argv, goal, against
        self.before, self.fresh_cache = before, fresh_cache

    def args(self, n: int) -> list[str]:
        return self.argv(n) if callable(self.argv) else self.argv


def cases(python: str, work: Path) -> list[Case]:
    wijkctl = str(Path(python).parent / "wijkctl")
    haarlem, nl = work / "haarlem", work / "nl"
    subprocess.run([wijkctl, "init", str(haarlem)], check=True, capture_output=True)
    subprocess.run([python, str(HERE / "nationwide.py"), str(nl)], check=True)
    files = [str(nl / name) for name in ("wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml")]
    csv = work / "kwb.csv"
    cbs_csv(csv, 1)
    h, w = [python, wijkctl, "--data-dir", str(haarlem)], [python, wijkctl, "--data-dir", str(nl)]
    free = free_wijken(3300)
    warm = [[*w, "update", "gm0001-wijk-01", "--email", "start@x.nl"]]  # the first write proves the files
    return [
        Case("vloer: python -c 'import yaml'", [python, "-c", "import yaml"]),
        Case("kaal parsen (libyaml-events)", [python, "-c", BARE, *files]),
        Case("Haarlem verbinder molenwijk -o json", [*h, "verbinder", "molenwijk", "-o", "json"], 2.0,
             before=[[*h, "verbinder", "molenwijk"]]),
        Case("NL verbinder WIJK -o json", [*w, "verbinder", "gm0100-wijk-05", "-o", "json"], 2.5,
             before=[*warm, [*w, "verbinder", "gm0100-wijk-05"]]),
        Case("NL update --email", lambda n: [*w, "update", "gm0100-wijk-04", "--email", f"info{n}@x.nl"], 4.0,
             before=warm),
        Case("NL check direct na fmt", [*w, "check"], 6.0, before=[[*w, "fmt"]], fresh_cache=True),
        Case("NL check, koud (geen cache)", [*w, "check"], 1.5, against="kaal parsen", fresh_cache=True),
        Case("NL subsidy --year 2025 -o json", [*w, "subsidy", "--year", "2025", "-o", "json"], 6.0,
             before=[[*w, "verbinder", "gm0100-wijk-05"]]),
        Case("NL fmt --check, koud", [*w, "fmt", "--check"], fresh_cache=True),
        Case("NL register", lambda n: [*w, "register", free[n], "--name", f"Platform {n}", "--from", "2025-01-01",
                                       "-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>"], before=warm),
        Case("NL import-cbs (20 rijen)", [*w, "import-cbs", str(csv), "--year", "2024"], before=warm),
    ]


def _env(work: Path, case: Case, n: int) -> dict[str, str]:
    env = {**os.environ}
    env.pop("WIJKCTL_CHECK_WRITES", None)
    cache = work / (f"cache-{case.label.split()[0]}-{n}" if case.fresh_cache else "cache")
    env["WIJKCTL_CACHE_DIR"] = str(cache)
    return env


def _prepare(work: Path, case: Case, n: int) -> dict[str, str]:
    env = _env(work, case, n)
    if case.fresh_cache:
        shutil.rmtree(env["WIJKCTL_CACHE_DIR"], ignore_errors=True)
    for argv in case.before or []:
        subprocess.run(argv, env=env, capture_output=True, check=False)
    return env


def instructions(all_cases: list[Case], work: Path) -> dict[str, int]:
    out = {}
    for case in all_cases:
        env = _prepare(work, case, 1000)
        out[case.label] = count(case.args(1000), env)
        print(f"  {case.label}: {out[case.label]}", file=sys.stderr, flush=True)
    return out


def wall(all_cases: list[Case], work: Path, runs: int) -> dict[str, float]:
    """Median seconds per case; the floor run just before every case run, round by round."""
    times: dict[str, list[float]] = {c.label: [] for c in all_cases}
    floors: dict[str, list[float]] = {c.label: [] for c in all_cases}
    for n in range(runs):
        for case in all_cases:
            env = _prepare(work, case, n)
            floors[case.label].append(_timed(all_cases[0].args(n), env))
            times[case.label].append(_timed(case.args(n), env))
    out = {label: statistics.median(t) for label, t in times.items()}
    out["_vloer"] = statistics.median(t for ts in floors.values() for t in ts)
    return out


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def report(all_cases: list[Case], counts: dict[str, int] | None, seconds: dict[str, float] | None) -> bool:
    met = True
    label = {"vloer": all_cases[0].label, **{c.label.split(" (")[0]: c.label for c in all_cases}}
    print(f"{'geval':40} {'mln instr.':>11} {'x':>7} {'doel':>12}  {'ms':>8} {'x':>7}")
    for case in all_cases:
        line = f"{case.label:40}"
        verdicts = []
        if counts is not None:
            ratio = counts[case.label] / counts[label[case.against]]
            line += f" {counts[case.label] / 1e6:11.1f} {ratio:7.3f}"
            verdicts.append(ratio)
        if case.goal is not None:
            line += f" {'≤ ' + format(case.goal, 'g') + 'x ' + ('kaal' if case.against != 'vloer' else ''):>12}"
        else:
            line += " " * 13
        if seconds is not None:
            against = seconds["_vloer"] if case.against == "vloer" else seconds[label[case.against]]
            ratio = seconds[case.label] / against
            line += f"  {seconds[case.label] * 1000:8.1f} {ratio:7.3f}"
        if case.goal is not None and verdicts:
            ok = verdicts[0] <= case.goal
            met = met and ok
            line += "  ✔" if ok else "  ✘"
        print(line)
    if counts is None and seconds is not None:
        print("(zonder instructietelling: het oordeel ✔/✘ volgt alleen uit de instructies)")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable, help="de Python van de installatie die gemeten wordt")
    parser.add_argument("--runs", type=int, default=5, help="runs per geval voor de kloktijd (mediaan)")
    parser.add_argument("--no-callgrind", action="store_true", help="geen instructies tellen")
    parser.add_argument("--no-wall", action="store_true", help="geen kloktijd meten")
    parser.add_argument("--only", nargs="+", metavar="TEKST",
                        help="alleen de gevallen waarvan de naam een van deze teksten bevat (en de vloer)")
    args = parser.parse_args()
    if not args.no_callgrind and not shutil.which("valgrind"):
        raise SystemExit("valgrind ontbreekt (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="wijkctl-goals-"))
    try:
        all_cases = cases(args.python, work)
        if args.only:
            chosen = [c for c in all_cases[1:] if any(t in c.label for t in args.only)]
            against = {c.against for c in chosen}
            all_cases = [all_cases[0], *(c for c in all_cases[1:] if c in chosen or c.label.split(" (")[0] in against)]
        counts = None if args.no_callgrind else instructions(all_cases, work)
        seconds = None if args.no_wall else wall(all_cases, work, args.runs)
        met = report(all_cases, counts, seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(0 if met else 1)


if __name__ == "__main__":
    main()
