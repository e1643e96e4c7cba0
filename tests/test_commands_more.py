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
