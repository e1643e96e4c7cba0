"""subsidies.yaml as the fourth data file (CONTRACT §7): optional, strict, checked with file:line."""

from __future__ import annotations

import shutil

import pytest

from wijkctl import yamlio
from wijkctl.schema import FILES, SUBSIDIES

from .conftest import MEMBERS, REPO, Run, line_of, snapshot_bytes

V1 = REPO / "tests" / "fixtures" / "v1"

RECORD = """\
versie: 1
subsidies:
- id: 2025-wijkplatform-molenwijk
  jaar: 2025
  wijk: molenwijk
  organisatie: wijkplatform-molenwijk
  aanvraag:
    ontvangen: 2024-11-12
    kenmerk: Z-2024-0123
  berekening:
    datum: 2024-11-12
    regeling: 2024
    maanden: 12
    bedrag: 6500
    onvolledig: true
  besluit:
    soort: verleend
    datum: 2024-12-20
    bedrag: 6500
  betalingen:
  - {datum: 2025-01-15, bedrag: 6500, soort: voorschot}
"""


@pytest.fixture
def platform(run, datadir):
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01", *MEMBERS)
    assert result.exit_code == 0, result.output
    return datadir


def test_the_file_is_declared_once_optional_with_identity_id():
    f = FILES[SUBSIDIES]
    assert f.optional and f.identity == "id" and f.versie == 1 and f.attr == "subsidies"
    assert yamlio.CURRENT_VERSIE["subsidieregeling.yaml"] == 2


def test_a_data_dir_of_the_previous_release_passes_check(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(V1, data)
    assert not (data / SUBSIDIES).exists()
    result = Run(data)("check")
    assert result.exit_code == 0, result.output
    assert "subsidieregeling.yaml is versie 1" in result.stderr
    assert not (data / SUBSIDIES).exists()


def test_a_valid_record_passes_and_fmt_keeps_it(run, platform):
    (platform / SUBSIDIES).write_text(RECORD)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert run("fmt", "--check").exit_code == 0
    assert (platform / SUBSIDIES).read_text() == RECORD


@pytest.mark.parametrize("change, needle, melding", [
    ("bedrag: 6500, soort: voorschot", "bedrag: 7000, soort: voorschot", "meer dan verleend"),
    ("  aanvraag:\n    ontvangen: 2024-11-12\n    kenmerk: Z-2024-0123\n", "", "een besluit zonder aanvraag"),
    ("organisatie: wijkplatform-molenwijk", "organisatie: wijkplatform-elders",
     "organisatie 'wijkplatform-elders' bestaat niet in wijk 'molenwijk'"),
    ("wijk: molenwijk", "wijk: nergenswijk", "wijk 'nergenswijk' bestaat niet"),
    ("onvolledig: true", "onvolledig: ja", "'onvolledig' moet true of false zijn"),
])
def test_a_hand_edited_record_is_refused_with_file_and_line(run, platform, change, needle, melding):
    text = RECORD.replace(change, needle)
    assert text != RECORD
    (platform / SUBSIDIES).write_text(text)
    before = snapshot_bytes(platform)
    result = run("check")
    assert result.exit_code == 5, result.output
    line = next(ln for ln in result.stdout.splitlines() if melding in ln)
    assert line.startswith("subsidies.yaml:")
    regel = int(line.split(":")[1])
    assert 3 <= regel <= len(text.splitlines())
    assert snapshot_bytes(platform) == before


def test_the_wrong_line_is_named(run, platform):
    (platform / SUBSIDIES).write_text(RECORD.replace("bedrag: 6500, soort: voorschot", "bedrag: 7000, soort: voorschot"))
    result = run("check")
    regel = line_of(platform, SUBSIDIES, "bedrag: 7000")
    assert f"subsidies.yaml:{regel}: 2025-wijkplatform-molenwijk: met de betaling" in result.stdout


def test_a_write_elsewhere_that_orphans_nothing_keeps_the_records(run, platform):
    (platform / SUBSIDIES).write_text(RECORD)
    assert run("check").exit_code == 0
    result = run("register", "meerwijk", "--name", "Wijkplatform Meerwijk", "--from", "2024-03-01", *MEMBERS)
    assert result.exit_code == 0, result.output
    assert (platform / SUBSIDIES).read_text() == RECORD


def test_edit_subsidies_checks_the_hand_edit_against_the_other_files(run, platform, monkeypatch, tmp_path_factory):
    import json
    import sys

    from wijkctl.commands import edit as edit_command

    (platform / SUBSIDIES).write_text(RECORD)
    monkeypatch.setattr(edit_command, "_interactive", lambda: True)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {REPO / 'tests' / 'fake_editor.py'}")
    monkeypatch.delenv("VISUAL", raising=False)
    folder = tmp_path_factory.mktemp("editor")
    steps = [{"replace": ["bedrag: 6500, soort: voorschot", "bedrag: 9000, soort: voorschot"]},
             {"replace": ["bedrag: 9000, soort: voorschot", "bedrag: 6000, soort: voorschot"]}]
    (folder / "steps.json").write_text(json.dumps(steps))
    monkeypatch.setenv("FAKE_EDITOR_STEPS", str(folder / "steps.json"))
    result = run("edit", "subsidies")
    assert result.exit_code == 0, result.stderr
    assert "meer dan verleend" in (folder / "seen-2.yaml").read_text()  # the problem, shown at its line
    assert "bedrag: 6000, soort: voorschot" in (platform / SUBSIDIES).read_text()


def _driver(tmp, base: str, ours: str, theirs: str):
    from typer.testing import CliRunner

    from wijkctl.cli import app

    o, a, b = tmp / "O.yaml", tmp / "A.yaml", tmp / "B.yaml"
    for path, text in ((o, base), (a, ours), (b, theirs)):
        path.write_text(text)
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(a), str(b), "data/subsidies.yaml"])
    return result, a.read_text()


def test_the_merge_driver_knows_a_record_by_its_id(tmp_path):
    other = RECORD.replace("2025", "2026").replace("2024-1", "2025-1").replace("2024-12", "2025-12")
    other = other.replace("2026-01-15", "2026-01-16").replace("versie: 1\nsubsidies:\n", "")
    base = "versie: 1\nsubsidies: []\n"
    result, merged = _driver(tmp_path, base, RECORD, "versie: 1\nsubsidies:\n" + other)
    assert result.exit_code == 0, result.output
    assert "id: 2025-wijkplatform-molenwijk" in merged and "id: 2026-wijkplatform-molenwijk" in merged
    ours = RECORD.replace("    kenmerk: Z-2024-0123\n", "    kenmerk: Z-1\n")
    theirs = RECORD.replace("    kenmerk: Z-2024-0123\n", "    kenmerk: Z-2\n")
    result, _merged = _driver(tmp_path, RECORD, ours, theirs)
    assert result.exit_code == 1 and "2025-wijkplatform-molenwijk" in result.output + result.stderr


def test_diff_reports_a_record_by_its_id(repo, datadir, run):
    run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01", *MEMBERS, "--commit")
    (datadir / SUBSIDIES).write_text(RECORD)
    result = run("diff")
    assert result.exit_code == 0, result.output
    assert "2025-wijkplatform-molenwijk" in result.stdout
