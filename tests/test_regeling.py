"""The regeling by command (`regeling add`, `regeling set`): a new year from the last one,
its changes, and every refusal leaving the files as they were."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import regeling, text, yamlio
from wijkctl.errors import UsageError
from wijkctl.schema import REGELINGEN

from .conftest import MEMBERS, git, snapshot_bytes


def ok(result, code: int = 0):
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


def _regelingen(run) -> dict[int, dict]:
    loaded = yamlio.load_text(REGELINGEN, (run.datadir / REGELINGEN).read_text(encoding="utf-8"))
    from wijkctl.schema import REGELING, to_plain

    return {r.jaar: to_plain(r, REGELING, iso=True) for r in loaded.records}


def test_add_copies_the_last_regeling_as_concept_and_subsidy_uses_it(run):
    made = json.loads(ok(run("regeling", "add", "--year", "2026", "-o", "json")).stdout)
    assert made["jaar"] == 2026 and made["bestanden"] == [REGELINGEN]
    nieuw, oud = _regelingen(run)[2026], _regelingen(run)[2024]
    assert nieuw["status"] == "concept" and nieuw["toeslagen"] == oud["toeslagen"]
    assert nieuw["opmerking"] == "Overgenomen van de regeling van 2024." and "bron" not in nieuw
    assert oud["status"] == "concept"  # the bundled concept stays concept
    berekend = json.loads(ok(run("subsidy", "molenwijk", "--year", "2026", "-o", "json")).stdout)
    assert (berekend["regeling"]["jaar"], berekend["regeling"]["status"]) == (2026, "concept")
    ok(run("check", "--strict"))


def test_add_like_a_named_year_and_a_vastgesteld_source_still_gives_a_concept(run):
    ok(run("regeling", "set", "--year", "2024", "--status", "vastgesteld"))
    ok(run("regeling", "toevoegen", "--year", "2023", "--like", "2024", "--plafond", "€ 80.000"))
    r = _regelingen(run)[2023]
    assert r["status"] == "concept" and r["plafond"] == 80000 and r["basisbedrag"] == 5000
    assert list(_regelingen(run)) == [2023, 2024]  # in the order of the years


def test_add_without_an_earlier_year_needs_every_amount(run, datadir):
    before = snapshot_bytes(datadir)
    result = ok(run("regeling", "add", "--year", "2023", "--basisbedrag", "4000"), 2)
    assert "--name, --maximum ontbreekt" in result.stderr and "--like" in result.stderr
    assert snapshot_bytes(datadir) == before
    ok(run("regeling", "add", "--year", "2023", "--name", "Regeling wijkplatforms", "--basisbedrag", "4.000",
           "--maximum", "8000", "--toeslag", "Inwoners", "--maatstaf", "inwoners", "--amount", "1000"))
    r = _regelingen(run)[2023]
    assert r == {"jaar": 2023, "naam": "Regeling wijkplatforms", "status": "concept", "basisbedrag": 4000,
                 "maximum": 8000, "toeslagen": [{"naam": "Inwoners", "maatstaf": "inwoners",
                                                 "boven_gemiddelde": 1000}]}
    ok(run("check", "--strict"))


def test_a_register_without_regeling_gets_its_first_one(run, datadir):
    (datadir / REGELINGEN).write_text(yamlio.dump_records(REGELINGEN, [], None), encoding="utf-8")
    assert "wijkctl regeling add --year" in ok(run("subsidy", "molenwijk", "--year", "2026"), 3).stderr
    ok(run("regeling", "add", "--year", "2026", "--name", "Subsidieregeling wijkplatforms", "--basisbedrag", "5000",
           "--maximum", "5000"))
    shown = json.loads(ok(run("subsidy", "molenwijk", "--year", "2026", "-o", "json")).stdout)
    assert shown["subsidies"][0]["bedrag"] == 5000


def test_set_changes_amounts_and_toeslagen_and_commits_with_what_changed(run, repo):
    ok(run("regeling", "wijzig", "--year", "2024", "--plafond", "60.000", "--maximum", "12000", "--commit"))
    assert git(repo, "log", "-1", "--format=%s").strip() == \
        "regeling set: 2024: maximum € 12.000 (was € 10.000), plafond € 60.000 (was geen)"
    result = ok(run("regeling", "set", "--year", "2024", "--toeslag", "inwoners", "--staffel", "10.000=€ 2.000",
                    "--staffel", "7500=1000", "-o", "json"))
    toeslag = json.loads(result.stdout)["regeling"]["toeslagen"][0]
    assert toeslag["staffels"] == [{"vanaf": 7500, "bedrag": 1000}, {"vanaf": 10000, "bedrag": 2000}]
    assert "boven_gemiddelde" not in toeslag and toeslag["opmerking"].startswith("Plaatshouder")
    assert "toeslag Inwoners naar inwoners: vanaf 7.500 € 1.000; vanaf 10.000 € 2.000" in result.stderr
    assert "    - {vanaf: 7500, bedrag: 1000}\n" in (repo / "data" / REGELINGEN).read_text(encoding="utf-8")
    ok(run("regeling", "set", "--year", "2024", "--toeslag", "Groen", "--maatstaf", "aandeel_sociale_huur",
           "--staffel", "35,5=1500", "--plafond", "geen"))
    r = _regelingen(run)[2024]
    assert r["toeslagen"][-1]["staffels"] == [{"vanaf": 35.5, "bedrag": 1500}] and "plafond" not in r
    ok(run("check", "--strict"))


def test_set_records_the_procedure_and_due_and_grants_use_it(run, repo):
    """The terms Haarlem has not published are set by command when the council adopts them, and removed again."""
    ok(run("regeling", "set", "--year", "2024", "--verantwoording-voor", "04-01", "--vaststelling-weken", "8",
           "--aanvragen-vanaf", "10-15", "--beslistermijn-weken", "13", "--commit"))
    assert git(repo, "log", "-1", "--format=%s").strip() == (
        "regeling set: 2024: aanvragen vanaf 15 oktober (was niet vastgelegd), beslistermijn 13 weken (was niet "
        "vastgelegd), verantwoording vóór 1 april (was niet vastgelegd), vaststelling binnen 8 weken (was niet "
        "vastgelegd)")
    r = _regelingen(run)[2024]
    assert (r["aanvragen_vanaf"], r["beslistermijn_weken"], r["verantwoording_voor"], r["vaststelling_weken"]) == \
        ("10-15", 13, "04-01", 8)
    result = ok(run("regeling", "set", "--year", "2024", "--vaststelling-weken", "geen", "--aanvragen-vanaf", "GEEN"))
    assert "vaststelling binnen: niet vastgelegd (was 8 weken)" in result.stderr
    r = _regelingen(run)[2024]
    assert "vaststelling_weken" not in r and "aanvragen_vanaf" not in r and r["verantwoording_voor"] == "04-01"
    ok(run("check", "--strict"))


def test_add_takes_the_procedure_too(run):
    ok(run("regeling", "add", "--year", "2027", "--verantwoording-voor", "05-01", "--beslistermijn-weken", "8"))
    r = _regelingen(run)[2027]
    assert r["verantwoording_voor"] == "05-01" and r["beslistermijn_weken"] == 8 and r["status"] == "concept"


def test_the_same_change_again_writes_nothing(run, datadir):
    ok(run("regeling", "set", "--year", "2024", "--status", "vastgesteld"))
    before = snapshot_bytes(datadir)
    result = ok(run("regeling", "set", "--year", "2024", "--status", "vastgesteld"))
    assert "Niets te wijzigen" in result.stderr and snapshot_bytes(datadir) == before


def test_dry_run_shows_the_diff_and_changes_nothing(run, datadir):
    before = snapshot_bytes(datadir)
    result = ok(run("regeling", "set", "--year", "2024", "--basisbedrag", "6000", "--dry-run"))
    assert "-  basisbedrag: 5000\n+  basisbedrag: 6000\n" in result.stdout
    assert snapshot_bytes(datadir) == before


@pytest.fixture
def awarded(run, monkeypatch):
    """A platform with € 6.500 verleend for 2025 (under the regeling of 2024)."""
    monkeypatch.setattr(text, "today", lambda: dt.date(2024, 11, 20))
    ok(run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-03-01",
           "--legal-form", "stichting", "--kvk", "01234567", *MEMBERS))
    ok(run("apply", "molenwijk", "--year", "2025", "--received", "2024-11-12", "--amount", "6500"))
    ok(run("award", "molenwijk", "--year", "2025", "--on", "2024-12-20"))
    verleend = json.loads(ok(run("grants", "-o", "json")).stdout)[0]["besluit"]["bedrag"]
    assert verleend > 1000
    return verleend


@pytest.mark.parametrize("args", [
    ("set", "--year", "2024", "--plafond", "1000"),
    ("add", "--year", "2025", "--plafond", "1.000"),
])
def test_a_plafond_below_what_is_verleend_is_refused(run, datadir, awarded, args):
    before = snapshot_bytes(datadir)
    result = ok(run("regeling", *args), 4)
    assert "lager dan wat in 2025 al is verleend" in result.stderr
    assert "2025-wijkplatform-molenwijk" in result.stderr and "Awb 4:25" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_a_plafond_at_what_is_verleend_is_taken_and_a_later_year_is_not_counted(run, awarded):
    ok(run("regeling", "set", "--year", "2024", "--plafond", str(awarded)))
    ok(run("regeling", "add", "--year", "2026", "--plafond", "1000"))  # 2025 stays under the regeling of 2024


@pytest.mark.parametrize("args, code, words", [
    (("add", "--year", "2024"), 4, "al een regeling voor 2024"),
    (("add", "--year", "2026", "--like", "2019"), 3, "geen regeling voor 2019 om over te nemen"),
    (("add", "--year", "twintig"), 2, "Ongeldig jaar voor --year"),
    (("set", "--year", "2025", "--status", "vastgesteld"), 3, "In 2025 geldt die van 2024"),
    (("set", "--year", "2024"), 2, "minstens één wijziging"),
    (("set", "--year", "2024", "--plafond", "6.100,50"), 2, "alleen hele euro's"),
    (("set", "--year", "2024", "--basisbedrag", "-5"), 2, "nooit negatief"),
    (("set", "--year", "2024", "--status", "definitief"), 2, "definitief"),
    (("set", "--year", "2024", "--maximum", "4000"), 4, "lager worden dan het basisbedrag"),
    (("set", "--year", "2024", "--amount", "100"), 2, "geef ook --toeslag"),
    (("set", "--year", "2024", "--toeslag", "Inwoners"), 2, "Geef --amount"),
    (("set", "--year", "2024", "--toeslag", "Inwoners", "--amount", "1", "--staffel", "1=1"), 2, "niet allebei"),
    (("set", "--year", "2024", "--toeslag", "Groen", "--amount", "100"), 2, "vraagt --maatstaf"),
    (("set", "--year", "2024", "--toeslag", "Groen", "--maatstaf", "woningen"), 2, "vraagt --amount"),
    (("set", "--year", "2024", "--toeslag", "Inwoners", "--staffel", "7500"), 2, "VANAF=BEDRAG"),
    (("set", "--year", "2024", "--toeslag", "Inwoners", "--staffel", "7.5=100"), 2, "met een komma"),
    (("set", "--year", "2024", "--toeslag", "Inwoners", "--staffel", "1=1", "--staffel", "1=2"), 2, "dezelfde"),
    (("set", "--year", "2024", "--name", "  "), 2, "naam"),
    (("set", "--year", "2024", "--verantwoording-voor", "02-29"), 2, "29 februari kan niet"),
    (("set", "--year", "2024", "--verantwoording-voor", "1-4"), 2, "Gebruik MM-DD, bijvoorbeeld 04-01"),
    (("set", "--year", "2024", "--aanvragen-vanaf", "13-01"), 2, "Ongeldige dag voor --aanvragen-vanaf"),
    (("set", "--year", "2024", "--aanvragen-voor", "０４-０１"), 2, "Gebruik MM-DD"),
    (("set", "--year", "2024", "--vaststelling-weken", "0"), 2, "1 tot en met 104"),
    (("set", "--year", "2024", "--beslistermijn-weken", "8,5"), 2, "Ongeldig aantal weken"),
    (("set", "--year", "2024", "--beslistermijn-weken", "1_0"), 2, "Ongeldig aantal weken"),
])
def test_bad_input_is_refused_and_changes_nothing(run, datadir, args, code, words):
    before = snapshot_bytes(datadir)
    result = run("regeling", *args)
    assert result.exit_code == code, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert snapshot_bytes(datadir) == before


def test_an_error_under_json_is_json(run):
    result = ok(run("regeling", "set", "--year", "2030", "--plafond", "1", "-o", "json"), 3)
    assert json.loads(result.stderr)["fout"]["code"] == 3


@settings(max_examples=60, deadline=None)
@given(vanaf=st.integers(0, 10**12), bedrag=st.integers(0, 10**9), grouped=st.booleans())
def test_a_staffel_reads_back_as_typed(vanaf, bedrag, grouped):
    shown = text.getal(vanaf) if grouped else str(vanaf)
    assert regeling.staffel(f"{shown}={text.euro(bedrag)}") == (vanaf, bedrag)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_a_staffel_is_read_or_refused_never_a_crash(typed):
    try:
        vanaf, bedrag = regeling.staffel(typed)
    except UsageError:
        return
    assert vanaf >= 0 and bedrag >= 0


def test_bare_regeling_shows_its_help_on_stderr_and_the_subcommands_have_aliases(run):
    bare = ok(run("regeling"), 2)
    assert "Gebruik: wijkctl regeling" in bare.stderr and bare.stdout == ""
    listed = ok(run("subsidieregeling", "--help")).stdout
    assert "add" in listed and "toevoegen" in listed and "wijzig" in listed
    assert "Onbekend commando 'weg'" in ok(run("regeling", "weg"), 2).stderr
