"""What was recorded in subsidies.yaml, seen by the other commands: an orphaned record is
refused by every write, `subsidy` shows the frozen berekening and the besluit, and `diff`
keeps a decided year's amount (CONTRACT §7)."""

from __future__ import annotations

import json

import pytest

from wijkctl.schema import SUBSIDIES

from .cbsfixture import haarlem
from .conftest import MEMBERS, git, snapshot_bytes
from .test_subsidies_file import RECORD

MOLEN = "wijkplatform-molenwijk"


@pytest.fixture
def decided(run, datadir):
    """Molenwijk's platform since 1 March 2024, its 2025 subsidy granted (€ 6.500)."""
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01", *MEMBERS)
    assert result.exit_code == 0, result.output
    (datadir / SUBSIDIES).write_text(RECORD)
    assert run("check").exit_code == 0
    return run


ORPHANS = [
    ("end", ("end", "molenwijk", "--on", "2025-01-01")),
    ("unregister", ("unregister", "molenwijk", "--reason", "per vergissing")),
    ("update --per", ("update", "molenwijk", "--name", "Wijkplatform Molenwijk-Noord", "--per", "2025-01-01")),
]


@pytest.mark.parametrize("args", [a for _n, a in ORPHANS], ids=[n for n, _a in ORPHANS])
def test_a_change_that_would_orphan_a_subsidy_record_is_refused_naming_it(decided, datadir, args):
    before = snapshot_bytes(datadir)
    result = decided(*args)
    assert result.exit_code == 4, result.output
    assert "subsidies.yaml:6: 2025-wijkplatform-molenwijk:" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_a_change_that_keeps_the_organisation_active_in_the_records_year_is_taken(decided):
    assert decided("end", "molenwijk", "--on", "2025-06-01").exit_code == 0
    assert decided("check").exit_code == 0


def test_a_change_per_a_date_inside_the_year_keeps_the_record_with_the_old_platform(decided, datadir):
    result = decided("update", "molenwijk", "--name", "Wijkplatform Molenwijk-Noord", "--per", "2025-07-01")
    assert result.exit_code == 0, result.output
    assert (datadir / SUBSIDIES).read_text() == RECORD
    entries = json.loads(decided("subsidy", "molenwijk", "--year", "2025", "-o", "json").stdout)["subsidies"]
    assert [(e["organisatie"], e["maanden"], e.get("subsidie")) for e in entries] == [
        (MOLEN, 6, "2025-wijkplatform-molenwijk"), ("wijkplatform-molenwijk-noord", 6, None)]


def test_subsidy_shows_the_frozen_berekening_and_the_besluit_beside_todays(decided):
    (entry,) = json.loads(decided("subsidy", "molenwijk", "--year", "2025", "-o", "json").stdout)["subsidies"]
    assert entry["bedrag"] == 6500 and entry["status"] == "verleend" and entry["subsidie"] == "2025-" + MOLEN
    assert entry["berekening"] == {"datum": "2024-11-12", "regeling": 2024, "maanden": 12, "bedrag": 6500,
                                   "onvolledig": True}
    assert entry["besluit"] == {"soort": "verleend", "datum": "2024-12-20", "bedrag": 6500}
    table = decided("subsidy", "molenwijk", "--year", "2025")
    assert "Berekend bij aanvraag" in table.stdout and "Verleend" in table.stdout
    assert "besluit van 20 december 2024: € 6.500 verleend" in table.stderr
    other = json.loads(decided("subsidy", "molenwijk", "--year", "2026", "-o", "json").stdout)["subsidies"]
    assert "berekening" not in other[0] and "Berekend bij aanvraag" not in decided("subsidy", "--year", "2026").stdout


def test_subsidy_explain_names_what_the_regeling_leaves_unknown(decided):
    result = decided("subsidy", "molenwijk", "--year", "2025", "--explain")
    assert "Niet te berekenen: de regeling noemt geen termijn voor de verantwoording (verantwoording_voor)" \
        in result.stdout
    assert "(vaststelling_weken)" in result.stdout
    assert "bij de aanvraag berekend op 12 november 2024 (regeling 2024, 12 maanden): € 6.500" in result.stdout
    payload = json.loads(decided("subsidy", "molenwijk", "--year", "2025", "--explain", "-o", "json").stdout)
    assert len(payload["regeling"]["niet_te_berekenen"]) == 2


def test_newer_figures_change_an_undecided_year_in_diff_never_a_decided_one(decided, datadir, tmp_path):
    root = datadir.parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "besluit")
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))
    assert decided("import-cbs", str(csv_file), "--year", "2024").exit_code == 0
    rows = json.loads(decided("diff", "-o", "json").stdout)
    money = {r["jaar"]: (r["oud"], r["nieuw"]) for r in rows if r["veld"] == "subsidie" and r["organisatie"] == MOLEN}
    assert 2025 not in money  # granted: the besluit stands
    assert 2026 in money and money[2026][0] != money[2026][1]
    (entry,) = json.loads(decided("subsidy", "molenwijk", "--year", "2025", "-o", "json").stdout)["subsidies"]
    assert entry["bedrag"] != 6500 and entry["berekening"]["bedrag"] == entry["besluit"]["bedrag"] == 6500
