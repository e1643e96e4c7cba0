"""The subsidy commands through the CLI (CONTRACT §7): each step, its refusals, grants and payments."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from wijkctl import text

from .conftest import MEMBERS, git, snapshot_bytes

S = "subsidies.yaml"
Y = ("--year", "2025")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(text, "today", lambda: dt.date(2024, 11, 20))


@pytest.fixture
def platform(run):
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01",
                 "--legal-form", "stichting", "--kvk", "01234567", *MEMBERS)
    assert result.exit_code == 0, result.output
    return run


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


@pytest.fixture
def applied(platform):
    ok(platform("apply", "molenwijk", *Y, "--received", "2024-11-12", "--case", "Z-2024-0123"))
    return platform


@pytest.fixture
def awarded(applied):
    ok(applied("award", "molenwijk", *Y, "--on", "2024-12-20", "--case", "Z-2024-0123-B"))
    return applied


def _record(run) -> dict:
    return json.loads(ok(run("grants", "-o", "json")).stdout)[0]


def test_apply_writes_the_file_and_freezes_the_berekening(platform, datadir):
    assert not (datadir / S).exists()
    result = ok(platform("aanvraag", "molenwijk", *Y, "--received", "12-11-2024", "--amount", "€ 6.500",
                         "--attachment", "plan", "--attachment", "kern"))
    assert "Wijkplatform Molenwijk 2025: aanvraag ontvangen op 12 november 2024" in result.stderr
    r = _record(platform)
    assert r["id"] == "2025-wijkplatform-molenwijk" and r["status"] == "aangevraagd"
    assert r["aanvraag"] == {"ontvangen": "2024-11-12", "gevraagd": 6500, "bijlagen": ["plan", "kern"]}
    assert r["berekening"]["datum"] == "2024-11-20" and r["berekening"]["maanden"] == 12
    assert r["berekening"]["cijfers"]["inwoners"] == 8135
    assert r["volgende_stap"] == "besluit" and r["volgende_datum"] == "2025-01-07"
    assert ok(platform("check")).exit_code == 0


def test_a_repeated_identical_step_is_exit_0_and_writes_nothing(awarded, datadir):
    before = snapshot_bytes(datadir)
    result = ok(awarded("verleen", "molenwijk", *Y, "--on", "2024-12-20", "--case", "Z-2024-0123-B"))
    assert "Al vastgelegd" in result.stderr
    result = ok(awarded("apply", "molenwijk", *Y, "--received", "2024-11-12", "--case", "Z-2024-0123"))
    assert "er is niets veranderd" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_a_year_from_application_to_settlement(awarded, datadir):
    ok(awarded("betaal", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "6.500"))
    ok(awarded("verantwoord", "molenwijk", *Y, "--received", "2026-02-10", "--spent", "6100"))
    result = ok(awarded("vaststel", "molenwijk", *Y, "--on", "2026-04-01"))
    assert "€ 6.100 vastgesteld; € 400 terug te vorderen" in result.stderr
    assert _record(awarded)["status"] == "vastgesteld"
    ok(awarded("pay", "molenwijk", *Y, "--on", "2026-04-20", "--amount", "400", "--kind", "terugbetaling"))
    r = _record(awarded)
    assert (r["status"], r["betaald"], r["saldo"], r["volgende_stap"]) == ("afgerond", 6100, 0, None)
    payments = json.loads(ok(awarded("betalingen", "-o", "json")).stdout)
    assert [(p["datum"], p["soort"], p["bedrag"]) for p in payments["betalingen"]] == [
        ("2025-01-15", "voorschot", 6500), ("2026-04-20", "terugbetaling", -400)]
    assert (payments["betaald"], payments["terugbetaald"], payments["per_saldo"]) == (6500, 400, 6100)
    assert ok(awarded("check")).exit_code == 0


def test_award_with_another_amount_needs_a_reason(applied, datadir, unchanged):
    with unchanged():
        result = applied("award", "molenwijk", *Y, "--on", "2024-12-20", "--amount", "5000")
        assert result.exit_code == 2 and "reden" in result.stderr
    ok(applied("award", "molenwijk", *Y, "--on", "2024-12-20", "--amount", "5000", "--reason", "begroting lager"))
    assert _record(applied)["besluit"]["reden"] == "begroting lager"


def test_award_past_the_plafond_is_refused_saying_by_how_much(applied, datadir, unchanged):
    path = datadir / "subsidieregeling.yaml"
    path.write_text(path.read_text().replace("  maximum: 10000\n", "  maximum: 10000\n  plafond: 6000\n"))
    with unchanged():
        result = applied("award", "molenwijk", *Y, "--on", "2024-12-20")
        assert result.exit_code == 4
        assert "€ 500 over het subsidieplafond van 2025 (€ 6.000; er is nog € 6.000 over)" in result.stderr
        assert "Awb 4:25 lid 2" in result.stderr


@pytest.mark.parametrize("argv, melding", [
    (("award", "molenwijk", *Y, "--on", "2024-12-20"), "de stap die nu past is 'apply'"),
    (("pay", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "100"), "de stap die nu past is 'apply'"),
    (("account", "molenwijk", *Y, "--received", "2026-01-15", "--spent", "100"), "'apply'"),
])
def test_a_step_without_an_application_is_refused_naming_apply(platform, unchanged, argv, melding):
    with unchanged():
        result = platform(*argv)
        assert result.exit_code == 4 and melding in result.stderr


@pytest.mark.parametrize("argv, melding", [
    (("pay", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "100"),
     "subsidie 2025-wijkplatform-molenwijk is aangevraagd: betalen kan alleen als de subsidie is verleend"),
    (("account", "molenwijk", *Y, "--received", "2026-01-15", "--spent", "100"),
     "subsidie 2025-wijkplatform-molenwijk is aangevraagd"),
    (("settle", "molenwijk", *Y, "--on", "2026-01-15"), "vaststellen kan pas na de verantwoording"),
    (("apply", "molenwijk", *Y, "--received", "2024-11-13"), "'correct --step aanvraag'"),
])
def test_a_step_that_does_not_fit_the_state_is_refused(applied, unchanged, argv, melding):
    with unchanged():
        result = applied(*argv)
        assert result.exit_code == 4, result.output
        assert melding in result.stderr and "de stap die nu past is" in result.stderr


def test_a_second_decision_and_an_award_of_zero_are_refused(awarded, unchanged, datadir):
    with unchanged():
        result = awarded("refuse", "molenwijk", *Y, "--on", "2024-12-21", "--reason", "te laat")
        assert result.exit_code == 4 and "is verleend: er is al besloten op 20 december 2024" in result.stderr
        assert "'correct --step besluit'" in result.stderr
        result = awarded("settle", "molenwijk", *Y, "--on", "2026-04-01", "--amount", "99999")
        assert result.exit_code == 4


def test_settle_above_verleend_is_refused(awarded, unchanged):
    ok(awarded("account", "molenwijk", *Y, "--received", "2026-02-10", "--spent", "9000"))
    with unchanged():
        result = awarded("settle", "molenwijk", *Y, "--on", "2026-04-01", "--amount", "7000")
        assert result.exit_code == 4 and "vastgesteld € 7.000 is meer dan verleend (€ 6.500)" in result.stderr


def test_an_award_of_a_zero_berekening_points_to_refuse(platform, unchanged):
    ok(platform("apply", "molenwijk", *Y, "--received", "2025-10-02"))  # after aanvragen_voor 10-01: € 0
    with unchanged():
        result = platform("award", "molenwijk", *Y, "--on", "2025-10-10")
        assert result.exit_code == 4 and "'refuse'" in result.stderr


@pytest.mark.parametrize("argv, code", [
    (("apply", "molenwijk", *Y, "--received", "2024-13-01"), 2),
    (("apply", "molenwijk", "--year", "20x5", "--received", "2024-11-12"), 2),
    (("apply", "molenwijk", *Y, "--received", "2024-11-12", "--amount", "-5"), 2),
    (("apply", "molenwijk", *Y, "--received", "2024-11-12", "--amount", "6.500,50"), 2),
    (("apply", "molenwijk", *Y, "--received", "2024-11-12", "--case", " "), 2),
    (("apply", "molenwijk", *Y, "--received", "2024-11-12", "--attachment", "foto"), 2),
    (("apply", "meerwijk", *Y, "--received", "2024-11-12"), 4),
    (("apply", "nergenswijk", *Y, "--received", "2024-11-12"), 3),
    (("apply", "molenwijk", "--year", "2023", "--received", "2022-11-12"), 4),
    (("apply", "molenwijk", *Y, "--received", "2024-11-12", "--org", "onbekend"), 3),
])
def test_bad_input_is_refused_with_the_contract_code(platform, unchanged, argv, code):
    with unchanged():
        result = platform(*argv)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output


def test_several_platforms_need_org(platform, datadir, unchanged):
    ok(platform("end", "molenwijk", "--on", "2025-06-01"))
    ok(platform("register", "molenwijk", "--name", "Wijkplatform Molenwijk Nieuw", "--from", "2025-06-01", *MEMBERS))
    with unchanged():
        result = platform("apply", "molenwijk", *Y, "--received", "2024-11-12")
        assert result.exit_code == 3 and "--org" in result.stderr
    ok(platform("apply", "molenwijk", *Y, "--received", "2024-11-12", "--org", "wijkplatform-molenwijk-nieuw"))
    assert _record(platform)["organisatie"] == "wijkplatform-molenwijk-nieuw"


def test_correct_a_mistyped_payment_keeps_the_reason(awarded):
    ok(awarded("pay", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "650"))
    result = ok(awarded("corrigeer", "molenwijk", *Y, "--step", "betaling", "--payment", "2025-01-15 650 voorschot",
                        "--amount", "6500", "--reason", "typefout"))
    assert "betaling gecorrigeerd: typefout" in result.stderr
    r = _record(awarded)
    assert r["betalingen"] == [{"datum": "2025-01-15", "bedrag": 6500, "soort": "voorschot"}]
    assert r["correcties"][0]["reden"] == "typefout" and r["correcties"][0]["stap"] == "betaling"


def test_correct_withdraws_an_application(applied):
    ok(applied("correct", "molenwijk", *Y, "--step", "aanvraag", "--withdrawn", "2024-11-30",
               "--reason", "platform trekt aanvraag in"))
    assert _record(applied)["status"] == "ingetrokken"


@pytest.mark.parametrize("argv", [
    ("--step", "aanvraag", "--spent", "5", "--reason", "x"),
    ("--step", "betaling", "--amount", "5", "--reason", "x"),
    ("--step", "besluit", "--reason", "x"),
    ("--step", "besluit", "--amount", "5", "--reason", " "),
    ("--step", "betaling", "--payment", "2025-01-15 6500", "--amount", "5", "--reason", "x"),
])
def test_a_bad_correction_is_a_usage_error(awarded, unchanged, argv):
    with unchanged():
        result = awarded("correct", "molenwijk", *Y, *argv)
        assert result.exit_code == 2, result.output


def test_a_correction_of_a_step_not_taken_is_refused(applied, unchanged):
    with unchanged():
        result = applied("correct", "molenwijk", *Y, "--step", "vaststelling", "--amount", "5", "--reason", "x")
        assert result.exit_code == 4 and "er is geen vaststelling om te corrigeren" in result.stderr


def test_dry_run_shows_the_diff_and_writes_nothing(applied, unchanged):
    with unchanged():
        result = ok(applied("award", "molenwijk", *Y, "--on", "2024-12-20", "--dry-run"))
        assert "+    soort: verleend" in result.stdout and "Proefdraai" in result.stderr


def test_json_of_a_write_is_the_record_with_what_is_derived(applied):
    data = json.loads(ok(applied("award", "molenwijk", *Y, "--on", "2024-12-20", "-o", "json")).stdout)
    assert data["id"] == "2025-wijkplatform-molenwijk" and data["bestanden"] == [S]
    assert data["subsidie"]["status"] == "verleend" and data["subsidie"]["saldo"] == 6500
    assert data["subsidie"]["volgende_stap"] == "verantwoording" and data["subsidie"]["volgende_datum"] is None
    assert "verantwoording_voor" in data["subsidie"]["volgende_datum_onbekend"]


def test_commit_says_what_happened_and_how_much(repo, datadir, run, monkeypatch):
    ok(run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01", *MEMBERS, "--commit"))
    ok(run("apply", "molenwijk", *Y, "--received", "2024-11-12", "--commit"))
    ok(run("award", "molenwijk", *Y, "--on", "2024-12-20", "--case", "Z-2024-0123-B", "--commit"))
    assert git(repo, "log", "-1", "--format=%s").strip() == \
        "award: Wijkplatform Molenwijk 2025, € 6.500 verleend (Z-2024-0123-B)"
    assert git(repo, "status", "--porcelain").strip() == ""


def test_grants_names_what_cannot_be_computed_and_the_totals(awarded):
    result = ok(awarded("grants", "--year", "2025"))
    assert "Totaal" in result.stdout and "€ 6.500" in result.stdout
    assert "Niet te berekenen: de regeling noemt geen termijn voor de verantwoording" in result.stderr
    assert "de regeling noemt geen plafond" in result.stderr
    assert json.loads(ok(awarded("grants", "--status", "afgerond", "-o", "json")).stdout) == []
    assert len(json.loads(ok(awarded("grants", "--gebied", "schalkwijk", "-o", "json")).stdout)) == 1
    assert json.loads(ok(awarded("grants", "--gebied", "noord", "-o", "json")).stdout) == []
    assert awarded("grants", "--gebied", "nergens").exit_code == 3


@pytest.mark.parametrize("choice", [(), ("--status", "verleend"), ("--status", "aangevraagd"),
                                    ("--gebied", "schalkwijk"), ("--gebied", "noord"), ("--year", "2025"),
                                    ("--year", "2026"), ("--gebied", "schalkwijk", "--status", "verleend")])
def test_grants_json_without_rows_chooses_the_records_the_table_shows(awarded, choice):
    """`-o json` and `-o yaml` build no rows (nor, without --gebied, any wijk): they print the
    same records, in the same order, as the csv rows that the table path makes."""
    import csv

    ok(awarded("register", "vogelenwijk", "--name", "Platform Vogelenwijk", "--from", "2024-01-01", *MEMBERS))
    ok(awarded("apply", "vogelenwijk", *Y, "--received", "2024-11-13"))
    ids = [r["id"] for r in json.loads(ok(awarded("grants", *choice, "-o", "json")).stdout)]
    rows = list(csv.DictReader(io.StringIO(ok(awarded("grants", *choice, "-o", "csv")).stdout)))
    assert ids == [r["id"] for r in rows]
    import yaml

    assert [r["id"] for r in yaml.safe_load(ok(awarded("grants", *choice, "-o", "yaml")).stdout) or []] == ids


def test_grants_csv_nl_has_the_totals_and_csv_does_not(awarded):
    nl = ok(awarded("grants", "-o", "csv-nl")).stdout
    plain = ok(awarded("grants", "-o", "csv")).stdout
    assert "Totaal" in nl and "Totaal" not in plain
    assert plain.splitlines()[0].startswith("id,jaar,wijk")


def test_grants_xlsx_has_typed_cells(awarded, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "subsidies.xlsx"
    ok(awarded("grants", "-o", "xlsx", "--file", str(target)))
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2])}
    assert row["KvK"].value == "01234567" and row["KvK"].data_type == "s"
    assert row["Verleend"].value == 6500 and "€" in row["Verleend"].number_format
    assert row["Jaar"].value == 2025
    assert "Totaal" in [c.value for c in sheet["D"]]


def test_payments_between_dates(awarded):
    ok(awarded("pay", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "3000"))
    ok(awarded("pay", "molenwijk", *Y, "--on", "2025-07-01", "--amount", "3500"))
    data = json.loads(ok(awarded("payments", "--from", "2025-02-01", "--to", "2025-12-31", "-o", "json")).stdout)
    assert [p["datum"] for p in data["betalingen"]] == ["2025-07-01"] and data["per_saldo"] == 3500
    assert awarded("payments", "--from", "2025-02-01", "--to", "2025-01-01").exit_code == 2


def test_every_step_gives_the_verdict_of_a_full_validation(platform, datadir):
    env = {"WIJKCTL_CHECK_WRITES": "1"}
    steps = [("apply", "molenwijk", *Y, "--received", "2024-11-12"),
             ("award", "molenwijk", *Y, "--on", "2024-12-20"),
             ("pay", "molenwijk", *Y, "--on", "2025-01-15", "--amount", "6500"),
             ("update", "molenwijk", "--email", "info@molenwijk.nl"),
             ("account", "molenwijk", *Y, "--received", "2026-02-10", "--spent", "6100"),
             ("settle", "molenwijk", *Y, "--on", "2026-04-01")]
    for argv in steps:
        ok(platform(*argv, env=env))
    assert ok(platform("check")).exit_code == 0


def test_a_change_elsewhere_that_orphans_a_record_is_refused_and_changes_nothing(applied, datadir, unchanged):
    with unchanged():
        result = applied("end", "molenwijk", "--on", "2024-12-01", env={"WIJKCTL_CHECK_WRITES": "1"})
        assert result.exit_code in (4, 5), result.output
        assert "2025-wijkplatform-molenwijk" in result.output


def test_init_writes_no_subsidies_file(tmp_path):
    from typer.testing import CliRunner

    from wijkctl.cli import app

    result = CliRunner().invoke(app, ["init", str(tmp_path / "nieuw")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "nieuw" / S).exists()


@pytest.mark.parametrize("args", [("grants", "--year", "2025", "-o", "json"), ("grants",), ("payments", "-o", "csv")])
def test_grants_and_payments_from_the_cache_import_no_yaml_nor_the_write_path(awarded, datadir, args):
    """A read of the subsidy year served from the cache imports neither the YAML library nor
    the write path (`transaction`): grants and payments live apart from the steps' module."""
    import os
    import subprocess
    import sys

    ok(awarded(*args))  # fills the cache, if the award left none
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "wijkctl", "--data-dir", str(datadir), *args],
                          capture_output=True, text=True, env=os.environ, check=True)
    assert "wijkctl.subsidiemodel" in done.stderr  # it read the subsidy year
    assert " yaml" not in done.stderr and "wijkctl.transaction" not in done.stderr
