"""Done when (issue 23): a register for gemeenten that are not Haarlem, from a CBS-style CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MEMBERS, Run
from wijkctl.cli import app

HEADER = ("ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;Woningvoorraad_34;"
          "InBezitWoningcorporatie_40;PersonenPerSoortUitkeringBijstand_74")
ROWS = [  # padded as CBS pads them
    ("Nederland", "Nederland", "Land", "NL00", "17811291", "8046000", "28", "400000"),
    ("Utrecht", "Utrecht", "Gemeente", "GM0344", "361924", "163000", "30", "9000"),
    ("Wijk 01 West", "Utrecht", "Wijk", "WK034401", "52000", "25000", "40", "1500"),
    ("Lombok", "Utrecht", "Buurt", "BU03440101", "6000", "3000", "35", "200"),
    ("Oog in Al", "Utrecht", "Buurt", "BU03440102", "5000", "2000", "20", "."),
    ("Wijk 02 Noordwest", "Utrecht", "Wijk", "WK034402", "45000", "21000", "45", "2000"),
    ("Zuilen", "Utrecht", "Buurt", "BU03440201", "9000", "4000", "50", "500"),
    ("Zwolle", "Zwolle", "Gemeente", "GM0193", "130000", "60000", "30", "3000"),
    ("Wijk 00 Stadshagen", "Zwolle", "Wijk", "WK019300", "25000", "10000", "20", "300"),
    ("Westenholte", "Zwolle", "Buurt", "BU01930001", "4000", "1800", "x", "."),
    ("Wijk 01 Centrum", "Zwolle", "Wijk", "WK019301", "12000", "8000", "35", "400"),
    ("Haarlem", "Haarlem", "Gemeente", "GM0392", "160000", "75000", "30", "4000"),
]
REGELING = """versie: 1
regelingen:
- jaar: 2024
  naam: Subsidieregeling wijkplatforms
  status: vastgesteld
  basisbedrag: 4000
  maximum: 8000
  toeslagen:
  - naam: Inwoners
    maatstaf: inwoners
    staffels:
    - {vanaf: 10000, bedrag: 1000}
"""


def _csv(rows=ROWS, header=HEADER) -> str:
    lines = [header] + [";".join([str(i), *(f"{v:<40}" if j < 3 else f"{v:>10}" for j, v in enumerate(r))])
                        for i, r in enumerate(rows, 1)]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _init(tmp_path: Path, *args: str, text: str | None = None):
    source = tmp_path / "kwb.csv"
    source.write_text(text if text is not None else _csv(), encoding="utf-8")
    return CliRunner().invoke(app, ["init", str(tmp_path / "reg"), "--from-cbs", str(source), "--year", "2023", *args])


def test_two_gemeenten_from_cbs_then_the_map_a_platform_and_its_subsidy(tmp_path):
    (tmp_path / "gebieden.csv").write_text("wijk,gebied\nWK034401,West\nWijk 02 Noordwest,Noord\n")
    made = _init(tmp_path, "--gemeente", "utrecht", "--gebieden", str(tmp_path / "gebieden.csv"))
    assert made.exit_code == 0, made.output
    run = Run(tmp_path / "reg")
    outputs = [made.output]
    listed = json.loads(run("list", "-o", "json").stdout)
    assert [(w["code"], w["gebied"]) for w in listed] == [("wijk-01-west", "west"), ("wijk-02-noordwest", "noord")]
    shown = json.loads(run("show", "wijk-01-west", "-o", "json").stdout)
    assert [b["naam"] for b in shown["buurten"]] == ["Lombok", "Oog in Al"]
    assert shown["cijfers"]["peiljaar"] == 2023 and shown["cijfers"]["sociale_huurwoningen"] == 10000
    steps = [("add-buurt", "wijk-02-noordwest", "--name", "Ondiep", "--cbs-code", "BU03440202"),
             ("rename", "wijk-01-west", "--name", "West"),
             ("add-gebied", "overvecht", "--name", "Overvecht"),
             ("move-wijk", "wijk-02-noordwest", "--gebied", "overvecht"),
             ("register", "west", "--name", "Wijkplatform Lombok", "--from", "2024-01-01", "--buurt", "Lombok",
              *MEMBERS)]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)
        outputs.append(result.output)
    assert run("subsidy", "west", "--year", "2024").exit_code == 3  # no regeling yet
    (tmp_path / "reg" / "subsidieregeling.yaml").write_text(REGELING)
    computed = run("subsidy", "west", "--year", "2024", "-o", "json")
    assert computed.exit_code == 0, computed.output
    assert json.loads(computed.stdout)["subsidies"][0]["bedrag"] == 4000  # Lombok: 6000 inwoners
    for args in (("check", "--strict"), ("list",), ("verbinder",), ("show", "west"), ("subsidy", "--year", "2024")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert not any("haarlem" in out.lower() for out in outputs)


def test_one_gebied_named_after_the_gemeente_without_verbinder(tmp_path):
    assert _init(tmp_path, "--gemeente", "GM0193").exit_code == 0
    run = Run(tmp_path / "reg")
    shown = run("verbinder", "Wijk 00 Stadshagen")
    assert "Zwolle" in shown.stdout and "nog geen gebiedsverbinder bekend" in shown.stdout
    assert run("check", "--strict").exit_code == 0


@pytest.mark.parametrize("rows, header, code, words", [
    ([*ROWS[:2], ("", "Utrecht", "Wijk", "WK034401", "1", "1", "1", "1")], HEADER, 2, "kolom WijkenEnBuurten"),
    ([*ROWS, ("Anders", "Utrecht", "Wijk", "WK034401", "1", "1", "1", "1")], HEADER, 2, "staat er al op regel"),
    (ROWS, HEADER.replace("WijkenEnBuurten", "Naam"), 2, "geen kolom WijkenEnBuurten"),
    (ROWS, HEADER, 3, "niet in het CBS-bestand"),
    ([*ROWS, ("Lombok", "Utrecht", "Buurt", "BU03440101", "-5", "1", "1", "1")], HEADER, 2, "kolom AantalInwoners"),
])
def test_hostile_cbs_files_leave_no_directory(tmp_path, rows, header, code, words):
    gemeente = "Amsterdam" if code == 3 else "utrecht"
    result = _init(tmp_path, "--gemeente", gemeente, text=_csv(rows, header))
    assert result.exit_code == code, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "reg").exists()


def test_another_gemeentes_rows_are_not_taken(tmp_path):
    assert _init(tmp_path, "--gemeente", "Zwolle").exit_code == 0
    listed = json.loads(Run(tmp_path / "reg")("list", "-o", "json").stdout)
    assert {w["naam"] for w in listed} == {"Wijk 00 Stadshagen", "Wijk 01 Centrum"}


def test_import_cbs_reports_missing_buurten_and_adds_them(tmp_path):
    assert _init(tmp_path, "--gemeente", "utrecht").exit_code == 0
    run = Run(tmp_path / "reg")
    assert run("remove-buurt", "wijk-01-west", "--buurt", "Lombok").exit_code == 0
    source = str(tmp_path / "kwb.csv")
    before = (tmp_path / "reg" / "wijken.yaml").read_bytes()
    reported = run("import-cbs", source, "--year", "2023")
    assert reported.exit_code == 0 and "Lombok (BU03440101, wijk-01-west)" in reported.stderr
    assert "--add-buurten" in reported.stderr
    assert (tmp_path / "reg" / "wijken.yaml").read_bytes() == before
    added = run("import-cbs", source, "--year", "2023", "--add-buurten")
    assert added.exit_code == 0 and "Buurt toegevoegd: Wijk 01 West / Lombok" in added.stderr
    shown = json.loads(run("show", "wijk-01-west", "-o", "json").stdout)
    lombok = next(b for b in shown["buurten"] if b["naam"] == "Lombok")
    assert lombok["cbs_code"] == "BU03440101" and lombok["cijfers"]["inwoners"] == 6000
    assert run("check", "--strict").exit_code == 0
