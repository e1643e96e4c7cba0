"""Haarlem as it is: several organisations in one wijk, history with ids, versie 1 data.

Run on the bundled data set, by commands alone, as a new user would.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from .conftest import BUNDLED, MEMBERS, REPO, Run, copy_data

V1 = REPO / "tests" / "fixtures" / "v1"


@pytest.fixture
def haarlem(tmp_path: Path) -> Run:
    return Run(copy_data(BUNDLED, tmp_path))


def test_bundled_history_is_sourced_and_holds_no_personal_data(haarlem):
    oude_stad = json.loads(haarlem("show", "oude-stad", "--contact", "-o", "json").stdout)
    raad, platform = oude_stad["organisaties"]
    assert raad["id"] == "wijkraad-binnenstad" and "van" not in raad and raad["tot"] == "2024-07-01"
    assert platform["opvolger_van"] == ["wijkraad-binnenstad"] and platform["buurten"] == ["Binnenstad"]
    assert all(o["bron"].startswith("https://") for o in oude_stad["organisaties"])
    for code in ("oude-stad", "molenwijk"):
        for org in json.loads(haarlem("show", code, "-o", "json").stdout)["organisaties"]:
            assert org.get("kern", []) == []  # kern members are personal data: never bundled
    molenwijk = json.loads(haarlem("show", "molenwijk", "-o", "json").stdout)
    assert molenwijk["cijfers"] == {"peiljaar": 2024, "bron": "CBS Kerncijfers wijken en buurten 2024 (tabel 85984NED)",
                                    "inwoners": 8135, "woningen": 3974}
    assert [o["id"] for o in molenwijk["organisaties"]] == ["wijkraad-molenwijk", "wijkplatform-molenwijk"]
    listed = json.loads(haarlem("list", "-o", "json").stdout)
    assert all(w["cbs_code"] and haarlem("show", w["code"], "-o", "json").exit_code == 0 for w in listed)


def test_several_platforms_in_oude_stad_and_a_historic_wijkraad_converted_by_commands(haarlem):
    assert haarlem("register", "oude-stad", "--name", "Wijkplatform Burgwal en Vijfhoek", "--from", "2025-09-01",
                   "--buurt", "Burgwal", "--buurt", "Vijfhoek", *MEMBERS).exit_code == 0
    refused = haarlem("register", "oude-stad", "--name", "Nog een", "--from", "2025-09-01", "--buurt", "Binnenstad",
                      *MEMBERS)
    assert refused.exit_code == 4 and "Wijkplatform Binnenstad" in refused.stderr
    assert haarlem("register", "oude-stad", "--wijkraad", "--name", "Wijkraad Heiliglanden/De Kamp",
                   "--from", "onbekend",
                   "--buurt", "Heiliglanden").exit_code == 0
    converted = haarlem("convert", "oude-stad", "--from", "2025-10-01", "--wijkraad", "wijkraad-heiliglanden-de-kamp",
                        "--name", "Wijkplatform Heiliglanden", *MEMBERS)
    assert converted.exit_code == 0, converted.stderr
    listed = json.loads(haarlem("list", "--on", "2025-11-01", "-o", "json").stdout)
    [row] = [r for r in listed if r["code"] == "oude-stad"]
    assert row["status"] == "wijkplatform"
    assert {o["id"]: o["buurten"] for o in row["organisaties"]} == {
        "wijkplatform-binnenstad": ["Binnenstad"], "wijkplatform-burgwal-en-vijfhoek": ["Burgwal", "Vijfhoek"],
        "wijkplatform-heiliglanden": ["Heiliglanden"]}
    vijfhoek = haarlem("verbinder", "vijfhoek", "-o", "json")
    assert json.loads(vijfhoek.stdout)["organisatie"] == "Wijkplatform Burgwal en Vijfhoek"
    subsidies = json.loads(haarlem("subsidy", "oude-stad", "--year", "2026", "-o", "json").stdout)["subsidies"]
    assert [s["organisatie"] for s in subsidies] == ["wijkplatform-binnenstad", "wijkplatform-burgwal-en-vijfhoek",
                                                     "wijkplatform-heiliglanden"]
    assert all(s["onvolledig"] for s in subsidies)  # the buurten's figures are not known: never invented
    assert haarlem("check").exit_code == 0


def test_a_versie_1_file_from_the_previous_release_loads_and_its_first_change_writes_the_current_versie(tmp_path):
    data = copy_data(V1, tmp_path)
    run = Run(data)
    old = (data / "wijken.yaml").read_text()
    checked = run("check")
    assert checked.exit_code == 0 and "wijken.yaml is versie 1" in checked.stderr
    show = json.loads(run("show", "molenwijk", "-o", "json").stdout)
    assert show["organisaties"][1]["opvolger_van"] == ["wijkraad-molenwijk"]
    assert run("register", "meerwijk", "--name", "Wijkplatform Meerwijk", "--from", "2025-03-01",
               *MEMBERS).exit_code == 0
    new = (data / "wijken.yaml").read_text()
    assert new.startswith("versie: 3\n")
    removed = [d[2:] for d in difflib.ndiff(old.splitlines(), new.splitlines()) if d.startswith("- ")]
    # only migrated lines go: the version, the buurt names (now records), the first line of
    # each organisation (now under its new id) and opvolger_van (now a list of ids)
    assert removed and all(line == "versie: 1" or line.startswith("  - ") and ":" not in line
                           or line.startswith(("  - soort:", "    opvolger_van:")) for line in removed), removed
    after = run("check").stderr
    assert run("check", "--strict").exit_code == 0 and "wijken.yaml is versie" not in after
    # subsidieregeling.yaml and verbinders.yaml versie 1 are read as their current versie
    # (nothing to change) until they are written
    assert "subsidieregeling.yaml is versie 1" in after and not (data / "subsidies.yaml").exists()
    assert "verbinders.yaml is versie 1" in after
    assert run("fmt").exit_code == 0 and "versie 1" not in run("check").stderr
    assert (data / "subsidieregeling.yaml").read_text().startswith("versie: 2\n")
    assert (data / "verbinders.yaml").read_text().startswith("versie: 2\n")
