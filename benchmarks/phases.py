"""Where one wijkctl run spends its time, phase by phase (wall clock, in one process).

    python benchmarks/phases.py [--runs 5] -- --data-dir DIR update WIJK --email x@y.nl

Runs the command in this process `--runs` times (a write changes the data each time
when its arguments contain {n}, replaced by the run's number) and prints, per phase, the
median time in milliseconds: the imports once, then the functions of the read and write
paths named below. Phases nest (`snapshot_for_write` includes `cache.get`), so they do
not add up to the run. Unlike cProfile, it adds next to nothing to what it measures.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time

start = time.perf_counter()
from wijkctl import (  # noqa: E402
    cache,
    cli,  # the imports are measured
    fileio,
    rules,
    store,
    transaction,
    validate,
    yamlio,
)

IMPORTS = time.perf_counter() - start
PHASES = [
    (store, "read_bytes"), (cache, "key"), (cache, "get"), (cache, "put"), (store, "dataset"),
    (store, "snapshot_for_write"), (store, "load"), (rules, "match_wijk"), (transaction, "_plan_from_cache"),
    (transaction._CachePlan, "text"), (transaction._CachePlan, "verify"), (transaction._CachePlan, "remember"),
    (validate, "valid_change"), (yamlio, "dump_record"), (yamlio, "load_text"), (fileio, "replace_files"),
]
spent: dict[str, float] = {}


def _timed(owner: object, name: str) -> None:
    original = getattr(owner, name)
    label = f"{getattr(owner, '__name__', owner)}.{name}".removeprefix("wijkctl.")

    @functools.wraps(original)
    def wrapper(*args: object, **kwargs: object) -> object:
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - begin

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    argv = [a for a in opts.args if a != "--"]
    for owner, name in PHASES:
        _timed(owner, name)
    totals: list[float] = []
    phases: dict[str, list[float]] = {}
    for n in range(opts.runs):
        spent.clear()
        sys.argv = ["wijkctl", *(a.replace("{n}", str(n)) for a in argv)]
        begin = time.perf_counter()
        try:
            cli.main()
        except SystemExit:
            pass
        totals.append(time.perf_counter() - begin)
        for label, seconds in spent.items():
            phases.setdefault(label, []).append(seconds)
    print(f"{'imports (once)':32} {IMPORTS * 1000:7.1f} ms", file=sys.stderr)
    print(f"{'the run (median)':32} {statistics.median(totals) * 1000:7.1f} ms", file=sys.stderr)
    for label, seconds in sorted(phases.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {label:30} {statistics.median(seconds) * 1000:7.1f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
