"""The exact piped output of the look-ups, kept as files in tests/golden/: stdout, then
what went to stderr (the notes for people) after a `--- stderr ---` line.

After an intended change to what wijkctl prints, regenerate them with

    WIJKCTL_GOLDEN=update python -m pytest tests/test_golden.py

and review the change in `git diff tests/golden`. The data is tests/fixtures/golden-data
(the bundled Haarlem set with CBS-shaped figures, a converted wijkraad and two
platforms), and today is pinned to 2025-06-01.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from typer.testing import CliRunner

from wijkctl import text
from wijkctl.cli import app

from .conftest import REPO, copy_data

GOLDEN = REPO / "tests" / "golden"
DATA = REPO / "tests" / "fixtures" / "golden-data"
CASES = {
    "verbinder": ["verbinder"],
    "verbinder-molenwijk": ["verbinder", "molenwijk"],
    "verbinder-molenwijk.json": ["verbinder", "molenwijk", "-o", "json"],
    "list": ["list"],
    "list-2024.json": ["list", "--on", "2024-01-01", "-o", "json"],
    "list.csv": ["list", "-o", "csv"],
    "show-meerwijk": ["show", "meerwijk"],
    "show-molenwijk.json": ["show", "molenwijk", "-o", "json"],
    "show-spaarndam": ["show", "spaarndam"],
    "subsidy-2025": ["subsidy", "--year", "2025"],
    "subsidy-2025.json": ["subsidy", "--year", "2025", "-o", "json"],
    "subsidy-2025.csv": ["subsidy", "--year", "2025", "-o", "csv"],
    "subsidy-2025-nl.csv": ["subsidy", "--year", "2025", "-o", "csv-nl"],
    "subsidy-explain": ["subsidy", "meerwijk", "parkwijk", "spaarndam", "--year", "2025", "--explain"],
    "check.json": ["check", "-o", "json"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_piped_output_is_exactly_the_golden_file(name, tmp_path, monkeypatch):
    monkeypatch.setattr(text, "today", lambda: dt.date(2025, 6, 1))
    data = copy_data(DATA, tmp_path)
    result = CliRunner().invoke(app, ["--data-dir", str(data), *CASES[name]])
    assert result.exit_code == 0, result.stderr
    got = result.stdout + (f"--- stderr ---\n{result.stderr}" if result.stderr else "")
    got = got.replace(str(data), "<data>")
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("WIJKCTL_GOLDEN") == "update":
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run WIJKCTL_GOLDEN=update python -m pytest tests/test_golden.py"
    assert got == path.read_text(encoding="utf-8"), f"{name} changed; review, then regenerate (see module docstring)"


def test_every_golden_file_has_its_case():
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(CASES)
