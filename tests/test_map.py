"""The map by command (CONTRACT §9) and verbinders.yaml versie 2 (the gemeente, an optional verbinder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MEMBERS, Run, copy_data, snapshot_bytes
from wijkctl import store, yamlio
from wijkctl.schema import VERBINDERS


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_buurt_then_update_with_it_and_check_strict(run):
    made = _json(run("add-buurt", "europawijk", "--name", "Europawijk-Zuid", "--cbs-code", "BU03921234", "-o", "json"))
    assert made["buurt"] == "Europawijk-Zuid" and made["bestanden"] == ["wijken.yaml"]
    shown = _json(run("show", "europawijk", "-o", "json"))
    assert [b["naam"] for b in shown["buurten"]] == ["Europawijk-Zuid"]
    assert run("verbinder", "Europawijk-Zuid").exit_code == 0
    assert run("check", "--strict").exit_code == 0


def test_a_missing_buurt_names_add_buurt(run, datadir):
    registered = run("register", "europawijk", "--name", "Wijkplatform Europawijk", "--from", "2025-01-01", *MEMBERS)
    assert registered.exit_code == 0
    before = snapshot_bytes(datadir)
    result = run("update", "europawijk", "--buurt", "Europawijk-Zuid")
    assert result.exit_code == 2 and "Buurten van Europawijk: geen." in result.stderr
    assert "wijkctl add-buurt europawijk --name" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_rename_a_buurt_renames_it_in_every_organisation(run):
    assert run("add-buurt", "europawijk", "--name", "Noord").exit_code == 0
    assert run("add-buurt", "europawijk", "--name", "Zuid").exit_code == 0
    assert run("register", "europawijk", "--name", "Platform Noord", "--from", "2025-01-01", "--buurt", "Noord",
               *MEMBERS).exit_code == 0
    assert run("hernoem", "europawijk", "--buurt", "noord", "--name", "Europawijk-Noord").exit_code == 0
    shown = _json(run("show", "europawijk", "-o", "json"))
    org = shown["organisaties"][0]
    assert org["buurten"] == ["Europawijk-Noord"] and org["id"] == "platform-noord"
    assert run("check", "--strict").exit_code == 0


def test_rename_wijk_keeps_code_and_move_and_add_gebied(run):
    assert run("rename", "molenwijk", "--name", "Molenwijk-Noord").exit_code == 0
    assert run("add-gebied", "noordoost", "--name", "Noordoost", "--verbinder-name", "Sam de Boer",
               "--verbinder-email", "sam@example.org").exit_code == 0
    moved = _json(run("verplaats-wijk", "molenwijk-noord", "--gebied", "Noordoost", "-o", "json"))
    assert moved["wijk"] == "molenwijk" and moved["nieuw"] == "noordoost"
    assert "Sam de Boer" in run("verbinder", "molenwijk").stdout
    assert run("check", "--strict").exit_code == 0


def test_add_wijk_and_remove_it(run):
    added = run("add-wijk", "dietsveld", "--name", "Dietsveld", "--gebied", "noord", "--cbs-code", "WK039299")
    assert added.exit_code == 0
    assert run("show", "dietsveld").exit_code == 0
    assert run("remove-wijk", "dietsveld").exit_code == 0
    assert run("show", "dietsveld").exit_code == 3


def test_dry_run_changes_nothing(run, datadir):
    before = snapshot_bytes(datadir)
    result = run("add-gebied", "noordoost", "--name", "Noordoost", "--dry-run")
    assert result.exit_code == 0 and "+- code: noordoost" in result.stdout
    assert snapshot_bytes(datadir) == before


@pytest.mark.parametrize("args, code, words", [
    (("add-wijk", "Bad Code", "--name", "X", "--gebied", "noord"), 2, "kleine letters"),
    (("add-wijk", "x", "--name", "X", "--gebied", "noord", "--cbs-code", "WK12"), 2, "WK met 6 cijfers"),
    (("add-wijk", "molenwijk", "--name", "X", "--gebied", "noord"), 4, "al een wijk met code"),
    (("add-wijk", "x", "--name", "MOLENWIJK", "--gebied", "noord"), 4, "al een wijk met de naam"),
    (("add-wijk", "x", "--name", "X", "--gebied", "nergens"), 3, "niet gevonden"),
    (("add-buurt", "europawijk", "--name", "Stationsbuurt"), 4, "een buurt ligt in één wijk"),
    (("add-buurt", "europawijk", "--name", "Y", "--cbs-code", "BU1"), 2, "BU met 8 cijfers"),
    (("add-buurt", "europawijk", "--name", "  "), 2, "mag niet leeg zijn"),
    (("rename", "molenwijk", "--name", "Meerwijk"), 4, "al een wijk met de naam"),
    (("rename", "oude-stad", "--buurt", "Nergensbuurt", "--name", "Y"), 2, "geen buurt van"),
    (("move-wijk", "molenwijk", "--gebied", "nergens"), 3, "niet gevonden"),
    (("add-gebied", "centrum", "--name", "Y"), 4, "al een gebied"),
    (("add-gebied", "y", "--name", "Y", "--verbinder-email", "y@example.org"), 2, "--verbinder-name"),
    (("add-gebied", "y", "--name", "Y", "--verbinder-name", "Z", "--verbinder-email", "geen-mail"), 2,
     "Ongeldig e-mailadres"),
    (("remove-gebied", "centrum"), 4, "heeft nog wijken"),
    (("remove-buurt", "oude-stad", "--buurt", "Nergensbuurt"), 2, "geen buurt van"),
    (("set-verbinder", "centrum", "--none", "--name", "X"), 2, "--none"),
    (("set-verbinder", "centrum"), 2, "--name"),
])
def test_refusals_leave_every_file_as_it_was(run, datadir, args, code, words):
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert snapshot_bytes(datadir) == before


def test_remove_refused_while_an_organisation_refers(run, datadir):
    assert run("add-buurt", "europawijk", "--name", "Noord").exit_code == 0
    assert run("register", "europawijk", "--name", "Platform Noord", "--from", "2025-01-01", "--buurt", "Noord",
               *MEMBERS).exit_code == 0
    before = snapshot_bytes(datadir)
    result = run("remove-buurt", "europawijk", "--buurt", "Noord")
    assert result.exit_code == 4 and "Platform Noord" in result.stderr
    result = run("remove-wijk", "europawijk")
    assert result.exit_code == 4 and "heeft organisaties" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_remove_names_the_subsidy_records_of_what_it_would_orphan(run, datadir):
    assert run("add-buurt", "europawijk", "--name", "Noord").exit_code == 0
    assert run("register", "europawijk", "--name", "Platform Noord", "--from", "2025-01-01", "--buurt", "Noord",
               *MEMBERS).exit_code == 0
    assert run("apply", "europawijk", "--year", "2025", "--received", "2024-11-12").exit_code == 0
    before = snapshot_bytes(datadir)
    for args in (("remove-buurt", "europawijk", "--buurt", "Noord"), ("remove-wijk", "europawijk")):
        result = run(*args)
        assert result.exit_code == 4, result.output
        assert "subsidie vastgelegd in subsidies.yaml: 2025-platform-noord" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_remove_wijk_is_refused_for_subsidy_records_alone():
    from wijkctl import kaart, model
    from wijkctl.errors import Refused
    from wijkctl.subsidiemodel import Subsidie

    data = model.Dataset([model.Wijk(code="dietsveld", naam="Dietsveld", gebied="noord")],
                         [model.Gebied(code="noord", naam="Noord")],
                         subsidies=[Subsidie(id="2025-oud", jaar=2025, wijk="dietsveld", organisatie="oud")])
    with pytest.raises(Refused, match="Dietsveld heeft subsidies.*2025-oud"):
        kaart.remove_wijk(data, "dietsveld")
    assert [w.code for w in data.wijken] == ["dietsveld"]


def test_map_commit_messages(run, repo, datadir):
    from tests.conftest import git

    assert run("add-gebied", "noordoost", "--name", "Noordoost", "--commit").exit_code == 0
    assert run("move-wijk", "molenwijk", "--gebied", "noordoost", "--commit").exit_code == 0
    log = git(repo, "log", "--format=%s", "-2")
    assert log.splitlines() == ["move-wijk: molenwijk: schalkwijk -> noordoost", "add-gebied: Noordoost (noordoost)"]


# --- verbinders.yaml versie 2 -------------------------------------------------------


def test_set_verbinder_none_then_lookups_say_not_known(run):
    assert run("set-verbinder", "centrum", "--none").exit_code == 0
    assert "nog geen gebiedsverbinder bekend" in run("verbinder", "oude-stad").stdout
    assert "nog geen gebiedsverbinder bekend" in run("show", "oude-stad").stdout
    assert run("check", "--strict").exit_code == 0
    assert run("set-verbinder", "centrum", "--none").exit_code == 0  # already none: nothing to do


def test_gemeente_is_read_written_and_kept_by_writes(run, datadir):
    text = (datadir / VERBINDERS).read_text()
    assert "gemeente:\n  naam: Haarlem\n  cbs_code: GM0392\n" in text
    assert run("set-verbinder", "centrum", "--name", "Nieuwe Naam").exit_code == 0
    assert (datadir / VERBINDERS).read_text().startswith(text.split("gebieden:")[0])
    assert store.load(datadir).gemeente.naam == "Haarlem"


def test_cached_and_uncached_read_the_same_gemeente(run, datadir, tmp_path):
    assert run("set-verbinder", "centrum", "--name", "Nieuwe Naam").exit_code == 0  # the cache is now warm
    cached = store.load(datadir)
    parsed = store.snapshot(datadir).data
    assert cached.gemeente == parsed.gemeente and cached.gemeente is not None
    assert cached == parsed


def test_without_gemeente_messages_say_de_gemeente_and_no_haarlem(tmp_path):
    from tests.conftest import BASE

    data = copy_data(BASE, tmp_path)
    path = data / VERBINDERS
    text = path.read_text()
    head, rest = text.split("gebieden:\n", 1)
    path.write_text("versie: 2\ngebieden:\n" + rest)
    run = Run(data)
    for args in (("list",), ("show", "molenwijk"), ("verbinder",), ("subsidy", "molenwijk", "--explain")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "bewonersinitiatieven" not in result.output


def test_versie_1_verbinders_migrates_and_is_written_as_2(tmp_path):
    from tests.conftest import BASE

    data = copy_data(BASE, tmp_path)
    path = data / VERBINDERS
    rest = path.read_text().split("gebieden:\n", 1)[1]
    path.write_text("versie: 1\ngebieden:\n" + rest)
    run = Run(data)
    assert "versie 1" in run("check").stderr
    assert run("set-verbinder", "centrum", "--none").exit_code == 0
    assert path.read_text().startswith("versie: 2\ngebieden:\n")


@pytest.mark.parametrize("gemeente, words", [
    ("gemeente:\n  naam: X\n  cbs_code: GM12\n", "GM met 4 cijfers"),
    ("gemeente:\n  naam: X\n  email: geen\n", "ongeldig"),
    ("gemeente:\n  cbs_code: GM0001\n", "'naam' ontbreekt"),
    ("gemeente:\n  naam: X\n  provincie: Y\n", "onbekende sleutel 'provincie'"),
])
def test_a_bad_gemeente_is_reported_with_its_line(tmp_path, gemeente, words):
    from tests.conftest import BASE

    data = copy_data(BASE, tmp_path)
    path = data / VERBINDERS
    rest = path.read_text().split("gebieden:\n", 1)[1]
    path.write_text("versie: 2\n" + gemeente + "gebieden:\n" + rest)
    result = Run(data)("check")
    assert result.exit_code == 5 and words in result.stdout and "verbinders.yaml:" in result.stdout


def test_the_canonical_dump_round_trips_the_gemeente():
    text = ("versie: 2\ngemeente:\n  naam: Utrecht\n  cbs_code: GM0344\n  email: wijken@example.org\n"
            "gebieden:\n- code: utrecht\n  naam: Utrecht\n")
    loaded = yamlio.load_text(VERBINDERS, text)
    assert not loaded.problems and loaded.head["gemeente"].naam == "Utrecht"
    assert yamlio.dump_loaded(loaded) == text


# --- init --from-cbs reads only the rows of the gemeente asked for (the national table) ---------


def test_init_reads_only_the_rows_of_the_gemeente_asked_for(tmp_path):
    from tests.test_other_gemeente import ROWS, _csv, _init

    broken = [*ROWS, ("Westenholte", "Zwolle", "Buurt", "BU01930001", "-5", "1", "1", "1")]
    for sub in "unz":
        (tmp_path / sub).mkdir()
    assert _init(tmp_path / "u", "--gemeente", "GM0344", text=_csv(broken)).exit_code == 0
    assert _init(tmp_path / "n", "--gemeente", "utrecht", text=_csv(broken)).exit_code == 0
    refused = _init(tmp_path / "z", "--gemeente", "Zwolle", text=_csv(broken))
    assert refused.exit_code == 2 and "kolom AantalInwoners" in refused.output
    assert not (tmp_path / "z" / "reg").exists()


def test_init_by_name_without_gemeente_rows_and_suggestions_from_rows_left_unread(tmp_path):
    from tests.test_other_gemeente import ROWS, _csv, _init

    rows = [r for r in ROWS if r[2] != "Gemeente"]
    for sub in "ab":
        (tmp_path / sub).mkdir()
    made = _init(tmp_path / "a", "--gemeente", "zwolle", text=_csv(rows))
    assert made.exit_code == 0, made.output
    listed = json.loads(Run(tmp_path / "a" / "reg")("list", "-o", "json").stdout)
    assert {w["naam"] for w in listed} == {"Wijk 00 Stadshagen", "Wijk 01 Centrum"}
    missed = _init(tmp_path / "b", "--gemeente", "Zwole", text=_csv(rows))
    assert missed.exit_code == 3 and "Zwolle" in missed.output


@pytest.mark.parametrize("query, code, cell, kept", [
    ("GM0344", "WK034401", None, True), ("0344", "BU03440101", "Utrecht", True), ("gm0344", "WK019300", None, False),
    ("Utrecht", "WK019300", "  Zwolle    ", False), ("utrecht", "WK034401", '"Utrecht   "', True),
    ("Utrecht", "WK034401", None, True), ("Utrecht", "WK034401", "   ", True),
])
def test_rows_of_a_gemeente(query, code, cell, kept):
    from wijkctl import start

    assert start.rows_of(query)(code, cell) is kept


def test_init_shows_progress_on_a_terminal_only(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import on_terminal

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from init_cbs import national

    source = tmp_path / "kwb.csv"
    national(source, gemeenten=160)
    assert source.stat().st_size > 1_000_000
    argv = [sys.executable, "-m", "wijkctl", "init", "", "--from-cbs", str(source), "--year", "2023",
            "--gemeente", "GM0042"]
    piped = subprocess.run([*argv[:4], str(tmp_path / "p"), *argv[5:]], capture_output=True, text=True)
    assert piped.returncode == 0 and "CBS-bestand lezen" not in piped.stderr, piped.stderr
    code, shown = on_terminal([*argv[:4], str(tmp_path / "t"), *argv[5:]], {**os.environ, "TERM": "xterm"},
                              stream="stderr")
    assert code == 0 and "CBS-bestand lezen" in shown
