"""Whole-process timings of wijkctl against the interpreter floor.

    python benchmarks/bench.py [--runs 21] [--nationwide DIR] [--compare OTHER_WIJKCTL]

The floor is `python -c "import yaml"` with the same interpreter: starting Python and
loading the YAML library, what any Python tool reading YAML pays. Every case is run as a
separate process with stdout piped, the cases interleaved round by round so that machine
noise spreads evenly, and reported as the median and as a ratio to the floor's median.
Look-ups are measured warm (the parse cache filled by a first, uncounted run); `check`
and the "koud" cases never use the cache. The write cases ("NL register", "NL update")
change the nationwide set on every run (a new wijk, a new e-mail), so each is a real
write that starts from the cache the previous write left. Run it with the project's own virtualenv.
With --compare, every case also runs with another installation's `wijkctl` (say, the
previous release in its own virtualenv), interleaved in the same rounds, so that a
change is measured before and after in one run.
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
WIJKCTL = shutil.which("wijkctl", path=str(Path(sys.executable).parent)) or "wijkctl"


def cases(haarlem: Path, nl: Path, year: int, wijkctl: str = WIJKCTL) -> list[tuple[str, list[str], float | None,
                                                                                    dict[str, str]]]:
    """(label, argv, target ratio or None, extra environment)."""
    w = [wijkctl, "--data-dir"]
    cold = {"WIJKCTL_CACHE_DIR": "off"}
    return [
        ("vloer: python -c 'import yaml'", [sys.executable, "-c", "import yaml"], None, {}),
        ("verbinder molenwijk -o json", [*w, str(haarlem), "verbinder", "molenwijk", "-o", "json"], 2.6, {}),
        ("verbinder molenwijk (pipe)", [*w, str(haarlem), "verbinder", "molenwijk"], 3.0, {}),
        ("list (pipe)", [*w, str(haarlem), "list"], 3.0, {}),
        ("verbinder molenwijk -o json, koud", [*w, str(haarlem), "verbinder", "molenwijk", "-o", "json"], None, cold),
        ("subsidy -o json", [*w, str(haarlem), "subsidy", "--year", str(year), "-o", "json"], None, {}),
        ("check", [*w, str(haarlem), "check"], None, {}),
        ("Tab: aanvullen van WIJK", [wijkctl], None, {
            "_WIJKCTL_COMPLETE": "complete_bash", "COMP_CWORD": "4",
            "COMP_WORDS": f"wijkctl --data-dir {haarlem} show mee"}),
        ("NL verbinder WIJK -o json", [*w, str(nl), "verbinder", "gm0100-wijk-05", "-o", "json"], 2.5, {}),
        ("NL verbinder WIJK -o json, koud", [*w, str(nl), "verbinder", "gm0100-wijk-05", "-o", "json"], None, cold),
        ("NL check", [*w, str(nl), "check"], 6.0, {}),
        ("NL fmt --check", [*w, str(nl), "fmt", "--check"], None, {}),
        ("NL subsidy -o json (alle)", [*w, str(nl), "subsidy", "--year", str(year), "-o", "json"], 40.0, {}),
        # writes: {n} is a counter and {wijk} a wijk without an organisation, new every run
        ("NL register", [*w, str(nl), "register", "{wijk}", "--name", "Platform {n}", "--from", "2025-01-01",
                         "-m", "A <a{n}@x.nl>", "-m", "B <b{n}@x.nl>", "-m", "C <c{n}@x.nl>"], 4.0, {}),
        ("NL update --email", [*w, str(nl), "update", "gm0100-wijk-04", "--email", "info{n}@x.nl"], 4.0, {}),
        ("NL update --add-member", [*w, str(nl), "update", "gm0100-wijk-04", "--add-member", "Lid {n} <l{n}@x.nl>"],
         4.0, {}),
        ("NL import-cbs (20 rijen)", [*w, str(nl), "import-cbs", "{csv}", "--year", "2024"], 6.0, {}),
    ]


# wijken of the nationwide set without an organisation (nationwide.py: one in three has one)
FREE = iter([f"gm{g:04d}-wijk-{n:02d}" for n in range(2, 9) for g in range(1, 341) if ((n - 1) * 340 + g - 1) % 3])
COUNTER = iter(range(10**9))


def run_once(argv: list[str], env: dict[str, str]) -> float:
    if any("{" in a for a in argv):
        n = next(COUNTER)
        wijk = next(FREE) if "{wijk}" in argv else ""
        csv = ""
        if "{csv}" in argv:  # a CBS table with new figures for 20 wijken, every run
            from scaling import cbs_csv

            csv = str(Path(env["WIJKCTL_CACHE_DIR"]).parent / f"kwb{n}.csv")
            cbs_csv(Path(csv), n)
        argv = [a.replace("{n}", str(n)).replace("{wijk}", wijk).replace("{csv}", csv) for a in argv]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} gaf exit {done.returncode}:\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description="Meet wijkctl tegen de vloer van de interpreter.")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--nationwide", type=Path, help="map met de landelijke set (anders gemaakt in /tmp)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--compare", metavar="WIJKCTL", help="een andere wijkctl om in dezelfde rondes te meten")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wijkctl-bench-"))
    haarlem = work / "haarlem"
    subprocess.run([WIJKCTL, "init", str(haarlem)], check=True, capture_output=True)
    nl = work / "nl"  # a copy: the write cases change it
    if args.nationwide:
        shutil.copytree(args.nationwide, nl)
    else:
        subprocess.run([sys.executable, str(HERE / "nationwide.py"), str(nl)], check=True)
    env = {**os.environ, "WIJKCTL_CACHE_DIR": str(work / "cache")}
    todo = cases(haarlem, nl, args.year)
    other = cases(haarlem, nl, args.year, args.compare)[1:] if args.compare else []
    # its own cache: each installation keys the cache by its own code and would evict the other's
    other = [(f"{label} [ander]", argv, None, {"WIJKCTL_CACHE_DIR": str(work / "cache-ander"), **extra})
             for label, argv, _target, extra in other]
    for _label, argv, _target, extra in todo + other:  # warm the cache and the OS file cache
        run_once(argv, {**env, **extra})
    times: dict[str, list[float]] = {label: [] for label, *_ in todo + other}
    for _ in range(args.runs):
        for label, argv, _target, extra in todo + other:
            times[label].append(run_once(argv, {**env, **extra}))
    floor = statistics.median(times[todo[0][0]])
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per case, medians")
    header = f"{'case':40} {'ms':>8} {'x vloer':>8} {'doel':>6}  {'':8}"
    print(header + (f" {'ander ms':>9} {'x vloer':>8}" if other else ""))
    failed = 0
    for label, _argv, target, _extra in todo:
        med = statistics.median(times[label])
        ratio = med / floor
        verdict = "" if target is None else ("ok" if ratio <= target else "TE TRAAG")
        failed += verdict == "TE TRAAG"
        line = f"{label:40} {med * 1000:8.1f} {ratio:8.2f} {'' if target is None else f'{target:.1f}':>6}  {verdict:8}"
        if f"{label} [ander]" in times:
            med_other = statistics.median(times[f"{label} [ander]"])
            line += f" {med_other * 1000:9.1f} {med_other / floor:8.2f}"
        print(line.rstrip())
    shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
