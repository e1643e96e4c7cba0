"""Issue 20, items 5-8, through the CLI: what a person types, the calendar's edges,
options that did not do what they said, and the decisions on odd input.

Every refusal asserts its exit code, a Dutch message and that no data byte changed.
"""

from __future__ import annotations

import json
import os

import pytest

from wijkctl.output import csv_cell

from .cbsfixture import kerncijfers
from .conftest import MEMBERS, git, line_of, snapshot_bytes
from .test_hardening import edit, refused

REGISTER = ("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01")
DIRK = ("-m", "Anna de Vries <anna@example.org>", "-m", "Bram Jansen <bram@example.org>",
        "-m", "Dirk <dirk@example.org>")


def kern(datadir, wijk: str = "molenwijk") -> list[dict]:
    """The kern of the wijk's last organisation, as the file holds it (show never prints it)."""
    import yaml

    wijken = yaml.safe_load((datadir / "wijken.yaml").read_text(encoding="utf-8"))["wijken"]
    return next(w for w in wijken if w["code"] == wijk)["organisaties"][-1].get("kern", [])


# --- dates, years, day counts: one parser for every command ----------------------------


@pytest.mark.parametrize("args", [
    ("list", "--on", "20250701"), ("list", "--on", "2024W271"), ("list", "--on", "２０２５-０７-０１"),
    ("due", "--on", "20250701"), ("update", "molenwijk", "--on", "2025/07/01", "--name", "X"),
    (*REGISTER[:4], "--from", "20250301", *MEMBERS), ("end", "molenwijk", "--on", "2024W271"),
])
def test_a_date_in_another_form_is_exit_2_naming_both_forms(run, datadir, args):
    refused(run, datadir, args, 2, "JJJJ-MM-DD of D-M-JJJJ")


def test_a_dutch_date_is_read(run):
    assert run(*REGISTER[:4], "--from", "1-3-2025", *MEMBERS).exit_code == 0
    assert json.loads(run("show", "molenwijk", "-o", "json").stdout)["organisaties"][-1]["van"] == "2025-03-01"
    assert run("list", "--on", "01-07-2025").exit_code == 0


@pytest.mark.parametrize("args", [
    ("due", "--on", "9999-12-31"), ("due", "--on", "9999-12-30", "--within", "5"), ("list", "--on", "1899-12-31"),
    (*REGISTER[:4], "--from", "2201-01-01", *MEMBERS),
])
def test_a_date_outside_1900_2200_in_an_argument_is_exit_2(run, datadir, args):
    refused(run, datadir, args, 2, "1900 tot en met 2200")


def test_due_at_the_edge_of_the_range_never_crashes(run):
    for args in (("--on", "2200-12-31", "--within", "3660"), ("--on", "1900-01-01", "--within", "0")):
        result = run("due", *args, "-o", "json")
        assert result.exit_code == 0, result.output
        assert isinstance(json.loads(result.stdout), list)


@pytest.mark.parametrize("args,says", [
    (("due", "--within", "１"), "--within"), (("due", "--within", "1_0"), "--within"),
    (("due", "--within", "-1"), "--within"), (("due", "--within", "3661"), "3660"),
    (("subsidy", "--year", "２０２５"), "--year"), (("subsidy", "--year", "2_025"), "--year"),
    (("subsidy", "--year", "1899"), "1900"),
])
def test_years_and_day_counts_take_ascii_digits_only(run, datadir, args, says):
    refused(run, datadir, args, 2, says)


def test_import_cbs_year_takes_ascii_digits_only(run, datadir, tmp_path):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", 8060, 3968, "52,9", 310)]))
    refused(run, datadir, ("import-cbs", str(csv_file), "--year", "２０２４"), 2, "Ongeldig jaar voor --year")


def test_a_lock_timeout_in_another_form_is_refused(run, datadir):
    for value in ("1_0", "1e1", "inf", "１０"):
        before = snapshot_bytes(datadir)
        result = run(*REGISTER, *MEMBERS, env={"WIJKCTL_LOCK_TIMEOUT": value})
        assert result.exit_code == 2 and "WIJKCTL_LOCK_TIMEOUT" in result.stderr, (value, result.output)
        assert snapshot_bytes(datadir) == before
    assert run(*REGISTER, *MEMBERS, env={"WIJKCTL_LOCK_TIMEOUT": "2.5"}).exit_code == 0


# --- a date in a data file: exit 5, and check names it ---------------------------------


def test_a_date_outside_1900_2200_in_a_data_file_is_exit_5_with_its_line(run, datadir):
    assert run(*REGISTER, *MEMBERS).exit_code == 0
    edit(datadir, "wijken.yaml", "van: 2025-03-01", "van: 9999-12-31")
    line = line_of(datadir, "wijken.yaml", "9999-12-31")
    result = run("check")
    assert result.exit_code == 5
    assert f"wijken.yaml:{line}: datum '9999-12-31' ligt buiten het bereik" in result.stdout
    for args in (("show", "molenwijk"), ("due",), ("list",)):
        shown = refused(run, datadir, args, 5)
        assert f"wijken.yaml:{line}" in shown.stderr + shown.stdout
    refused(run, datadir, ("update", "molenwijk", "--on", "9999-12-31", "--name", "X"), 2, "1900 tot en met 2200")


# --- KvK numbers, members ---------------------------------------------------------------


def test_a_kvk_number_with_spaces_or_dots_is_stored_as_its_digits(run, datadir):
    assert run(*REGISTER, *MEMBERS, "--legal-form", "stichting", "--kvk", "8765 4321").exit_code == 0
    assert "kvk: '87654321'" in (datadir / "wijken.yaml").read_text()
    assert run("update", "molenwijk", "--on", "2025-03-01", "--kvk", "12.34.56.78").exit_code == 0
    assert "kvk: '12345678'" in (datadir / "wijken.yaml").read_text()
    refused(run, datadir, ("update", "molenwijk", "--on", "2025-03-01", "--kvk", "１２３４５６７８"), 2, "8 cijfers")


def test_a_phone_only_member_is_registered_and_passes_check(run, datadir):
    members = ("-m", "Anna de Vries <> 023 531 2345", "-m", "Bram Jansen bram@example.org 06 1234 5678",
               "-m", "Cor Bakker <cor@example.org>")
    result = run(*REGISTER, *members)
    assert result.exit_code == 0, result.output
    assert [(k["naam"], k.get("email"), k.get("telefoon")) for k in kern(datadir)] == [
        ("Anna de Vries", None, "023 531 2345"), ("Bram Jansen", "bram@example.org", "06 1234 5678"),
        ("Cor Bakker", "cor@example.org", None)]
    assert run("check", "--strict").exit_code == 0
    assert (datadir / "wijken.yaml").read_text().startswith("versie: 3\n")


def test_a_member_without_email_and_phone_is_refused(run, datadir):
    refused(run, datadir, (*REGISTER, "-m", "Anna <>", *MEMBERS[2:]), 2, "e-mailadres of telefoonnummer")
    refused(run, datadir, (*REGISTER, "-m", "Anna", *MEMBERS[2:]), 2, "niet de vorm")


def test_in_a_data_file_a_member_needs_email_or_phone_and_a_role_from_the_list(run, datadir):
    assert run(*REGISTER, *MEMBERS).exit_code == 0
    edit(datadir, "wijken.yaml", "      email: anna@example.org\n", "      rol: voorzitter\n")
    line = line_of(datadir, "wijken.yaml", "naam: Anna de Vries")
    result = run("check", "-o", "json")
    assert result.exit_code == 5
    (fout,) = json.loads(result.stdout)["fouten"]
    assert (fout["regel"], fout["regel_id"]) == (line, "kernlid-contact") and "Anna de Vries" in fout["melding"]
    edit(datadir, "wijken.yaml", "      rol: voorzitter\n", "      telefoon: '0235312345'\n      rol: voorzitter\n")
    assert run("check", "--strict").exit_code == 0
    edit(datadir, "wijken.yaml", "rol: voorzitter", "rol: baas")
    result = run("check")
    assert result.exit_code == 5 and "onbekende rol in de kern 'baas'" in result.stdout


def test_a_versie_2_file_is_read_and_written_as_versie_3(run, datadir):
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text().replace("versie: 3\n", "versie: 2\n", 1))
    result = run("check")
    assert result.exit_code == 0 and "wijken.yaml is versie 2" in result.stderr
    assert run(*REGISTER, *MEMBERS).exit_code == 0
    assert path.read_text().startswith("versie: 3\n") and run("check").stderr.count("versie 2") == 0


# --- options that lie --------------------------------------------------------------------


@pytest.mark.parametrize("order", [("nobody", "dirk"), ("dirk", "nobody"), ("nobody", "dirk@example.org", "nobody")])
def test_removing_an_unknown_member_next_to_a_known_one_is_exit_3_naming_it(run, datadir, order):
    assert run(*REGISTER, *DIRK).exit_code == 0
    args = [arg for name in order for arg in ("--remove-member", name)]
    result = refused(run, datadir, ("update", "molenwijk", "--on", "2025-03-01", *args), 3, "'nobody'")
    assert "Dirk" not in result.stderr.split("'nobody'")[0]
    assert [k["naam"] for k in kern(datadir)][-1] == "Dirk"


def test_a_repeated_removal_alone_stays_exit_0(run, datadir):
    assert run(*REGISTER, *DIRK).exit_code == 0
    assert run("update", "molenwijk", "--on", "2025-03-01", "--remove-member", "dirk@example.org").exit_code == 0
    again = run("update", "molenwijk", "--on", "2025-03-01", "--remove-member", "dirk@example.org")
    assert again.exit_code == 0 and "Niets te wijzigen" in again.stderr


def test_due_within_lists_no_kern_item_dated_outside_the_window(run):
    assert run("register", "molenwijk", "--name", "P Later", "--from", "2025-09-01", *DIRK).exit_code == 0
    assert run("update", "molenwijk", "--on", "2025-09-01", "--remove-member", "dirk").exit_code == 0
    items = json.loads(run("due", "--on", "2025-06-01", "--within", "1", "-o", "json").stdout)
    assert not [i for i in items if i["soort"] == "kern_te_klein"]
    assert all(i["datum"] <= "2025-06-02" for i in items)
    later = json.loads(run("due", "--on", "2025-08-31", "--within", "1", "-o", "json").stdout)
    assert [i["datum"] for i in later if i["soort"] == "kern_te_klein"] == ["2025-09-01"]


def test_init_onto_a_regular_file_is_exit_2_in_dutch(run, tmp_path):
    target = tmp_path / "bestand"
    target.write_text("van iemand anders\n")
    for folder in (target, target / "sub"):
        result = run("init", str(folder))
        assert result.exit_code == 2, result.output
        assert "geen map" in result.stderr and "File exists" not in result.output and "Traceback" not in result.output
    assert target.read_text() == "van iemand anders\n"


def test_an_import_with_only_buurt_rows_is_read(run, datadir, tmp_path):
    edit(datadir, "wijken.yaml", "  - naam: Stationsbuurt\n", "  - naam: Stationsbuurt\n    cbs_code: BU03920101\n")
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Buurt", "BU03920101", 1200, 700, "20,0", 30)]))
    result = run("import-cbs", str(csv_file), "--year", "2024")
    assert result.exit_code == 0, result.output
    buurten = {b["naam"]: b for b in json.loads(run("show", "oude-stad", "-o", "json").stdout)["buurten"]}
    assert buurten["Stationsbuurt"]["cijfers"]["inwoners"] == 1200
    empty = tmp_path / "leeg.csv"
    empty.write_text(kerncijfers(2024, [("Gemeente", "GM0392", 1, 1, "1,0", 1)]))
    refused(run, datadir, ("import-cbs", str(empty), "--year", "2024"), 2, "'Wijk' of 'Buurt'")


# --- decisions (item 8) -------------------------------------------------------------------


@pytest.mark.parametrize("name,says", [
    ("Wijkplatform\u202e Molenwijk", "U+202E"), ("Wijk\u200bplatform Molenwijk", "U+200B"),
    ("Wijkplat\u00adform Molenwijk", "U+00AD"), ("Wijkplatform Molenwijk\U000e0041", "U+E0041"),
    ("Wijkplatform Mоlenwijk", "Latijnse en Cyrillische"),
])
def test_a_name_with_an_invisible_or_look_alike_character_is_refused(run, datadir, name, says):
    refused(run, datadir, ("register", "molenwijk", "--name", name, "--from", "2025-03-01", *MEMBERS), 2, says)
    refused(run, datadir, ("set-verbinder", "noord", "--name", name, "--email", "x@haarlem.nl"), 2, says)
    refused(run, datadir, (*REGISTER, "-m", f"{name} <a@example.org>", *MEMBERS[2:]), 2, says)


def test_an_invisible_or_look_alike_character_in_a_data_name_is_an_error_at_its_line(run, datadir):
    for old, new, says in (("naam: Molenwijk", "naam: Molen\u200bwijk", "U+200B"),
                           ("naam: Molenwijk", "naam: Mоlenwijk", "Cyrillische")):
        before = (datadir / "wijken.yaml").read_text()
        edit(datadir, "wijken.yaml", old, new)
        line = line_of(datadir, "wijken.yaml", new)
        result = run("check", "-o", "json")
        assert result.exit_code == 5
        (fout,) = json.loads(result.stdout)["fouten"]
        assert fout["regel"] == line and says in fout["melding"] and fout["regel_id"] == "formaat-naam"
        assert new.split(": ")[1] not in fout["melding"]  # the name itself is not echoed
        (datadir / "wijken.yaml").write_text(before)


def test_an_all_cyrillic_or_accented_name_is_a_name(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk-Zuid", "--from", "2025-03-01",
               "-m", "Ирина Петрова <irina@example.org>", "-m", "Zoë Çelik <zoe@example.org>",
               "-m", "Ἀλέξανδρος <alex@example.org>").exit_code == 0
    assert run("check").exit_code == 0


def test_full_width_formula_characters_are_guarded_in_csv():
    for start in ("＝", "＋", "－", "＠"):
        assert csv_cell(f"{start}SOM(A1)") == f"'{start}SOM(A1)"
    assert csv_cell("Molenwijk") == "Molenwijk"


def test_commit_on_a_detached_head_is_refused_before_writing(repo, run, datadir):
    git(repo, "checkout", "-q", "--detach")
    result = refused(run, datadir, (*REGISTER, *MEMBERS, "--commit"), 2, "detached HEAD", "git switch")
    assert "Traceback" not in result.output
    git(repo, "checkout", "-q", "-")
    assert run(*REGISTER, *MEMBERS, "--commit").exit_code == 0


def test_an_empty_data_dir_or_init_folder_is_exit_2(run, datadir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from typer.testing import CliRunner

    from wijkctl.cli import app

    for args in (["--data-dir", "", "list"], ["list", "--data-dir", ""], ["init", ""], ["init", " "]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "leeg" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["data"]


def test_update_with_an_empty_value_clears_that_detail(run, datadir):
    assert run(*REGISTER, *MEMBERS, "--email", "info@example.org", "--website", "https://example.org").exit_code == 0
    result = run("update", "molenwijk", "--on", "2025-03-01", "--email", "", "--website", "")
    assert result.exit_code == 0 and "e-mail verwijderd" in result.stderr, result.output
    org = json.loads(run("show", "molenwijk", "-o", "json").stdout)["organisaties"][-1]
    assert "email" not in org and "website" not in org
    again = run("update", "molenwijk", "--on", "2025-03-01", "--email", "")
    assert again.exit_code == 0 and "Niets te wijzigen" in again.stderr
    refused(run, datadir, (*REGISTER[:3], "Ander", "--from", "2026-01-01", *MEMBERS, "--email", ""), 2, "--email is "
                                                                                                        "leeg")


def test_clearing_a_kvk_that_the_legal_form_needs_is_refused(run, datadir):
    assert run(*REGISTER, *MEMBERS, "--legal-form", "stichting", "--kvk", "87654321").exit_code == 0
    refused(run, datadir, ("update", "molenwijk", "--on", "2025-03-01", "--kvk", ""), 2, "KvK-nummer nodig")


def test_an_ambiguous_figure_and_conflicting_duplicate_rows_refuse_the_file(run, datadir, tmp_path):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", "8.060", 3968, "52,9", 310)]))
    refused(run, datadir, ("import-cbs", str(csv_file), "--year", "2024"), 2, "'8.060' is dubbelzinnig")
    same = [("Wijk", "WK039220", 8060, 3968, "52,9", 310)] * 2
    csv_file.write_text(kerncijfers(2024, same))
    assert run("import-cbs", str(csv_file), "--year", "2024").exit_code == 0
    csv_file.write_text(kerncijfers(2024, [*same[:1], ("Wijk", "WK039220", 9000, 3968, "52,9", 310)]))
    refused(run, datadir, ("import-cbs", str(csv_file), "--year", "2023"), 2, "wijk WK039220 staat er al op regel 2")


def test_a_percentage_with_three_decimals_is_still_read(run, tmp_path):
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", 8060, 3968, "52.900", 310)]))
    assert run("import-cbs", str(csv_file), "--year", "2024").exit_code == 0


def test_a_look_up_folds_invisible_characters_away_and_suggests_for_a_look_alike(run):
    shown = run("verbinder", "Molen\u200bwijk", "-o", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["wijk"] == "molenwijk"
    alike = run("verbinder", "Mоlenwijk")  # a Cyrillic о: another name, never silently the same
    assert alike.exit_code == 3 and "Bedoelde je Molenwijk" in alike.stderr
