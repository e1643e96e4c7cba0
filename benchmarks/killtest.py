"""Kill writers with SIGKILL at random moments and check that nothing is ever lost.

    python benchmarks/killtest.py [--rounds 200] [--wijken 3300]

Each round starts one writer (alternately `register` and `update`) on a data set, kills
it after a random delay, and checks: wijken.yaml parses strictly without problems, is
canonical, and is either the file before or the file after a complete change; the next
writer is never blocked. With --wijken the nationwide generator makes a larger file so
that kills land inside the write too. Prints how the kills fell.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wijkctl.yamlio import dump_records, load_text  # noqa: E402

WIJKCTL = shutil.which("wijkctl", path=str(Path(sys.executable).parent)) or "wijkctl"
MEMBERS = ["-m", "A <a@example.org>", "-m", "B <b@example.org>", "-m", "C <c@example.org>"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--wijken", type=int, default=0, help="0: the bundled Haarlem set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--window", type=float, nargs=2, default=(0.0, 1.1), metavar=("VAN", "TOT"),
                        help="kill between these fractions of a full write's duration (0.8 1.05: mostly while writing)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="wijkctl-kill-"))
    data = work / "data"
    if args.wijken:
        subprocess.run([sys.executable, str(Path(__file__).parent / "nationwide.py"), str(data), "--wijken",
                        str(args.wijken)], check=True)
    else:
        subprocess.run([WIJKCTL, "init", str(data)], check=True, capture_output=True)
    env = {**os.environ, "WIJKCTL_LOCK_TIMEOUT": "30", "WIJKCTL_CACHE_DIR": "off"}
    codes = [line.split(": ", 1)[1] for line in (data / "wijken.yaml").read_text().splitlines()
             if line.startswith("- code: ")]
    # a calibration run: how long does one complete write take?
    start = time.perf_counter()
    subprocess.run([WIJKCTL, "--data-dir", str(data), "register", codes[1], "--name", "Kalibratie", "--from",
                    "2025-01-01", *MEMBERS],
                   env=env, check=True, capture_output=True)
    full = time.perf_counter() - start
    counts = {"onveranderd": 0, "veranderd": 0, "tijdelijk bestand achtergelaten": 0, "ongeldig of half": 0}
    for n in range(args.rounds):
        before = (data / "wijken.yaml").read_text()
        code = rng.choice(codes)
        if n % 2:
            argv = ["update", code, "--add-member", f"Lid {n} <lid{n}@example.org>"]
        else:
            argv = ["register", code, "--name", f"Platform {n}", "--from", "2025-01-01", *MEMBERS]
        proc = subprocess.Popen([WIJKCTL, "--data-dir", str(data), *argv], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(full * args.window[0], full * args.window[1]))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = (data / "wijken.yaml").read_text()
        loaded = load_text("wijken.yaml", after)
        if loaded.problems or dump_records("wijken.yaml", loaded.records) != after:
            counts["ongeldig of half"] += 1
        counts["onveranderd" if after == before else "veranderd"] += 1
        leftovers = [p for p in data.iterdir() if p.name.startswith(".")]
        counts["tijdelijk bestand achtergelaten"] += bool(leftovers)
    blocked = subprocess.run([WIJKCTL, "--data-dir", str(data), "fmt"], env={**env, "WIJKCTL_LOCK_TIMEOUT": "1"},
                             capture_output=True).returncode
    left = [p.name for p in data.iterdir() if p.name.startswith(".")]
    print(f"{args.rounds} rondes, een volledige schrijfactie duurt {full * 1000:.0f} ms, wijken.yaml {len(before)} "
          "bytes")
    for key, value in counts.items():
        print(f"  {key}: {value}")
    print(f"  volgende schrijver geblokkeerd: {'ja' if blocked else 'nee'}; tijdelijke bestanden daarna: {len(left)}")
    shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(1 if counts["ongeldig of half"] or blocked or left else 0)


if __name__ == "__main__":
    main()
