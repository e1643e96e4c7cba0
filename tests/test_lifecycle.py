"""`register`, `convert`, `update`, `end` through the CLI: refusals, dry-run, git, diffs."""

from __future__ import annotations

import json

import pytest

from .conftest import MEMBERS, add_wijkraad, git, snapshot_bytes

REGISTER = ("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01")


def test_register_writes_one_hunk_inside_the_wijks_record(run, datadir):
    before = (datadir / "wijken.yaml").read_text()
    result = run(*REGISTER, *MEMBERS)
    assert result.exit_code == 0, result.stderr
    assert "Wijkplatform Molenwijk geregistreerd voor Molenwijk per 1 maart 2025" in result.stderr
    after = (datadir / "wijken.yaml").read_text()
    old, new = before.splitlines(), after.splitlines()
    # only additions, all of them directly after Molenwijk's last line and before Meerwijk
    i = next(n for n, (a, b) in enumerate(zip(old, new)) if a != b)
    added = len(new) - len(old)
    assert new[:i] == old[:i] and new[i + added:] == old[i:]
    assert "code: molenwijk" in "\n".join(old[max(0, i - 12):i])
    assert new[i + added] == "- code: meerwijk"
    assert run("check").exit_code == 0 and run("fmt", "--check").exit_code == 0


def test_dry_run_prints_the_diff_and_changes_nothing(run, datadir, unchanged):
    with unchanged():
        result = run(*REGISTER, *MEMBERS, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/wijken.yaml\n+++ b/wijken.yaml\n")
    assert "+    naam: Wijkplatform Molenwijk" in result.stdout
    assert "Proefdraai" in result.stderr


REFUSALS = [
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-02-30", *MEMBERS), "Ongeldige datum"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "-m", "Anna", "-m", "B <b@x.nl>", "-m",
         "C <c@x.nl>"), "vorm"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--email", "info-at-x", *MEMBERS),
     "e-mailadres"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--legal-form", "stichting", *MEMBERS), "KvK"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--legal-form", "stichting", "--kvk", "1234",
         *MEMBERS), "8 cijfers"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--legal-form", "bv", *MEMBERS),
     "Ongeldige waarde"),
    (2, ("register", "molenwijk", "--from", "2025-01-01", *MEMBERS), "--name"),
    (2, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--bogus", *MEMBERS), "Onbekende optie"),
    (2, ("update", "molenwijk"), "Niets opgegeven"),
    (3, ("register", "molnwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS), "Bedoelde je Molenwijk"),
    (4, ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS[:4]), "minstens 3"),
    (4, ("register", "meerwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS), "wijkctl convert meerwijk"),
    (4, ("convert", "molenwijk", "--from", "2025-01-01", *MEMBERS), "geen actieve wijkraad"),
    (4, ("update", "molenwijk", "--name", "X"), "geen actieve organisatie"),
    (4, ("update", "meerwijk", "--name", "X"), "wijkraad"),
    (4, ("end", "molenwijk", "--on", "2025-01-01"), "geen actieve organisatie"),
    (4, ("end", "meerwijk", "--on", "1990-01-01"), "daarna"),
    (2, ("end", "meerwijk", "--on", "morgen"), "Ongeldige datum"),
]


@pytest.mark.parametrize("code,args,says", REFUSALS, ids=[f"{r[0]}-{r[2]}" for r in REFUSALS])
def test_every_refusal_has_its_exit_code_and_changes_no_byte(run, datadir, code, args, says):
    add_wijkraad(datadir)
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert says in result.stderr
    assert result.stdout == ""
    assert snapshot_bytes(datadir) == before


def test_refusals_after_registration(run, datadir):
    assert run(*REGISTER, *MEMBERS).exit_code == 0
    before = snapshot_bytes(datadir)
    for code, args in [
        (4, REGISTER + MEMBERS),  # overlaps the platform just registered
        (3, ("update", "molenwijk", "--remove-member", "Anna de Vriez")),  # close to a member: a typo
        (4, ("update", "molenwijk", "--add-member", "anna de vries <anna@example.org>")),
        (2, ("update", "molenwijk", "--kvk", "12")),
    ]:
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert snapshot_bytes(datadir) == before


def test_a_kern_below_three_is_recorded_with_a_warning(run, datadir):
    assert run(*REGISTER, *MEMBERS).exit_code == 0
    result = run("update", "molenwijk", "--remove-member", "anna@example.org")  # by e-mail too
    assert result.exit_code == 0 and "Let op" in result.stderr and "2 kernleden" in result.stderr
    assert "2 kernleden" in run("check").stdout and run("check", "--strict").exit_code == 5


def test_a_whole_life(run, datadir):
    add_wijkraad(datadir)
    assert run("convert", "meerwijk", "--from", "2024-07-01", *MEMBERS, "--legal-form", "stichting", "--kvk",
               "12345678").exit_code == 0
    assert run("update", "meerwijk", "--on", "2025-01-01", "--add-member", "Dirk Smit <dirk@example.org>",
               "--remove-member", "Anna de Vries", "--website", "https://meerwijk.example.org").exit_code == 0
    nothing = run("update", "meerwijk", "--on", "2025-01-01", "--website", "https://meerwijk.example.org")
    assert nothing.exit_code == 0 and "Niets te wijzigen" in nothing.stderr
    assert run("end", "meerwijk", "--on", "2026-01-01", "--reason", "te weinig kern").exit_code == 0
    data = json.loads(run("show", "meerwijk", "--contact", "-o", "json").stdout)
    raad, platform = data["organisaties"]
    assert raad["tot"] == "2024-07-01" == platform["van"]
    assert platform["opvolger_van"] == ["wijkraad-meerwijk"]
    assert platform["kvk"] == "12345678" and platform["tot"] == "2026-01-01"
    assert platform["reden_einde"] == "te weinig kern"
    assert [k["naam"] for k in platform["kern"]] == ["Bram Jansen", "Cor Bakker", "Dirk Smit"]
    assert run("check", "--strict").exit_code == 0
    assert run("fmt", "--check").exit_code == 0


# --- git ------------------------------------------------------------------------




def test_commit_commits_exactly_the_change(run, repo, datadir):
    (repo / "notes.txt").write_text("untracked, must stay out of the commit\n")
    result = run(*REGISTER, *MEMBERS, "--commit")
    assert result.exit_code == 0, result.stderr
    log = git(repo, "log", "-1", "--format=%s")
    assert log.strip() == "register: Wijkplatform Molenwijk (molenwijk) per 2025-03-01"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["data/wijken.yaml"]
    assert git(repo, "status", "--porcelain").strip() == "?? notes.txt"


def test_commit_refuses_before_writing_when_something_else_is_staged(run, repo, datadir):
    (repo / "other.txt").write_text("x")
    git(repo, "add", "other.txt")
    before = snapshot_bytes(datadir)
    result = run(*REGISTER, *MEMBERS, "--commit")
    assert result.exit_code == 2 and "klaar" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_commit_refuses_when_data_files_have_uncommitted_edits(run, repo, datadir):
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("Rosa Kant", "Rosa Kant-de Boer"))
    before = snapshot_bytes(datadir)
    result = run(*REGISTER, *MEMBERS, "--commit")
    assert result.exit_code == 2 and "nog niet gecommit" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_commit_outside_git_is_a_usage_error(run, datadir):
    before = snapshot_bytes(datadir)
    result = run(*REGISTER, *MEMBERS, "--commit")
    assert result.exit_code == 2 and "git" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_end_refuses_to_break_a_succession(run, datadir):
    add_wijkraad(datadir)
    assert run("convert", "meerwijk", "--from", "2024-07-01", *MEMBERS).exit_code == 0
    before = snapshot_bytes(datadir)
    result = run("end", "meerwijk", "--on", "2020-01-01")  # the wijkraad was active then
    assert result.exit_code == 4 and "opvolging" in result.stderr
    assert snapshot_bytes(datadir) == before
