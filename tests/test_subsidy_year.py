"""Issue 22's "done when": the subsidy year of one platform by commands only.

Runs docs/subsidy-year.sh: a fresh data repository made with `init`, an application on
12 November for next year (its berekening frozen), newer figures that move today's
computation but not the frozen one, the award (another refused past the plafond), the
voorschot, the verantwoording the next spring, the vaststelling at less than granted and
the repayment until `grants` says afgerond, `due` on each key date, and the finance
export read back by openpyxl. No data file is edited by hand: the regeling's plafond and
terms are set with `regeling set`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from wijkctl import store

from .conftest import REPO, Run
from .test_concurrency import WIJKCTL

SCRIPT = REPO / "docs" / "subsidy-year.sh"
MOLEN = "2027-wijkplatform-molenwijk"


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> tuple[str, Path]:
    """What the script printed, and the data directory it left."""
    work = tmp_path_factory.mktemp("year") / "work"
    env = {**os.environ, "PATH": f"{Path(WIJKCTL).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("WIJKCTL_DATA", None)
    done = subprocess.run(["bash", str(SCRIPT), str(work)], capture_output=True, text=True, env=env, check=False,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    return done.stdout, work / "repo"


def _due(out: str, on: str) -> list[str]:
    """The lines `due --on ON` printed."""
    block = out.split(f"$ wijkctl due --on {on} ")[1].split("\n\n")[0]
    return block.splitlines()[1:]


def _money(out: str, after: str) -> list[str]:
    """The money block of the first `diff` after the line holding `after`."""
    block = out.split(after, 1)[1].split("Subsidie die daardoor anders uitkomt:\n", 1)[1].split("\n\n")[0]
    return block.splitlines()


needs = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")


@needs
def test_the_script_edits_no_data_file_by_hand(year):
    text = SCRIPT.read_text(encoding="utf-8")
    assert not re.search(r">\s*\S*\.ya?ml|sed -i|\bed\b|\.yaml", text)
    assert "wijkctl regeling set --year 2024 --plafond 10000" in text
    out, repo = year
    log = out.split("$ git log --format=%s\n", 1)[1].splitlines()
    assert log[:9] == [
        "pay: Wijkplatform Molenwijk 2027, € 400 terugbetaald op 20 mei 2028 (terugbetaling)",
        "settle: Wijkplatform Molenwijk 2027, € 6.100 vastgesteld (Z-2026-0412-V); € 400 terug te vorderen",
        "account: Wijkplatform Molenwijk 2027, verantwoording ontvangen op 10 maart 2028, € 6.100 uitgegeven",
        "import-cbs: CBS Kerncijfers wijken en buurten 2026, 21 wijken",
        "pay: Wijkplatform Molenwijk 2027, € 6.500 betaald op 15 januari 2027 (voorschot)",
        "refuse: Wijkplatform Binnenstad 2027, geweigerd (Z-2026-0431-B)",
        "award: Wijkplatform Molenwijk 2027, € 6.500 verleend (Z-2026-0412-B)",
        "import-cbs: CBS Kerncijfers wijken en buurten 2025, 21 wijken",
        "apply: Wijkplatform Binnenstad 2027, aanvraag ontvangen op 20 november 2026 (Z-2026-0431), berekend € 5.000",
    ]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == ""


@needs
def test_due_flags_each_step_on_its_date(year):
    out, _repo = year
    assert _due(out, "2026-10-25") == ["2026-11-01  aanvraag volgend jaar  Vanaf 1 november 2026 kan subsidie voor "
                                       "2027 worden aangevraagd."]
    (besluit,) = _due(out, "2026-12-28")
    assert besluit.startswith("2027-01-07  beslistermijn  Wijkplatform Molenwijk (Molenwijk), 2027:")
    (verantwoording,) = _due(out, "2028-03-05")
    assert verantwoording.startswith("2028-04-01  verantwoording  Wijkplatform Molenwijk (Molenwijk), 2027:")
    (vaststelling,) = _due(out, "2028-04-28")
    assert vaststelling.startswith("2028-05-05  vaststellingstermijn  Wijkplatform Molenwijk (Molenwijk), 2027:")
    (saldo,) = _due(out, "2028-05-01")
    assert saldo.startswith("2028-05-01  saldo open") and "€ 400 terug te vorderen" in saldo
    assert _due(out, "2028-05-21") == []  # afgerond: nothing left to do


@needs
def test_the_berekening_stays_frozen_while_todays_computation_moves(year):
    out, repo = year
    data = store.load(repo / "data")
    (record,) = [s for s in data.of("subsidies") if s.id == MOLEN]
    assert record.berekening.bedrag == 6500 and record.berekening.cijfers.peiljaar == 2024
    assert record.berekening.cijfers.inwoners == 8135  # the figures as they were on the day of the application
    (entry,) = json.loads(Run(repo / "data")("subsidy", "molenwijk", "--year", "2027", "-o", "json").stdout)[
        "subsidies"]
    assert entry["bedrag"] == 8000 and entry["berekening"]["bedrag"] == entry["besluit"]["bedrag"] == 6500
    first = _money(out, "CBS publishes newer figures")
    assert any(line.strip().startswith("2027 Molenwijk") and line.endswith("€ 6.500 → € 9.500") for line in first)
    later = _money(out, "newer figures again")
    assert not any(line.strip().startswith("2027") for line in later)  # decided: unchanged by later figures
    assert any(line.strip().startswith("2026 Molenwijk") for line in later)  # undecided: it moves
    assert "over het subsidieplafond van 2027" in out and "(exit 4)" in out


@needs
def test_grants_ends_afgerond_and_the_export_opens_with_typed_cells(year):
    import openpyxl

    _out, repo = year
    rows = {r["id"]: r for r in json.loads(Run(repo / "data")("grants", "--year", "2027", "-o", "json").stdout)}
    molen = rows[MOLEN]
    assert (molen["status"], molen["betaald"], molen["saldo"]) == ("afgerond", 6100, 0)
    assert molen["vaststelling"]["bedrag"] == 6100 < molen["besluit"]["bedrag"] == 6500
    assert rows["2027-wijkplatform-binnenstad"]["status"] == "geweigerd"
    for name, money, day in (("grants-2027-verleend.xlsx", "Verleend", "Uiterlijk"),
                             ("grants-2027.xlsx", "Vastgesteld", None), ("payments-2027.xlsx", "Bedrag", "Datum")):
        sheet = openpyxl.load_workbook(repo / name).active
        header = [c.value for c in sheet[1]]
        first = {h: c for h, c in zip(header, sheet[2])}
        assert isinstance(first[money].value, int) and "€" in first[money].number_format
        assert first["Wijk"].data_type == "s"
        if day is not None:
            assert isinstance(first[day].value, dt.datetime), (name, day, first[day].value)
        if "KvK" in first:
            assert first["KvK"].value == "01234567" and first["KvK"].data_type == "s"  # the zero kept
    assert sheet.freeze_panes == "A2"
