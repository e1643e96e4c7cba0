"""Issue 13's "done when": a year of a gebiedsverbinder's work by commands only.

Runs docs/scripted-day.sh (a fresh data repository, every event with --commit, `due`
over 2027 with --on, the finance export read by Python's csv module as Excel would)
with a step of 14 days; the script itself never writes a YAML file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO
from .test_concurrency import WIJKCTL

SCRIPT = REPO / "docs" / "scripted-day.sh"


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_a_year_by_commands_only(tmp_path):
    assert not re.search(r">\s*\S*\.ya?ml|sed -i|\bed\b", SCRIPT.read_text(encoding="utf-8"))
    env = {**os.environ, "PATH": f"{Path(WIJKCTL).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("WIJKCTL_DATA", None)
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "wijkdata"), "14"], capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    out = done.stdout
    # every event is a commit, with a message that says what happened
    assert """register: Wijkplatform Europawijk (europawijk) per 2027-01-01
update: Wijkplatform Europawijk (europawijk): kernlid Cor Bakker vertrokken
update: Wijkplatform Europawijk (europawijk): kernlid Dewi Pinas toegevoegd
update: Wijkplatform Europawijk (europawijk): kernlid Bram Jansen gewijzigd
set-verbinder: schalkwijk: Kees de Boer <kdboer@haarlem.nl>
register: Wijkplatform Europawijk (boerhaavewijk) per 2027-01-01
unregister: Wijkplatform Europawijk (wijkplatform-europawijk-2, boerhaavewijk): in de verkeerde wijk ingevoerd
update: Wijkplatform Europawijk (europawijk): kernlid Anna de Vries vertrokken
end: Wijkplatform Binnenstad (oude-stad) per 2028-01-01""" in out
    assert "Let op: Wijkplatform Europawijk heeft nu 2 kernleden" in out
    # due on the key dates
    due = out.split("# wijkctl due")[1].split("$ wijkctl subsidy")[0]
    assert "kern te klein  Wijkplatform Europawijk (Europawijk) heeft 2 kernleden" in due
    assert "2027-10-01  aanvraagtermijn  De aanvraagtermijn voor subsidie 2027 sluit" in due
    assert "2027-11-01  aanvraag volgend jaar  Vanaf 1 november 2027 kan subsidie voor 2028 worden aangevraagd." in due
    assert "2028-01-01  einde  Wijkplatform Binnenstad (Oude Stad) stopt op 1 januari 2028." in due
    # the finance export as Excel reads it: one row per platform, the total last
    finance = out.split("delimiter ;) reads it\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in finance] == ["Oude", "Europawijk", "Molenwijk", "Totaal"]
    assert "kvk=87654321  stichting  bedrag=  6500  regeling 2024 (concept)" in finance[1]
    assert finance[3].split("bedrag=")[1].split()[0] == "18000"
    assert "In orde: 21 wijken" in out
