"""`update --per DATE`: a new name or area from a day on, through the CLI (CONTRACT §7)."""

from __future__ import annotations

import json

import pytest

from .conftest import MEMBERS, snapshot_bytes

REGISTER = ("register", "oude-stad", "--name", "Wijkplatform Oude Stad", "--from", "2025-01-01",
            "--buurt", "Stationsbuurt", "--buurt", "Binnenstad", "--email", "info@oudestad.nl", *MEMBERS)
WIDER = ("--buurt", "Stationsbuurt", "--buurt", "Binnenstad", "--buurt", "Bakenes")


@pytest.fixture
def platform(run):
    assert run(*REGISTER).exit_code == 0
    return run


def organisaties(run) -> list[dict]:
    return json.loads(run("show", "oude-stad", "-o", "json").stdout)["organisaties"]


def test_a_new_area_per_a_date_ends_the_platform_and_starts_its_successor(platform):
    result = platform("update", "oude-stad", *WIDER, "--per", "2026-06-01", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "wijkplatform-oude-stad-2"
    oud, nieuw = organisaties(platform)
    assert (oud["id"], oud["tot"], oud["buurten"]) == ("wijkplatform-oude-stad", "2026-06-01",
                                                       ["Stationsbuurt", "Binnenstad"])
    assert (nieuw["van"], nieuw["opvolger_van"], nieuw["buurten"]) == (
        "2026-06-01", ["wijkplatform-oude-stad"], ["Stationsbuurt", "Binnenstad", "Bakenes"])
    assert nieuw["email"] == oud["email"] == "info@oudestad.nl"
    assert [k["naam"] for k in nieuw["kern"]] == [k["naam"] for k in oud["kern"]]
    assert "tot" not in nieuw
    assert platform("check").exit_code == 0 and platform("fmt", "--check").exit_code == 0


def test_the_months_before_the_date_keep_the_old_area_in_the_subsidy(platform):
    assert platform("update", "oude-stad", *WIDER, "--per", "2026-06-01").exit_code == 0
    subsidie = json.loads(platform("subsidy", "oude-stad", "--year", "2026", "-o", "json").stdout)
    per_platform = {s["organisatie"]: (s["buurten"], s["maanden"]) for s in subsidie["subsidies"]}
    assert per_platform == {"wijkplatform-oude-stad": (["Stationsbuurt", "Binnenstad"], 5),
                            "wijkplatform-oude-stad-2": (["Stationsbuurt", "Binnenstad", "Bakenes"], 7)}
    earlier = json.loads(platform("subsidy", "oude-stad", "--year", "2025", "-o", "json").stdout)["subsidies"]
    assert [(s["organisatie"], s["buurten"], s["maanden"]) for s in earlier] == [
        ("wijkplatform-oude-stad", ["Stationsbuurt", "Binnenstad"], 12)]


def test_a_new_name_per_a_date_gets_an_id_from_that_name(platform):
    result = platform("update", "oude-stad", "--name", "Wijkplatform Binnenstad", "--per", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    assert "Wijkplatform Binnenstad (wijkplatform-binnenstad) volgt op" in result.stderr
    assert [(o["id"], o["naam"]) for o in organisaties(platform)] == [
        ("wijkplatform-oude-stad", "Wijkplatform Oude Stad"), ("wijkplatform-binnenstad", "Wijkplatform Binnenstad")]


def test_the_same_change_again_is_exit_0_and_changes_nothing(platform, datadir):
    assert platform("update", "oude-stad", *WIDER, "--per", "2026-06-01").exit_code == 0
    before = snapshot_bytes(datadir)
    again = platform("update", "oude-stad", *WIDER, "--per", "2026-06-01")
    assert again.exit_code == 0 and "Niets te wijzigen" in again.stderr
    assert snapshot_bytes(datadir) == before


def test_without_per_a_new_area_stays_a_correction(platform):
    assert platform("update", "oude-stad", *WIDER, "--on", "2025-03-01").exit_code == 0
    (org,) = organisaties(platform)
    assert org["buurten"] == ["Stationsbuurt", "Binnenstad", "Bakenes"] and org["van"] == "2025-01-01"


def test_dry_run_shows_both_records_and_writes_nothing(platform, datadir):
    before = snapshot_bytes(datadir)
    result = platform("update", "oude-stad", *WIDER, "--per", "2026-06-01", "--dry-run")
    assert result.exit_code == 0
    assert "+    tot: 2026-06-01" in result.stdout and "+  - id: wijkplatform-oude-stad-2" in result.stdout
    assert snapshot_bytes(datadir) == before


PER_REFUSALS = [
    (2, ("--email", "x@y.nl", "--name", "X", "--per", "2026-01-01"), "--per gaat alleen samen"),
    (2, ("--add-member", "D <d@x.nl>", "--buurt", "Bakenes", "--per", "2026-01-01"), "--per gaat alleen samen"),
    (2, ("--per", "2026-01-01"), "--per heeft --name of --buurt nodig"),
    (2, ("--name", "X", "--per", "2026-13-01"), "Ongeldige datum"),
    (2, ("--buurt", "Nergenshuizen", "--per", "2026-01-01"), "geen buurt van Oude Stad"),
    (4, ("--name", "X", "--per", "2025-01-01"), "laat --per weg"),
    (4, ("--name", "X", "--per", "2024-06-01"), "niet actief"),
    (4, ("--buurt", "Burgwal", "--per", "2026-01-01"), "al een organisatie op Burgwal"),
    (3, ("--org", "bestaat-niet", "--name", "X", "--per", "2026-01-01"), "niet gevonden"),
]


@pytest.mark.parametrize("code,args,says", PER_REFUSALS, ids=[f"{r[0]}-{r[2]}" for r in PER_REFUSALS])
def test_every_refusal_of_per_has_its_exit_code_and_changes_no_byte(platform, datadir, code, args, says):
    assert platform("register", "oude-stad", "--name", "Platform Burgwal", "--from", "2025-01-01",
                    "--buurt", "Burgwal", *MEMBERS).exit_code == 0
    before = snapshot_bytes(datadir)
    org = () if "--org" in args else ("--org", "wijkplatform-oude-stad")  # two platforms: say which
    result = platform("update", "oude-stad", *org, *args)
    assert result.exit_code == code, result.output
    assert says in result.stderr
    assert snapshot_bytes(datadir) == before


def test_a_platform_whose_successor_takes_over_is_not_changed_per_a_date(platform, datadir):
    assert platform("update", "oude-stad", *WIDER, "--per", "2026-06-01").exit_code == 0
    before = snapshot_bytes(datadir)
    result = platform("update", "oude-stad", "--org", "wijkplatform-oude-stad", "--name", "X", "--per", "2026-01-01")
    assert result.exit_code == 4 and "opvolging" in result.stderr
    assert snapshot_bytes(datadir) == before
