"""Dutch as people type and read it (issue 25 items 3 and 6): one folding, one place for
plurals and list joining, messages without code words or English."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from wijkctl import model, text
from wijkctl.merge import merge_text

from .conftest import MEMBERS, add_wijkraad, snapshot_bytes

# --- one place for the plural and the list ---------------------------------------


def test_aantal_uses_the_singular_for_one_only():
    assert text.aantal(1, "kernlid", "kernleden") == "1 kernlid"
    assert text.aantal(2, "kernlid", "kernleden") == "2 kernleden"
    assert text.aantal(0, "wijk", "wijken") == "0 wijken"
    assert text.aantal(1200, "wijk", "wijken") == "1.200 wijken"


def test_opsomming_joins_the_last_with_en():
    assert text.opsomming([]) == ""
    assert text.opsomming(["Binnenstad"]) == "Binnenstad"
    assert text.opsomming(["Binnenstad", "Vijfhoek"]) == "Binnenstad en Vijfhoek"
    assert text.opsomming(["Binnenstad", "Vijfhoek", "Burgwal"]) == "Binnenstad, Vijfhoek en Burgwal"
    assert text.opsomming(["A", "B"], "of") == "A of B"


@given(st.lists(st.text(alphabet="abcdefg", min_size=1, max_size=5), min_size=2, max_size=6))
def test_opsomming_keeps_every_item_in_order(items):
    joined = text.opsomming(items)
    assert joined.endswith(f" en {items[-1]}")
    assert joined.split(" en ")[0].split(", ") == items[:-1] or " en " in items[-1]


def test_a_kern_of_one_is_one_kernlid(run, datadir):
    before = snapshot_bytes(datadir)
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
                 "-m", "Anna de Vries <anna@example.org>")
    assert result.exit_code == 4 and "er is 1 kernlid opgegeven" in result.stderr
    assert snapshot_bytes(datadir) == before


def test_a_member_leaving_is_named_in_neutral_words(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    result = run("update", "molenwijk", "--remove-member", "Cor Bakker", "--add-member", "Dewi Pinas <d@example.org>")
    assert result.exit_code == 0, result.output
    assert "kernlid Cor Bakker vertrokken en kernlid Dewi Pinas toegevoegd" in result.stderr
    left = run("update", "molenwijk", "--remove-member", "Dewi Pinas", "--remove-member", "Bram Jansen")
    assert "heeft nu 1 kernlid;" in left.stderr


def test_check_counts_in_the_singular(run):
    result = run("check")
    assert result.exit_code == 0 and "1 regeling" in result.stderr and "1 regelingen" not in result.stderr


def test_no_code_word_in_the_figures_check(run, datadir):
    path = datadir / "wijken.yaml"
    text_ = path.read_text(encoding="utf-8")
    path.write_text(text_.replace("    woningen: 3974\n", "    woningen: 3974\n    sociale_huurwoningen: 4000\n", 1),
                    encoding="utf-8")
    result = run("check")
    assert result.exit_code == 5
    assert "sociale huurwoningen (4000) is groter dan het aantal woningen" in result.stdout
    assert "sociale_huurwoningen (" not in result.stdout


def test_due_lines_name_the_soort_in_words_and_json_keeps_the_code(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "Cor Bakker").exit_code == 0
    lines = run("due", "--on", "2025-03-01").stdout
    assert "  kern te klein  Wijkplatform Molenwijk (Molenwijk) heeft 2 kernleden" in lines
    assert "kern_te_klein" not in lines
    items = json.loads(run("due", "--on", "2025-03-01", "-o", "json").stdout)
    assert "kern_te_klein" in {i["soort"] for i in items}
    assert "soort\n" not in run("due", "--on", "2025-03-01", "-o", "csv").stdout.split(",")[0]


def test_check_and_due_share_the_rule_id(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "Cor Bakker").exit_code == 0
    checked = json.loads(run("check", "-o", "json").stdout)
    assert "kern_te_klein" in {p["regel_id"] for p in checked["waarschuwingen"]}
    soorten = {i["soort"] for i in json.loads(run("due", "--on", "2025-03-01", "-o", "json").stdout)}
    assert "kern_te_klein" in soorten


def test_the_merge_report_speaks_dutch_with_git_words_in_brackets():
    base = "versie: 3\nwijken:\n- code: a\n  naam: A\n  gebied: g\n  opmerking: basis\n"
    ours = base.replace("basis", "hier")
    theirs = base.replace("basis", "daar")
    conflicts = [str(c) for c in merge_text("wijken.yaml", base, ours, theirs).conflicts]
    assert conflicts == ["a: veld opmerking: aan beide kanten anders gewijzigd: basis basis, onze kant (ours) hier, "
                         "de andere kant (theirs) daar"]


def test_a_platform_area_is_never_called_gebied(run, datadir):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    shown = run("show", "molenwijk").stdout
    organisaties = shown.split("Organisaties")[1]
    assert "Buurten" in organisaties and "hele wijk" in organisaties and "Gebied" not in organisaties


def test_the_bewonersinitiatieven_sentence_only_for_a_wijk_without_organisation(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "1990-01-01")
    assert "bewonersinitiatieven" not in run("show", "meerwijk").stderr  # a wijkraad is an organisation
    assert "bewonersinitiatieven" in run("show", "molenwijk").stderr  # none at all
    result = run("subsidy", "meerwijk", "--year", "2025")
    assert result.exit_code == 0 and "indicatief" in result.stdout and "bewonersinitiatieven" not in result.stderr
    assert "bewonersinitiatieven" in run("subsidy", "molenwijk", "--year", "2025").stderr


# --- one folding, for look-ups, uniqueness and completion alike ---------------------


def test_fold_forgives_y_for_ij_and_t_for_het():
    assert text.fold("Schalkwyk") == text.fold("Schalkwijk") == text.fold("SCHALKWIJK")
    assert text.fold("'t Zand") == text.fold("’t Zand") == text.fold("Het Zand") == text.fold("het zand")
    assert text.fold("IJmuiden") == text.fold("Ĳmuiden") == text.fold("Ymuiden")
    assert text.fold("Hettema") == "hettema"  # only the article `'t`, not a name starting with t


@given(st.text(max_size=20))
def test_fold_is_idempotent_on_its_own_results(name):
    assert text.fold(text.fold(name)) == text.fold(name)


def test_look_ups_forgive_y_for_ij(run):
    result = run("show", "Molenwyk", "-o", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["code"] == "molenwijk"
    gebied = json.loads(run("verbinder", "Schalkwyk", "-o", "json").stdout)
    assert [g["gebied"] for g in gebied] == ["schalkwijk"]


def test_look_ups_forgive_t_for_het(run, datadir):
    assert run("add-wijk", "zand", "--name", "'t Zand", "--gebied", "centrum").exit_code == 0
    for typed in ("'t Zand", "’t Zand", "Het Zand", "het zand"):
        result = run("show", typed, "-o", "json")
        assert result.exit_code == 0 and json.loads(result.stdout)["code"] == "zand", typed


def test_uniqueness_folds_as_look_ups_do(run, datadir):
    before = snapshot_bytes(datadir)
    result = run("add-wijk", "molenwyk", "--name", "Molenwyk", "--gebied", "schalkwijk")
    assert result.exit_code != 0 and "Molenwijk" in result.stderr
    assert snapshot_bytes(datadir) == before
    assert model.identity(model.KernLid, model.KernLid(naam="Anna van Dijk", email="a@x.nl")) == \
        model.identity(model.KernLid, model.KernLid(naam="anna van dyk", email="b@x.nl"))


def test_verbinder_by_the_verbinders_name(run):
    result = run("verbinder", "Ingrid Hamer", "-o", "json")
    assert result.exit_code == 0
    assert [g["gebied"] for g in json.loads(result.stdout)] == ["schalkwijk"]
    assert run("verbinder", "ingrid  HAMER").exit_code == 0
    missing = run("verbinder", "Niemand Bekend")
    assert missing.exit_code == 3 and "niet gevonden" in missing.stderr


def test_completion_ignores_case(datadir):
    from wijkctl import completion

    assert completion.wijken(str(datadir), "MOL") == [("molenwijk", "Molenwijk")]
    assert completion.wijken(str(datadir), "Molenwy") == [("molenwijk", "Molenwijk")]
    assert completion.wijken(str(datadir), "TE-Z") == [("te-zaanenkwartier", "Te Zaanenkwartier")]
    assert ("molenwijk", "Molenwijk") in completion.wijken(str(datadir), "wk039220")
