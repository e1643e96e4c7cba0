"""Global options anywhere, Dutch aliases, a gebied's verbinder, articles, set-verbinder."""

from __future__ import annotations

import json

import pytest

from wijkctl import cli

from .conftest import git, snapshot_bytes


@pytest.mark.parametrize("argv,hoisted", [
    (["list", "--data-dir", "x", "--on", "2025-01-01"], ["--data-dir", "x", "list", "--on", "2025-01-01"]),
    (["show", "molenwijk", "--data-dir=x"], ["--data-dir=x", "show", "molenwijk"]),
    (["--data-dir", "x", "list"], ["--data-dir", "x", "list"]),
    (["register", "m", "--name", "a", "--", "--data-dir"], ["register", "m", "--name", "a", "--", "--data-dir"]),
])
def test_global_options_may_follow_the_command(argv, hoisted):
    assert cli.hoist_globals(argv) == hoisted


def test_a_trailing_data_dir_without_a_value_is_a_usage_error(run):
    assert cli.hoist_globals(["list", "--data-dir"]) == ["list", "--data-dir"]
    result = run("list", "--data-dir")
    assert result.exit_code == 2 and "--data-dir" in result.stderr


def test_data_dir_after_the_command_name(datadir):
    from typer.testing import CliRunner

    result = CliRunner().invoke(cli.app, ["verbinder", "molenwijk", "--data-dir", str(datadir), "-o", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["naam"] == "Ingrid Hamer"


def test_every_command_has_a_dutch_alias_listed_once_in_help(run):
    for command in cli.COMMANDS:
        assert any(c == command for c in cli.ALIASES.values()), command
    assert run("lijst", "-o", "json").stdout == run("list", "-o", "json").stdout
    assert run("toon", "molenwijk").exit_code == 0 and run("subsidie", "--year", "2025").exit_code == 0
    helped = run("--help").stdout
    assert helped.count("lijst") == 1 and "(ook: lijst)" in helped


@pytest.mark.parametrize("query", ["noord", "Noord", "NOORD"])
def test_verbinder_of_a_gebied(run, query):
    [row] = json.loads(run("verbinder", query, "-o", "json").stdout)
    assert row["gebied"] == "noord" and row["naam"] == "Karin Kranendonk" and "delftwijk" in row["wijken"]


@pytest.mark.parametrize("query", ["de Vijfhoek", "het Zijlwegkwartier", "'t Molenwijk"])
def test_leading_articles_are_ignored(run, query):
    result = run("verbinder", query, "-o", "json")
    assert result.exit_code == 0 and "gelezen als" not in result.stderr


def test_set_verbinder_changes_one_gebied_and_commits(run, repo, datadir):
    result = run("set-verbinder", "noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl", "--commit")
    assert result.exit_code == 0, result.stderr
    assert "Karin Kranendonk → Kees de Boer" in result.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "set-verbinder: noord: Kees de Boer <kdboer@haarlem.nl>"
    assert json.loads(run("verbinder", "delftwijk", "-o", "json").stdout)["naam"] == "Kees de Boer"
    again = run("set-verbinder", "Noord", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl")
    assert again.exit_code == 0 and "Niets te wijzigen" in again.stderr


@pytest.mark.parametrize("args,code,says", [
    (("set-verbinder", "nord", "--name", "X"), 3, "Bedoelde je Noord?"),
    (("set-verbinder", "noord", "--name", "X", "--email", "x-at-haarlem"), 2, "Ongeldig e-mailadres"),
    (("set-verbinder", "noord", "--name", " "), 2, "mag niet leeg"),
    (("set-verbinder", "noord"), 2, "--name"),
])
def test_set_verbinder_refusals_change_no_byte(run, datadir, args, code, says):
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code and says in result.stderr
    assert snapshot_bytes(datadir) == before


def test_set_verbinder_dry_run_prints_the_diff(run, datadir):
    before = snapshot_bytes(datadir)
    result = run("set-verbinder", "oost", "--name", "R. Nieuw", "--email", "rnieuw@haarlem.nl", "--dry-run")
    assert result.exit_code == 0 and "+    naam: R. Nieuw" in result.stdout and "-    naam: Rosa Kant" in result.stdout
    assert snapshot_bytes(datadir) == before


MEMBERS3 = ("-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>")


def test_a_platform_that_starts_later_is_found_with_on_and_repeats_are_nothing_to_change(run, datadir):
    assert run("register", "europawijk", "--name", "P Europa", "--from", "2099-01-01", *MEMBERS3).exit_code == 0
    missed = run("update", "europawijk", "--add-member", "D <d@x.nl>")
    assert missed.exit_code == 4 and "gebruik --on 2099-01-01" in missed.stderr
    for _ in range(2):
        result = run("update", "europawijk", "--on", "2099-01-01", "--add-member", "D <d@x.nl>")
        assert result.exit_code == 0
    assert "Niets te wijzigen" in result.stderr
    for _ in range(2):
        result = run("update", "europawijk", "--on", "2099-01-01", "--remove-member", "d@x.nl")
        assert result.exit_code == 0
    assert "Niets te wijzigen" in result.stderr


def test_a_kern_member_is_changed_in_place(run, datadir):
    assert run("register", "europawijk", "--name", "P", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    result = run("update", "europawijk", "--change-member", "b@x.nl", "Bea Bakker <bea@x.nl> 0611111111")
    assert result.exit_code == 0, result.stderr
    kern = json.loads(run("show", "europawijk", "--contact", "-o", "json").stdout)["organisaties"][0]["kern"]
    assert kern == [{"naam": "A", "email": "a@x.nl"}, {"naam": "Bea Bakker", "email": "bea@x.nl",
                                                       "telefoon": "0611111111"},
                    {"naam": "C", "email": "c@x.nl"}]
    near = run("update", "europawijk", "--change-member", "Bea Baker", "X <x@x.nl>")
    assert near.exit_code == 3 and "Bedoelde je Bea Bakker?" in near.stderr


def test_a_start_date_is_corrected_unless_it_breaks_a_rule(run, datadir):
    assert run("register", "europawijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3).exit_code == 0
    assert run("update", "europawijk", "--from", "2025-02-01").exit_code == 0
    assert json.loads(run("show", "europawijk", "-o", "json").stdout)["organisaties"][0]["van"] == "2025-02-01"
    assert run("register", "boerhaavewijk", "--wijkraad", "--name", "R", "--from", "2000-01-01").exit_code == 0
    assert run("convert", "boerhaavewijk", "--from", "2024-07-01", *MEMBERS3).exit_code == 0
    before = snapshot_bytes(datadir)
    refused = run("update", "boerhaavewijk", "--from", "2024-08-01")
    assert refused.exit_code == 4 and "volgt" in refused.stderr
    assert snapshot_bytes(datadir) == before


def test_unregister_removes_a_mistake_with_its_reason_in_the_commit(run, repo, datadir):
    assert run("register", "europawijk", "--name", "P Europa", "--from", "2025-01-01", *MEMBERS3,
               "--commit").exit_code == 0
    result = run("unregister", "europawijk", "--reason", "dubbel ingevoerd", "--commit")
    assert result.exit_code == 0, result.stderr
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == "unregister: P Europa (p-europa, europawijk): dubbel ingevoerd"
    assert json.loads(run("show", "europawijk", "-o", "json").stdout).get("organisaties", []) == []


def test_unregister_refusals_change_no_byte(run, datadir):
    assert run("register", "boerhaavewijk", "--wijkraad", "--name", "R", "--from", "2000-01-01").exit_code == 0
    assert run("convert", "boerhaavewijk", "--from", "2024-07-01", *MEMBERS3).exit_code == 0
    before = snapshot_bytes(datadir)
    for args, code in ((("unregister", "boerhaavewijk", "--reason", "x"), 3),
                       (("unregister", "boerhaavewijk", "--org", "r", "--reason", "x"), 4),
                       (("unregister", "europawijk", "--reason", "x"), 4),
                       (("unregister", "boerhaavewijk", "--org", "r"), 2)):
        assert run(*args).exit_code == code, args
    assert snapshot_bytes(datadir) == before


def test_init_commit_makes_the_next_commit_work(tmp_path, monkeypatch):
    from .conftest import MEMBERS, Run

    for var, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "t@example.org"),
                       ("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "t@example.org")):
        monkeypatch.setenv(var, value)
    git(tmp_path, "init", "-q")
    run = Run(tmp_path / "data")
    result = run("init", str(tmp_path / "data"), "--commit")
    assert result.exit_code == 0, result.stderr
    assert git(tmp_path, "log", "--format=%s").split("\n")[0] == "init: gegevensset Haarlem"
    assert git(tmp_path, "status", "--porcelain") == ""
    assert run("register", "europawijk", "--name", "P", "--from", "2025-01-01", *MEMBERS, "--commit").exit_code == 0


def test_init_commit_outside_git_writes_nothing(tmp_path):
    from .conftest import Run

    result = Run(tmp_path / "data")("init", str(tmp_path / "data"), "--commit")
    assert result.exit_code == 2 and "git" in result.stderr
    assert not (tmp_path / "data").exists()  # not even the folder it would have made


def test_csv_nl_opens_in_dutch_excel(run, datadir):
    import csv
    import io

    assert run("register", "molenwijk", "--name", "=HYPERLINK()", "--from", "2025-03-01", *MEMBERS3).exit_code == 0
    raw = run("list", "-o", "csv-nl").stdout_bytes
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), dialect="excel", delimiter=";"))
    # csv-nl is for people: the Dutch labels as header (csv keeps the keys for scripts)
    molenwijk = next(r for r in rows if r["Wijkcode"] == "molenwijk")
    assert molenwijk["Organisatie"] == "'=HYPERLINK()" and molenwijk["Inwoners"] == "8135"
    assert "," in molenwijk["Aandeel"] or molenwijk["Aandeel"] == ""
    assert rows[-1]["Wijk"].startswith("Totaal: ")  # the totals row last
    sub = list(csv.DictReader(io.StringIO(run("subsidy", "--year", "2025", "-o", "csv-nl").stdout.lstrip("\ufeff"),
                                          newline=""), delimiter=";"))
    assert sub[0]["Wijkcode"] == "molenwijk" and sub[0]["Bedrag"].isdigit()


def test_subsidy_json_names_the_deadline(run):
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3).exit_code == 0
    data = json.loads(run("subsidy", "--year", "2025", "-o", "json").stdout)
    assert data["regeling"]["aanvragen_voor"] == "2025-10-01" == data["subsidies"][0]["aanvragen_voor"]
