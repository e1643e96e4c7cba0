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


# --- scripts and help (item 9) -------------------------------------------------------


def test_every_command_has_examples_in_its_help():
    import typer

    from wijkctl.cli import app
    from wijkctl.voorbeelden import VOORBEELDEN

    group = typer.main.get_command(app)
    assert set(group.commands) == set(VOORBEELDEN)
    for name, examples in VOORBEELDEN.items():
        assert examples and all(typed.startswith(("wijkctl ", "git ")) for typed, _ in examples), name
        assert all(f" {name}" in typed for typed, _ in examples if typed.startswith("wijkctl")), name


def test_help_shows_the_examples_and_help_command_equals_dash_dash_help(run):
    own = run("show", "--help", env={"COLUMNS": "100"})
    via = run("help", "show", env={"COLUMNS": "100"})
    assert own.exit_code == via.exit_code == 0
    assert "Voorbeelden" in own.stdout and "wijkctl show molenwijk --contact" in own.stdout
    assert via.stdout == own.stdout
    assert run("help", "toon", env={"COLUMNS": "100"}).stdout == own.stdout  # the Dutch name too
    overview = run("help")
    assert overview.exit_code == 0 and "register" in overview.stdout and "subsidy" in overview.stdout


def test_help_for_an_unknown_command_is_exit_2_with_a_suggestion(run):
    result = run("help", "sow")
    assert result.exit_code == 2 and "Onbekend commando 'sow'" in result.stderr and "show" in result.stderr


def test_an_example_with_brackets_survives_rich_markup(run):
    shown = run("help", "register", env={"COLUMNS": "200"}).stdout
    assert "[contactpersoon]" in shown


def test_help_at_80_columns_never_splits_a_choice(run):
    for command in ("subsidy", "list", "register", "grants", "correct"):
        shown = run("help", command, env={"COLUMNS": "80"}).stdout
        for line in shown.splitlines():
            for cut in ("csv-", "-nl", "vereniging-", "-beperkt"):
                words = line.replace("│", " ").replace("{", " ").replace("}", " ").replace("|", " ").split()
                assert cut not in words, (command, line)


def test_a_closed_pipe_is_exit_141_for_every_reading_command(tmp_path, datadir):
    import os
    import subprocess

    from .test_concurrency import WIJKCTL

    for args in (["list"], ["show", "molenwijk"], ["help"], ["subsidy", "-o", "csv"], ["verbinder", "-o", "json"]):
        read, write = os.pipe()
        os.close(read)
        done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), *args], stdout=write, stderr=subprocess.PIPE,
                              check=False)
        os.close(write)
        assert (done.returncode, done.stderr) == (141, b""), args


def test_the_closed_pipe_rule_is_documented_once():
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    assert docs.read_text(encoding="utf-8").count("exitcode 141") == 1


# --- kern roles (item 12) -------------------------------------------------------------


def test_roles_by_member_and_change_member(run, datadir):
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
                 "-m", "Anna de Vries <anna@example.org>", "-m", "Bram Jansen <bram@example.org> [contactpersoon]",
                 "-m", "Cor Bakker <cor@example.org> 0612345678 penningmeester")
    assert result.exit_code == 0, result.output
    assert "rol: contactpersoon" in (datadir / "wijken.yaml").read_text(encoding="utf-8")
    changed = run("update", "molenwijk", "--change-member", "Anna de Vries", "Anna de Vries <anna@example.org>",
                  "--role", "voorzitter")
    assert changed.exit_code == 0, changed.output
    moved = run("update", "molenwijk", "--change-member", "Bram Jansen", "Bram Jansen <bram@nieuw.org>")
    assert moved.exit_code == 0
    kern = json.loads(run("show", "molenwijk", "--contact", "-o", "json").stdout)["organisaties"][0]["kern"]
    assert {k["naam"]: k.get("rol") for k in kern} == {"Anna de Vries": "voorzitter", "Bram Jansen": "contactpersoon",
                                                       "Cor Bakker": "penningmeester"}  # a new e-mail keeps the role


def test_an_unknown_role_is_exit_2_and_nothing_changes(run, datadir):
    before = snapshot_bytes(datadir)
    result = run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
                 "-m", "Anna de Vries <anna@example.org> [baas]", "-m", "Bram Jansen <bram@example.org>",
                 "-m", "Cor Bakker <cor@example.org>")
    assert result.exit_code == 2 and "'baas' is geen rol" in result.stderr and "penningmeester" in result.stderr
    assert run("update", "molenwijk", "--role", "lid").exit_code == 2
    assert snapshot_bytes(datadir) == before


def test_plain_show_never_shows_members_contact_lists_them_contactpersoon_first(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               "-m", "Anna de Vries <anna@example.org>", "-m", "Bram Jansen <bram@example.org> secretaris",
               "-m", "Cor Bakker <cor@example.org> [contactpersoon]").exit_code == 0
    plain = run("show", "molenwijk")
    assert all(n not in plain.stdout for n in ("Anna de Vries", "Bram Jansen", "Cor Bakker"))
    shown = run("show", "molenwijk", "--contact").stdout
    kern = shown.split("Kern van Wijkplatform Molenwijk")[1].splitlines()
    assert kern[1].split()[:2] == ["Naam", "Rol"]
    assert kern[2].startswith("Cor Bakker") and "contactpersoon" in kern[2] and "cor@example.org" in kern[2]
    assert "secretaris" in shown


# --- columns that matter stay (item 7) ------------------------------------------------


def test_show_keeps_the_id_longer_than_opvolger_van(tmp_path):
    from .test_golden import DATA
    from .test_lookup import _screen

    organisaties = _screen(DATA, "80", ["show", "meerwijk"]).split("Organisaties")[1]
    assert "wijkplatform-meerwijk" in organisaties and "Opvolger van" in organisaties.split("Niet getoond")[1]


def test_subsidy_keeps_maanden_and_a_totals_row_never_wraps(tmp_path):
    from .test_golden import DATA
    from .test_lookup import _screen

    for columns in ("60", "80"):
        shown = _screen(DATA, columns, ["subsidy", "--year", "2025"])
        assert "Maanden" in shown.split("Niet getoond")[0]
        assert any(line.startswith("Totaal") and "€ 17.417" in line for line in shown.splitlines())


# --- finance and files (item 5) -------------------------------------------------------


def test_csv_nl_has_dutch_headers_totals_status_and_the_plafond(run, datadir, tmp_path):
    import csv
    import io

    path = datadir / "subsidieregeling.yaml"
    regeling = path.read_text(encoding="utf-8")
    path.write_text(regeling.replace("  maximum: 10000\n", "  maximum: 10000\n  plafond: 5000\n"), encoding="utf-8")
    assert "plafond: 5000" in path.read_text(encoding="utf-8")
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    out = tmp_path / "subsidie.csv"
    assert run("subsidy", "--year", "2025", "-o", "csv-nl", "--file", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert {"Gebied", "Toeslag sociale huur", "Maanden", "Status regeling"} <= set(header)
    assert not any("_" in h for h in header)
    naam, bedrag, status = header.index("Wijk"), header.index("Bedrag"), header.index("Status regeling")
    by_name = {r[naam]: r for r in rows[1:]}
    assert {"Totaal", "Plafond", "Boven het plafond"} <= set(by_name)
    assert by_name["Plafond"][bedrag] == "5000" and by_name["Totaal"][status] == "concept"
    keys = run("subsidy", "--year", "2025", "-o", "csv").stdout.splitlines()
    assert keys[0].split(",")[:3] == ["jaar", "wijk", "naam"] and not any("Totaal" in k for k in keys)


# --- a diff a reviewer can read (item 4) ----------------------------------------------


def _committed(repo, run, *args):
    from .conftest import git

    result = run(*args)
    assert result.exit_code == 0, result.output
    git(repo, "commit", "-qam", "x")


def test_diff_speaks_in_words_names_the_gebied_and_hides_contact(repo, run):
    _committed(repo, run, "register", "oude-stad", "--name", "Wijkplatform Binnenstad", "--from", "2025-01-01",
               "--buurt", "Binnenstad", "--buurt", "Vijfhoek", "-m", "Joyce Pinas <joyce@example.org>",
               "-m", "Bram Jansen <bram@example.org>", "-m", "Cor Bakker <cor@example.org>")
    buurten = ("--buurt", "Binnenstad", "--buurt", "Vijfhoek", "--buurt", "Burgwal")
    assert run("update", "oude-stad", *buurten).exit_code == 0
    assert run("update", "oude-stad", "--change-member", "Joyce Pinas", "Joyce Pinas <jp@example.org>").exit_code == 0
    assert run("set-verbinder", "schalkwijk", "--name", "Kees de Boer", "--email", "kdboer@haarlem.nl").exit_code == 0
    shown = run("diff").stdout
    assert "Oude Stad, Wijkplatform Binnenstad: buurten gewijzigd: Binnenstad en Vijfhoek → Binnenstad, Vijfhoek " \
           "en Burgwal" in shown
    assert "Oude Stad, Wijkplatform Binnenstad: kernlid Joyce Pinas: e-mailadres gewijzigd (verborgen" in shown
    assert "gebied Schalkwijk: gebiedsverbinder naam gewijzigd: Ingrid Hamer → Kees de Boer" in shown
    assert "kern[" not in shown and '["' not in shown and "jp@example.org" not in shown
    assert "jp@example.org" in run("diff", "--contact").stdout
    rows = json.loads(run("diff", "-o", "json").stdout)  # scripts keep the paths and values
    assert {r["veld"] for r in rows} >= {"buurten", "kern[Joyce Pinas].email", "verbinder.naam"}
    assert not any(k.startswith("_") for r in rows for k in r)


def test_diff_on_a_terminal_never_breaks_a_word(repo, run, datadir):
    import os
    import re

    from .conftest import on_terminal
    from .test_concurrency import WIJKCTL

    _committed(repo, run, "register", "oude-stad", "--name", "Wijkplatform Binnenstad", "--from", "2025-01-01",
               *MEMBERS)
    long_url = "https://www.wijkplatform-binnenstad-haarlem.nl/over-ons/contact"
    assert run("update", "oude-stad", "--website", long_url, "--email", "secretariaat@wijkplatform-binnenstad.nl",
               "--legal-form", "stichting", "--kvk", "12345678").exit_code == 0
    piped = run("diff").stdout
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "xterm"}
    code, screen = on_terminal([WIJKCTL, "--data-dir", str(datadir), "diff"], env)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r\n", "\n")
    assert code == 0 and screen.split() == piped.split()  # the same words, none cut
    assert all(len(line) <= 80 or line.strip() == long_url for line in screen.splitlines())


def test_git_setup_makes_hunk_headers_name_the_right_gebied(repo, run, datadir):
    from .conftest import git

    assert run("git-setup").exit_code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "setup")
    assert run("set-verbinder", "oost", "--name", "Piet Oost", "--email", "p@haarlem.nl").exit_code == 0
    headers = [line for line in git(repo, "diff", "--", "data/verbinders.yaml").splitlines() if line.startswith("@@")]
    assert headers and all(line.endswith("@@ - code: oost") for line in headers), headers


def test_csv_nl_headers_are_dutch_words_and_csv_keeps_the_keys(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-01-01",
               *MEMBERS).exit_code == 0
    for args in (["list"], ["verbinder"], ["subsidy", "--year", "2025"], ["grants"], ["payments"],
                 ["due", "--on", "2025-03-01"], ["check"]):
        dutch = run(*args, "-o", "csv-nl").stdout.lstrip("\ufeff").splitlines()[0].split(";")
        keys = run(*args, "-o", "csv").stdout.splitlines()[0].split(",")
        assert len(dutch) == len(keys), args
        assert all(h[:1].isupper() and "_" not in h for h in dutch), (args, dutch)
        assert all(k == k.lower() and " " not in k for k in keys), (args, keys)


def test_git_setup_takes_o_json(repo, run):
    first = run("git-setup", "-o", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["config"]["diff.context"] == "1" and "diff.context" in data["gezet"]
    again = json.loads(run("git-setup", "-o", "json").stdout)
    assert again["gezet"] == [] and again["gitattributes"].endswith(".gitattributes")
