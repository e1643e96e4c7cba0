"""How reads and writes grow with the data: 3,300, 10,000 and 33,000 wijken.

    python benchmarks/scaling.py [--sizes 3300 10000 33000] [--runs 5]

For each size a synthetic set (benchmarks/nationwide.py) in a temporary folder; every
case a separate process, the median of --runs, and the ratio to the floor
(`python -c "import yaml"`, run beside every case run, round by round). The write cases change the data on every run
(a new wijk,
a new e-mail, new figures for 20 wijken) and start from the parse cache the previous
write left, after one uncounted write that proves the files canonical. Peak memory of
one nationwide write is reported from `/usr/bin/time -v` where that exists.
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
GEMEENTEN = 340


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr.decode()}")
    return elapsed


def free_wijken(size: int) -> list[str]:
    """Codes of wijken without an organisation (nationwide.py gives one in three one)."""
    out = []
    for i in range(size):
        if i % 3:
            g, n = i % GEMEENTEN + 1, i // GEMEENTEN + 1
            out.append(f"gm{g:04d}-wijk-{n:02d}")
    return out


def cbs_csv(path: Path, run: int) -> None:
    """A CBS Kerncijfers CSV with 20 Wijk rows (codes of the synthetic set), new figures each run."""
    header = '"ID";"WijkenEnBuurten";"SoortRegio_2";"Codering_3";"AantalInwoners_5";"Woningvoorraad_35";' \
             '"InBezitWoningcorporatie_49";"PersonenPerSoortUitkeringBijstand_87"'
    rows = [f'{i};"x";"Wijk      ";"WK{g:04d}01  ";{1000 + run + i};{500 + run};"{20 + i % 50},5";{10 + run}'
            for i, g in enumerate(range(1, 21))]
    path.write_text("\ufeff" + "\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3300, 10000, 33000])
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wijkctl-scaling-"))
    env = {**os.environ, "WIJKCTL_CACHE_DIR": str(work / "cache")}
    env.pop("WIJKCTL_CHECK_WRITES", None)
    floors: list[float] = []
    cases = ["verbinder -o json", "check", "fmt --check", "register", "update --email", "import-cbs (20 rijen)"]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {opts.runs} runs, medians")
    print(f"{'case':24}" + "".join(f"{size:>16,}" for size in opts.sizes))
    table: dict[str, list[str]] = {c: [] for c in cases}
    peak = ""
    for size in opts.sizes:
        data = work / f"nl{size}"
        subprocess.run([sys.executable, str(HERE / "nationwide.py"), str(data), "--wijken", str(size)], check=True,
                       capture_output=True)
        w = [WIJKCTL, "--data-dir", str(data)]
        free = iter(free_wijken(size))
        with_platform = "gm0001-wijk-01"
        counter = iter(range(10**9))
        csv = work / "kwb.csv"
        timed([*w, "update", with_platform, "--email", "start@x.nl"], env)  # proves canonical, fills the cache
        timed([*w, "verbinder", with_platform, "-o", "json"], env)
        argv = {
            "verbinder -o json": lambda: [*w, "verbinder", with_platform, "-o", "json"],
            "check": lambda: [*w, "check"],
            "fmt --check": lambda: [*w, "fmt", "--check"],
            "register": lambda: [*w, "register", next(free), "--name", "P", "--from", "2025-01-01",
                                 "-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>"],
            "update --email": lambda: [*w, "update", with_platform, "--email", f"e{next(counter)}@x.nl"],
            "import-cbs (20 rijen)":
                lambda: (cbs_csv(csv, next(counter)), [*w, "import-cbs", str(csv), "--year", "2024"])[1],
        }
        # round by round, every case once and the floor beside it, so that the noise of a
        # shared machine falls on the floor and the cases alike
        times: dict[str, list[float]] = {c: [] for c in [*cases, "floor"]}
        for _ in range(opts.runs):
            for case in cases:
                times[case].append(timed(argv[case](), env))
                times["floor"].append(timed([sys.executable, "-c", "import yaml"], env))
        floor = statistics.median(times["floor"])
        floors.append(floor)
        for case in cases:
            med = statistics.median(times[case])
            table[case].append(f"{med * 1000:7.0f} ms {med / floor:5.1f}x")
        if shutil.which("/usr/bin/time") and size == opts.sizes[0]:
            done = subprocess.run(["/usr/bin/time", "-v", *argv["register"]()], capture_output=True, text=True,
                                  env=env, check=False)
            peak = next((line.split(":")[1].strip() for line in done.stderr.splitlines()
                         if "Maximum resident" in line), "")
        shutil.rmtree(data)
    for case in cases:
        print(f"{case:24}" + "".join(f"{cell:>16}" for cell in table[case]))
    print(f"{'floor (import yaml)':24}" + "".join(f"{f * 1000:13.0f} ms" for f in floors))
    if peak:
        print(f"peak memory of a register on {opts.sizes[0]:,} wijken: {int(peak) // 1024} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
