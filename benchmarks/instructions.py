"""Instruction counts of wijkctl runs against the interpreter floor, with callgrind.

    python benchmarks/instructions.py [--compare OTHER_PYTHON] [--nationwide DIR]

Wall-clock time on a shared machine varies by tens of percent from run to run;
the number of instructions a run executes does not (valgrind's callgrind counts them).
Each case runs once, warm (the parse cache filled first), with this script's Python and
the `wijkctl` beside it, on the data set that installation bundles; `--compare` names
another installation's Python (say, the previous release in its own virtualenv) whose
`wijkctl` runs the same cases on its own bundled data. Needs
valgrind (Debian package `valgrind`). Ratios are to `python -c "import yaml"`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def count(argv: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise SystemExit(f"callgrind gaf geen telling voor {' '.join(argv)}:\n{done.stderr[-2000:]}")


def nationwide(python: str, work: Path, source: Path) -> dict[str, int]:
    """The counts of look-ups and writes on a copy of a nationwide set (benchmarks/nationwide.py),
    each write a real change that starts from the cache the previous one left."""
    from scaling import cbs_csv, free_wijken

    wijkctl = str(Path(python).parent / "wijkctl")
    data = Path(tempfile.mkdtemp(prefix="nl-", dir=work)) / "nl"
    shutil.copytree(source, data)
    env = {**os.environ, "WIJKCTL_CACHE_DIR": str(work / f"cache-{data.parent.name}")}
    env.pop("WIJKCTL_CHECK_WRITES", None)
    w = [python, wijkctl, "--data-dir", str(data)]
    free = iter(free_wijken(sum(1 for line in (data / "wijken.yaml").open() if line.startswith("- code: "))))
    csv = work / "kwb.csv"
    cbs_csv(csv, 1)
    subprocess.run([*w, "update", "gm0001-wijk-01", "--email", "start@x.nl"], env=env, capture_output=True, check=True)
    cases = {
        "NL verbinder WIJK -o json": ["verbinder", "gm0001-wijk-01", "-o", "json"],
        "NL check": ["check"],
        "NL fmt --check": ["fmt", "--check"],
        "NL register": ["register", next(free), "--name", "P", "--from", "2025-01-01",
                        "-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>"],
        "NL update --email": ["update", "gm0001-wijk-01", "--email", "nieuw@x.nl"],
        "NL import-cbs (20 rijen)": ["import-cbs", str(csv), "--year", "2024"],
    }
    out = {}
    for label, args in cases.items():
        if label == "NL verbinder WIJK -o json":
            subprocess.run([*w, *args], env=env, capture_output=True)
        out[label] = count([*w, *args], env)
    return out


def measure(python: str, work: Path) -> dict[str, int]:
    """The counts for one installation, on the data set it bundles (an older release may
    not read a newer format)."""
    wijkctl = str(Path(python).parent / "wijkctl")
    data = Path(tempfile.mkdtemp(prefix="data-", dir=work)) / "haarlem"
    subprocess.run([wijkctl, "init", str(data)], check=True, capture_output=True)
    env = {**os.environ, "WIJKCTL_CACHE_DIR": str(work / f"cache-{data.parent.name}")}
    cases = {
        "verbinder molenwijk -o json": ["verbinder", "molenwijk", "-o", "json"],
        "list (pipe)": ["list"],
        "show molenwijk (pipe)": ["show", "molenwijk"],
        "check": ["check"],
        # the nightly republish: the page of the bundled set into a folder an earlier run wrote
        "publish": ["publish", str(data.parent / "site"), "--on", "2026-12-02"],
    }
    out = {"vloer": count([python, "-c", "import yaml"], env)}
    for label, args in cases.items():
        argv = [python, wijkctl, "--data-dir", str(data), *args]
        subprocess.run(argv, env=env, capture_output=True)  # fill the cache
        out[label] = count(argv, env)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Tel instructies van wijkctl tegen de vloer.")
    parser.add_argument("--compare", metavar="PYTHON", help="de Python van een andere installatie")
    parser.add_argument("--nationwide", type=Path, metavar="MAP",
                        help="ook look-ups en schrijfacties op (een kopie van) deze landelijke set")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind ontbreekt (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="wijkctl-instr-"))
    runs = {"deze": measure(sys.executable, work)}
    if args.compare:
        runs["ander"] = measure(args.compare, work)
    if args.nationwide:
        for name, python in (("deze", sys.executable), ("ander", args.compare)):
            if python:
                runs[name].update(nationwide(python, work, args.nationwide))
    print(f"{'case':32}" + "".join(f" {name + ' (mln)':>14} {'x vloer':>8}" for name in runs))
    for label in runs["deze"]:
        line = f"{label:32}"
        for counts in runs.values():
            line += f" {counts[label] / 1e6:14.1f} {counts[label] / counts['vloer']:8.3f}"
        print(line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
