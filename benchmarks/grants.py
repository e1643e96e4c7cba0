"""A nationwide set with five subsidy years per platform, and its instruction counts.

    python benchmarks/grants.py DIR            # write the set
    python benchmarks/grants.py DIR --count    # write it, then count the cases with callgrind

The set of benchmarks/nationwide.py, but every wijk has a wijkplatform (kern of 3, active
since 2022) and subsidies.yaml holds five years per platform (3,300 × 5 = 16,500 records):
2023 and 2024 settled (one repaid, one topped up), 2025 accounted for, 2026 awarded with
no payment yet, and 2027 an open application. The regeling of 2024 is copied to
2023–2027. Every file is written by the canonical dumper; `wijkctl check` passes on it.
Counts (`--count`) are callgrind instructions against `python -c "import yaml"`, each run
warm (the cache proven canonical and stamped; a read run once before it is measured, which
keeps grants' texts), each write on a fresh copy of the set with its own warm cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from instructions import count  # noqa: E402
from nationwide import build  # noqa: E402

from wijkctl import model  # noqa: E402
from wijkctl import subsidiemodel as sm  # noqa: E402
from wijkctl.schema import REGELINGEN, SUBSIDIES, VERBINDERS, WIJKEN  # noqa: E402
from wijkctl.yamlio import dump_records  # noqa: E402

JAREN = range(2023, 2028)
RACY_S = 2.2  # past `cache.RACY_NS`: a file changed more recently than that is not stamped
BUNDLED = Path(__file__).resolve().parent.parent / "wijkctl" / "data"


def _subsidie(wijk: model.Wijk, org: model.Organisatie, jaar: int) -> sm.Subsidie:
    """The record of `org` for `jaar`, as far as the year has come by the end of 2026."""
    d = dt.date
    s = sm.Subsidie(id=sm.subsidie_id(jaar, org.id), jaar=jaar, wijk=wijk.code, organisatie=org.id)
    s.aanvraag = sm.Aanvraag(ontvangen=d(jaar - 1, 11, 12), kenmerk=f"Z-{jaar - 1}-{wijk.cbs_code}",
                             gevraagd=6500, bijlagen=["plan", "kern"])
    s.berekening = sm.Berekening(datum=d(jaar - 1, 11, 12), regeling=jaar, maanden=12, bedrag=5000,
                                 cijfers=wijk.cijfers)
    if jaar == 2027:
        return s
    s.besluit = sm.Besluit(soort=sm.VERLEEND, datum=d(jaar - 1, 12, 15), bedrag=5000, kenmerk=f"B-{jaar}-1")
    if jaar == 2026:
        return s
    s.betalingen = [sm.Betaling(datum=d(jaar, 1, 15), bedrag=4000, soort=sm.VOORSCHOT)]
    s.verantwoording = sm.Verantwoording(ontvangen=d(jaar + 1, 3, 1), uitgaven=4600 if jaar % 2 else 5200)
    if jaar == 2025:
        return s
    s.vaststelling = sm.Vaststelling(datum=d(jaar + 1, 4, 15), bedrag=4600 if jaar % 2 else 5000)
    s.betalingen.append(sm.Betaling(datum=d(jaar + 1, 5, 1), bedrag=600 if jaar % 2 else 1000,
                                    soort=sm.TERUGBETALING if jaar % 2 else sm.NABETALING))
    return s


def _regelingen() -> str:
    """The bundled subsidieregeling.yaml with its one regeling (2024) copied to every year."""
    text = (BUNDLED / REGELINGEN).read_text(encoding="utf-8")
    head, body = text.split("regelingen:\n", 1)
    assert body.startswith("- jaar: 2024\n") and body.count("\n- ") == 0
    return head + "regelingen:\n" + "".join(body.replace("- jaar: 2024\n", f"- jaar: {j}\n", 1) for j in JAREN)


def write(path: Path, n_wijken: int) -> None:
    data = build(n_wijken, every=1)
    subsidies = []
    for wijk in data.wijken:
        org = wijk.organisaties[0]
        org.van = dt.date(2022, org.van.month, 1)
        subsidies += [_subsidie(wijk, org, jaar) for jaar in JAREN]
    path.mkdir(parents=True, exist_ok=True)
    (path / WIJKEN).write_text(dump_records(WIJKEN, data.wijken), encoding="utf-8")
    (path / VERBINDERS).write_text(dump_records(VERBINDERS, data.gebieden), encoding="utf-8")
    (path / SUBSIDIES).write_text(dump_records(SUBSIDIES, subsidies), encoding="utf-8")
    (path / REGELINGEN).write_text(_regelingen(), encoding="utf-8")


def counts(source: Path, work: Path) -> dict[str, int]:
    """The callgrind counts of the cases (see the module docstring), with the floor."""
    python = sys.executable
    wijkctl = str(Path(python).parent / "wijkctl")
    env = {**os.environ}
    env.pop("WIJKCTL_CHECK_WRITES", None)

    def fresh(name: str, data: Path) -> list[str]:
        """A copy of `data` with a warm cache: checked, proven canonical (`fmt --check`, as
        any write of wijkctl proves it), and read once after the files' clock tick passed,
        so the entry knows their status (`cache.stamp`), as on a machine in daily use."""
        copy = work / name / data.name
        shutil.copytree(data, copy)
        env["WIJKCTL_CACHE_DIR"] = str(work / name / "cache")
        w = [python, wijkctl, "--data-dir", str(copy)]
        subprocess.run([*w, "check"], env=env, capture_output=True)
        subprocess.run([*w, "fmt", "--check"], env=env, capture_output=True)
        time.sleep(RACY_S)
        subprocess.run([*w, "check"], env=env, capture_output=True)
        return w

    haarlem = work / "haarlem"
    subprocess.run([wijkctl, "init", str(haarlem)], check=True, capture_output=True)
    pay = ["pay", "gm0001-wijk-01", "--year", "2026", "--on", "2026-01-15", "--amount", "4000"]
    grants = ["grants", "--year", "2026", "-o", "json"]
    # label: (copy, data set, what runs before the measured run, the measured run)
    cases = {
        "NL grants --year 2026 -o json": ("nl-grants", source, [grants], grants),
        "NL grants after a pay": ("nl-grants-pay", source, [grants, pay], grants),
        "NL grants, its texts made first": ("nl-grants-new", source, [pay], grants),
        "NL pay (voorschot 2026)": ("nl-pay", source, [], pay),
        "NL award 2027": ("nl-award", source, [], ["award", "gm0001-wijk-01", "--year", "2027", "--on", "2026-12-15"]),
        "NL apply 2028": ("nl-apply", source, [], ["apply", "gm0001-wijk-01", "--year", "2028", "--received",
                                                   "2027-11-12", "--amount", "6500"]),
        "NL update --email": ("nl-update", source, [], ["update", "gm0001-wijk-01", "--email", "nieuw@x.nl"]),
        "Haarlem apply": ("hl-apply", haarlem, [], ["apply", "molenwijk", "--year", "2025", "--received",
                                                    "2024-11-12", "--amount", "6500"]),
        "Haarlem update --email": ("hl-update", haarlem, [], ["update", "molenwijk", "--email", "nieuw@x.nl"]),
        "Haarlem verbinder molenwijk -o json": ("hl-verbinder", haarlem, [["verbinder", "molenwijk", "-o", "json"]],
                                                ["verbinder", "molenwijk", "-o", "json"]),
    }
    out = {"vloer": count([python, "-c", "import yaml"], env)}
    for label, (name, data, before, args) in cases.items():
        w = fresh(name, data)
        for earlier in before:
            subprocess.run([*w, *earlier], env=env, capture_output=True, check=True)
        argv = [*w, *args]
        out[label] = count(argv, env)
        done = subprocess.run([*w, "check"], env=env, capture_output=True)
        if done.returncode:
            raise SystemExit(f"{label}: check faalt na de meting:\n{done.stdout}{done.stderr}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--wijken", type=int, default=3300)
    parser.add_argument("--count", action="store_true", help="tel daarna de gevallen met callgrind")
    args = parser.parse_args()
    write(args.dir, args.wijken)
    if not args.count:
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind ontbreekt (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="wijkctl-grants-"))
    got = counts(args.dir, work)
    for label, n in got.items():
        print(f"{label:40} {n / 1e6:10.1f} mln {n / got['vloer']:8.3f} x vloer")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
