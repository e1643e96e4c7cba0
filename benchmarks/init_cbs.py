"""`init --from-cbs` on a synthetic national CBS Kerncijfers table (issue 23: <= 3 s, <= 150 MB).

Writes a CSV shaped as CBS publishes it (BOM, `;`, padded cells, Land, Gemeente, Wijk and
Buurt rows of 342 gemeenten, about 17,000 rows), then times `wijkctl init DIR --from-cbs`
for one gemeente in a fresh process and reports its wall time and peak memory (max RSS).

    python benchmarks/init_cbs.py [--runs 5] [--count]

Wall time on a shared machine says more about the other load than about wijkctl, so it also
reports the user CPU time of the runs, and with `--count` the instructions of one run
(callgrind, as `benchmarks/instructions.py` counts them) against the floor `python -c
"import yaml"`. Run `python -m compileall -q` over the installation first.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;Woningvoorraad_34;"
          "InBezitWoningcorporatie_40;PersonenPerSoortUitkeringBijstand_74")


def national(path: Path, gemeenten: int = 342, wijken: int = 10, buurten: int = 4) -> int:
    """The synthetic table; returns its number of rows."""
    rows = [("Nederland", "Nederland", "Land", "NL00")]
    for g in range(1, gemeenten + 1):
        naam = f"Gemeente {g:04d}"
        rows.append((naam, naam, "Gemeente", f"GM{g:04d}"))
        for w in range(wijken):
            rows.append((f"Wijk {w:02d} {naam}", naam, "Wijk", f"WK{g:04d}{w:02d}"))
            rows += [(f"Buurt {w:02d}{b:02d} {naam}", naam, "Buurt", f"BU{g:04d}{w:02d}{b:02d}")
                     for b in range(buurten)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + HEADER + "\r\n")
        for i, (naam, gemeente, soort, code) in enumerate(rows, 1):
            out.write(f"{i};{naam:<40};{gemeente:<40};{soort:<10};{code:<10};{1000 + i % 5000:>10};"
                      f"{400 + i % 2000:>10};{i % 90:>4};{i % 300:>7}\r\n")
    return len(rows)


def _argv(target: Path, csv: Path) -> list[str]:
    return [sys.executable, "-m", "wijkctl", "init", str(target), "--from-cbs", str(csv), "--year", "2023",
            "--gemeente", "Gemeente 0200"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", action="store_true", help="also count instructions with callgrind")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wijkctl-init-cbs-"))
    csv = work / "kwb.csv"
    n = national(csv)
    env = {**os.environ, "WIJKCTL_CACHE_DIR": str(work / "cache")}
    times, cpu, peaks = [], [], []
    for run in range(args.runs):
        target = work / f"reg{run}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        start = time.perf_counter()
        done = subprocess.run(_argv(target, csv), capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(usage.ru_utime - before)
        peaks.append(usage.ru_maxrss / 1024)
    median = sorted(times)[len(times) // 2]
    print(f"{n} rows, {csv.stat().st_size / 1e6:.1f} MB; init --from-cbs: median {median:.2f} s wall, "
          f"median {sorted(cpu)[len(cpu) // 2]:.2f} s user CPU, max RSS {max(peaks):.0f} MB over {args.runs} runs")
    if args.count:
        from instructions import count

        floor = count([sys.executable, "-c", "import yaml"], env)
        init = count(_argv(work / "counted", csv), env)
        print(f"instructions: init --from-cbs {init / 1e6:.0f} mln, floor {floor / 1e6:.0f} mln "
              f"({init / floor:.1f}× the floor)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
