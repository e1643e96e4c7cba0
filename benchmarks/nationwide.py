"""Write a synthetic nationwide data set in the contract format.

    python benchmarks/nationwide.py DIR [--wijken 3300]

About 3,300 wijken in 340 gemeenten (one gebied each), figures for all of them, and one
wijk in three with an active wijkplatform with 3 kern members. Deterministic, so runs
compare. The names are invented; nothing here is real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wijkctl import model  # noqa: E402
from wijkctl.schema import REGELINGEN, VERBINDERS, WIJKEN  # noqa: E402
from wijkctl.yamlio import dump_records  # noqa: E402

GEMEENTEN = 340


def build(n_wijken: int, seed: int = 2026, every: int = 3) -> model.Dataset:
    rng = random.Random(seed)
    gebieden = [
        model.Gebied(code=f"gm{g:04d}", naam=f"Gemeente {g:04d}",
                     verbinder=model.Verbinder(naam=f"Verbinder {g:04d}", email=f"verbinder{g:04d}@example.org"))
        for g in range(1, GEMEENTEN + 1)
    ]
    wijken = []
    for i in range(n_wijken):
        g = i % GEMEENTEN + 1
        n = i // GEMEENTEN + 1
        woningen = rng.randint(300, 9000)
        wijk = model.Wijk(
            code=f"gm{g:04d}-wijk-{n:02d}",
            naam=f"Wijk {n:02d} van gemeente {g:04d}",
            cbs_code=f"WK{g:04d}{n:02d}",
            gebied=f"gm{g:04d}",
            buurten=[model.Buurt(naam=f"Buurt {n:02d}-{b} van gemeente {g:04d}") for b in range(1, 3)],
            cijfers=model.Cijfers(
                peiljaar=2024, bron="synthetisch", inwoners=int(woningen * rng.uniform(1.6, 2.6)),
                woningen=woningen, sociale_huurwoningen=int(woningen * rng.uniform(0.05, 0.7)),
                uitkeringen=rng.randint(0, 900),
            ),
        )
        if i % every == 0:
            wijk.organisaties = [model.Organisatie(
                id=f"wijkplatform-{wijk.code}", soort="wijkplatform", naam=f"Wijkplatform {wijk.naam}",
                van=dt.date(2024, rng.randint(1, 12), 1),
                rechtsvorm="stichting", kvk=f"{rng.randint(10_000_000, 99_999_999)}",
                email=f"info@{wijk.code}.example.org",
                kern=[model.KernLid(naam=f"Kernlid {k} {wijk.code}", email=f"k{k}@{wijk.code}.example.org",
                                    telefoon=f"06{rng.randint(10_000_000, 99_999_999)}") for k in range(1, 4)],
            )]
        wijken.append(wijk)
    return model.Dataset(wijken=wijken, gebieden=gebieden)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--wijken", type=int, default=3300)
    args = parser.parse_args()
    data = build(args.wijken)
    args.dir.mkdir(parents=True, exist_ok=True)
    (args.dir / WIJKEN).write_text(dump_records(WIJKEN, data.wijken), encoding="utf-8")
    (args.dir / VERBINDERS).write_text(dump_records(VERBINDERS, data.gebieden), encoding="utf-8")
    shutil.copy(Path(__file__).resolve().parent.parent / "wijkctl" / "data" / REGELINGEN, args.dir / REGELINGEN)


if __name__ == "__main__":
    main()
