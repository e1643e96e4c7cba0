"""`import-cbs` on CSV files in the real CBS shape, for the column suffixes of 2022-2024."""

from __future__ import annotations

import io
import json

import pytest

from wijkctl import cbs
from wijkctl.errors import UsageError

from .cbsfixture import haarlem, kerncijfers
from .conftest import snapshot_bytes


def molenwijk(run):
    return json.loads(run("show", "molenwijk", "-o", "json").stdout)["cijfers"]


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_import_each_years_columns(run, tmp_path, year):
    csv_file = tmp_path / f"kwb-{year}.csv"
    csv_file.write_text(haarlem(year), encoding="utf-8")
    result = run("import-cbs", str(csv_file), "--year", str(year))
    assert result.exit_code == 0, result.output
    assert molenwijk(run) == {
        "peiljaar": year, "bron": f"CBS Kerncijfers wijken en buurten {year}",
        "inwoners": 8060, "woningen": 3968, "sociale_huurwoningen": 2099,  # round(3968 x 52.9 / 100 = 2099.07)
        "uitkeringen": 310,
    }
    assert "WK039299" in result.stderr  # a Haarlem code without a wijk is reported
    assert "WK036301" not in result.stderr  # other gemeenten are not
    assert run("check").exit_code == 0 and run("fmt", "--check").exit_code == 0


def test_cbs_marks_make_figures_unknown(run, tmp_path):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))
    run("import-cbs", str(csv_file), "--year", "2024")
    cijfers = json.loads(run("show", "spaarndam", "-o", "json").stdout)["cijfers"]
    assert cijfers == {"peiljaar": 2024, "bron": "CBS Kerncijfers wijken en buurten 2024"}


def test_second_import_changes_nothing(run, tmp_path, datadir):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2023))
    assert run("import-cbs", str(csv_file), "--year", "2023").exit_code == 0
    before = snapshot_bytes(datadir)
    again = run("import-cbs", str(csv_file), "--year", "2023")
    assert again.exit_code == 0 and "niets veranderd" in again.stderr
    assert snapshot_bytes(datadir) == before


def test_dry_run_shows_diff_and_table_and_writes_nothing(run, tmp_path, datadir, unchanged):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))
    with unchanged():
        result = run("import-cbs", str(csv_file), "--year", "2024", "--dry-run")
    assert result.exit_code == 0
    assert "+    sociale_huurwoningen: 2099" in result.stdout
    assert "Molenwijk" in result.stderr and "8.135" in result.stderr and "Proefdraai" in result.stderr


def test_wijk_made_of_buurten_gets_sums_and_unknown_when_a_buurt_lacks_a_figure(run, tmp_path, datadir):
    path = datadir / "wijken.yaml"
    text = path.read_text()
    extra = ("- code: binnenstad-noord\n  naam: Binnenstad-Noord\n  cbs_buurten:\n  - BU03920101\n  - BU03920102\n"
             "  gebied: centrum\n- code: binnenstad-zuid\n  naam: Binnenstad-Zuid\n  cbs_buurten:\n  - BU03920103\n"
             "  - BU03920109\n  gebied: centrum\n")
    path.write_text(text.replace("- code: haarlemmerhoutkwartier\n", extra + "- code: haarlemmerhoutkwartier\n"))
    assert run("check").exit_code == 0
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))
    result = run("import-cbs", str(csv_file), "--year", "2024")
    assert result.exit_code == 0, result.output
    noord = json.loads(run("show", "binnenstad-noord", "-o", "json").stdout)["cijfers"]
    # 700 x 20 % = 140 and 500 x 10.5 % = 52.5 -> 53: 193
    assert noord == {**noord, "inwoners": 2000, "woningen": 1200, "sociale_huurwoningen": 193, "uitkeringen": 50}
    zuid = json.loads(run("show", "binnenstad-zuid", "-o", "json").stdout)["cijfers"]
    assert "inwoners" not in zuid  # BU03920109 is not in the file: the sums are unknown
    assert "BU03920109" in result.stderr


@pytest.mark.parametrize("content,says", [
    ("naam;waarde\nMolenwijk;3\n", "Codering"),
    ('"Codering_3";"SoortRegio_2"\n"GM0392   ";"Gemeente  "\n', "geen rijen"),
    ("", "leeg"),
])
def test_not_a_kerncijfers_table_is_exit_2_and_writes_nothing(run, tmp_path, datadir, content, says):
    csv_file = tmp_path / "x.csv"
    csv_file.write_text(content)
    before = snapshot_bytes(datadir)
    result = run("import-cbs", str(csv_file), "--year", "2024")
    assert result.exit_code == 2 and says in result.stderr
    assert snapshot_bytes(datadir) == before


def test_missing_and_binary_files_are_exit_2(run, tmp_path, datadir):
    before = snapshot_bytes(datadir)
    assert run("import-cbs", str(tmp_path / "nope.csv"), "--year", "2024").exit_code == 2
    binary = tmp_path / "x.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x01")
    result = run("import-cbs", str(binary), "--year", "2024")
    assert result.exit_code == 2 and "UTF-8" in result.stderr
    assert run("import-cbs", str(tmp_path), "--year", "2024").exit_code == 2
    assert run("import-cbs", str(binary)).exit_code == 2  # --year is required
    assert snapshot_bytes(datadir) == before


def _parse_text(text: str) -> cbs.Table:
    return cbs.parse(io.StringIO(text, newline=""), "het bestand")


def test_parse_pure_decimal_point_and_no_bom():
    text = kerncijfers(2024, [("Wijk", "WK039220", 8060, 3968, "52.9", 310)], bom=False)
    regio = _parse_text(text).wijken["WK039220"]
    assert regio.cijfers == {"inwoners": 8060, "woningen": 3968, "sociale_huurwoningen": 2099, "uitkeringen": 310}
    with pytest.raises(UsageError):
        _parse_text("a;b\n1;2\n")


def test_subsidy_follows_the_imported_figures(run, tmp_path):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))
    run("import-cbs", str(csv_file), "--year", "2024")
    entry = json.loads(run("subsidy", "molenwijk", "--year", "2025", "-o", "json").stdout)["subsidies"][0]
    waarden = {t["naam"]: t["waarde"] for t in entry["toeslagen"]}
    assert waarden["Inwoners"] == 8060 and waarden["Bijstand"] == 310
    assert round(waarden["Sociale huur"], 2) == round(2099 / 3968 * 100, 2)


def _large_csv(tmp_path):
    from .cbsfixture import HAARLEM_CODES

    rows = [("Wijk", code, 5000, 2000, "30,0", 100) for code in HAARLEM_CODES]
    rows += [("Buurt", f"BU9{n:07d}", 100, 50, "10,0", 1) for n in range(12000)]  # other gemeenten
    path = tmp_path / "groot.csv"
    path.write_text(kerncijfers(2024, rows))
    assert path.stat().st_size > 1_000_000
    return path


def test_progress_bar_only_on_a_terminal(datadir, tmp_path):
    import os
    import subprocess

    from .conftest import on_terminal
    from .test_concurrency import WIJKCTL

    big = _large_csv(tmp_path)
    argv = [WIJKCTL, "--data-dir", str(datadir), "import-cbs", str(big), "--year", "2024", "--dry-run"]
    piped = subprocess.run(argv, capture_output=True, text=True)
    assert piped.returncode == 0 and "CBS-bestand lezen" not in piped.stderr
    code, shown = on_terminal(argv, {**os.environ, "TERM": "xterm"}, stream="stderr")
    assert code == 0 and "CBS-bestand lezen" in shown


def test_wijken_missing_from_the_file_are_reported_and_keep_their_figures(run, tmp_path):
    from .cbsfixture import HAARLEM_CODES

    rows = [("Wijk", code, 5000, 2000, "30,0", 100) for code in HAARLEM_CODES if code != "WK039220"]
    csv_file = tmp_path / "zonder-molenwijk.csv"
    csv_file.write_text(kerncijfers(2024, rows))
    result = run("import-cbs", str(csv_file), "--year", "2024")
    assert result.exit_code == 0
    assert "Niet in het bestand: Molenwijk (WK039220); cijfers ongewijzigd." in result.stderr
    assert molenwijk(run)["peiljaar"] == 2024 and molenwijk(run)["inwoners"] == 8135


def test_buurt_rows_fill_the_figures_of_buurten_by_their_cbs_code_and_never_their_name(run, tmp_path, datadir):
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text().replace("  - naam: Stationsbuurt\n",
                                             "  - naam: Stationsbuurt\n    cbs_code: BU03920101\n")
                    .replace("  - naam: Binnenstad\n", "  - naam: Binnenstad\n    cbs_code: BU03920103\n"))
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(haarlem(2024))  # BU03920101 knows every figure; BU03920103 misses the percentage
    result = run("import-cbs", str(csv_file), "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert "Oude Stad / Stationsbuurt" in result.stderr
    buurten = {b["naam"]: b for b in json.loads(run("show", "oude-stad", "-o", "json").stdout)["buurten"]}
    assert buurten["Stationsbuurt"]["cijfers"] == {"peiljaar": 2024, "bron": "CBS Kerncijfers wijken en buurten 2024",
                                                   "inwoners": 1200, "woningen": 700, "sociale_huurwoningen": 140,
                                                   "uitkeringen": 30}
    assert "sociale_huurwoningen" not in buurten["Binnenstad"]["cijfers"]  # unknown stays unknown
    assert "cijfers" not in buurten["Bakenes"]
