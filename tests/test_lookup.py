"""`verbinder`, `list`, `show`, the WIJK matcher and the output formats."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import yaml

from wijkctl import rules, store
from wijkctl.errors import NotFound

from .conftest import BUNDLED, MEMBERS, REPO, add_wijkraad, copy_data

# The 21 CBS wijken of Haarlem and their gebiedsverbinder (../shared/HAARLEM.md).
VERBINDER = {
    "centrum": ("Michel de Graaf", "mbgraaf@haarlem.nl"),
    "noord": ("Karin Kranendonk", "kkranendonk@haarlem.nl"),
    "oost": ("Rosa Kant", "rkant@haarlem.nl"),
    "schalkwijk": ("Ingrid Hamer", "iphamer@haarlem.nl"),
    "zuidwest": ("Mirjam Boxhoorn", "mboxhoorn@haarlem.nl"),
}
WIJKEN = [
    ("WK039201", "Oude Stad", "centrum"), ("WK039202", "Haarlemmerhoutkwartier", "zuidwest"),
    ("WK039203", "Zijlwegkwartier", "zuidwest"), ("WK039204", "Houtvaartkwartier", "zuidwest"),
    ("WK039205", "Duinwijk", "zuidwest"), ("WK039206", "Waarder- en Veerpolder", "oost"),
    ("WK039207", "Amsterdamsewijk", "oost"), ("WK039208", "Slachthuiswijk", "oost"),
    ("WK039209", "Parkwijk", "oost"), ("WK039210", "Transvaalwijk", "noord"),
    ("WK039211", "Indischewijk", "noord"), ("WK039212", "Ter Kleefkwartier", "noord"),
    ("WK039213", "Te Zaanenkwartier", "noord"), ("WK039214", "Vogelenwijk", "noord"),
    ("WK039215", "Delftwijk", "noord"), ("WK039216", "Vondelkwartier", "noord"),
    ("WK039217", "Spaarndam", "noord"), ("WK039218", "Europawijk", "schalkwijk"),
    ("WK039219", "Boerhaavewijk", "schalkwijk"), ("WK039220", "Molenwijk", "schalkwijk"),
    ("WK039221", "Meerwijk", "schalkwijk"),
]


@pytest.fixture(scope="module")
def bundled():
    return store.load(BUNDLED)


@pytest.mark.parametrize("cbs,naam,gebied", WIJKEN, ids=[w[1] for w in WIJKEN])
def test_every_bundled_wijk_has_the_right_verbinder(run, cbs, naam, gebied):
    for spelling in (naam, naam.upper(), naam.lower().replace("-", " ").replace(" ", "-"), cbs, cbs[2:]):
        result = run("verbinder", spelling, "-o", "json")
        assert result.exit_code == 0, (spelling, result.stderr)
        data = json.loads(result.stdout)
        assert (data["naam"], data["email"]) == VERBINDER[gebied]
        assert data["wijk_naam"] == naam and data["gebied"] == gebied


@pytest.mark.parametrize("query,code", [
    ("molenwijk", "molenwijk"),
    ("WK039220", "molenwijk"),
    ("039220", "molenwijk"),
    ("wk039220", "molenwijk"),
    ("waarder en veerpolder", "waarder-en-veerpolder"),
    ("OUDE-STAD", "oude-stad"),
    ("oudestad", "oude-stad"),
    ("  Oude   Stad ", "oude-stad"),
    ("Vijfhoek", "oude-stad"),
    ("poelpolder zuid", "meerwijk"),
    ("molen", "molenwijk"),
])
def test_matching_variants(bundled, query, code):
    assert rules.match_wijk(bundled, query).code == code


def test_accents_are_ignored(bundled):
    bundled.wijken[0].naam = "Oudé Städ"
    assert rules.match_wijk(bundled, "oude stad").code == "oude-stad"


def test_unknown_wijk_suggests_and_prints_nothing_on_stdout(run):
    result = run("verbinder", "Molnwijk")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Bedoelde je Molenwijk" in result.stderr


@pytest.mark.parametrize("typed, meant", [("zaanen", "Te Zaanenkwartier"), ("kleef", "Ter Kleefkwartier"),
                                           ("vaartkw", "Houtvaartkwartier")])
def test_a_part_of_a_name_is_suggested(run, typed, meant):
    result = run("verbinder", typed)
    assert result.exit_code == 3 and result.stdout == ""
    assert f"Bedoelde je {meant}?" in result.stderr


def test_ambiguous_wijk_lists_candidates(run):
    result = run("verbinder", "te")
    assert result.exit_code == 3 and result.stdout == ""
    assert "Ter Kleefkwartier" in result.stderr and "Te Zaanenkwartier" in result.stderr


def test_nonsense_gives_no_suggestion(bundled):
    with pytest.raises(NotFound) as exc:
        rules.match_wijk(bundled, "xqzzy")
    assert "Bedoelde" not in exc.value.message


def test_multiword_wijk_without_quotes(run):
    result = run("verbinder", "waarder", "en", "veerpolder", "-o", "json")
    assert json.loads(result.stdout)["naam"] == "Rosa Kant"


def test_buurt_lookup_says_which_wijk(run):
    result = run("verbinder", "vijfhoek")
    assert result.exit_code == 0
    assert "Vijfhoek is een buurt in Oude Stad" in result.stderr
    assert "Michel de Graaf" in result.stdout


def test_verbinder_without_wijk_lists_gebieden_with_their_wijken(run):
    data = json.loads(run("verbinder", "-o", "json").stdout)
    assert [g["gebied"] for g in data] == list(VERBINDER)
    for g in data:
        assert (g["naam"], g["email"]) == VERBINDER[g["gebied"]]
        assert set(g) >= {"gebied", "gebied_naam", "naam", "email", "wijken"}
    assert sum(len(g["wijken"]) for g in data) == 21
    assert "molenwijk" in data[3]["wijken"]


@pytest.mark.parametrize("args", [("verbinder",), ("verbinder", "molenwijk"), ("list",), ("show", "molenwijk"),
                                  ("subsidy", "molenwijk", "--year", "2025")])
def test_every_format_parses_back(run, args):
    as_json = json.loads(run(*args, "-o", "json").stdout)
    as_yaml = yaml.safe_load(run(*args, "-o", "yaml").stdout)
    assert as_json == as_yaml
    rows = list(csv.DictReader(io.StringIO(run(*args, "-o", "csv").stdout)))
    assert rows
    table = run(*args)
    assert table.exit_code == 0 and table.stdout.strip()


def test_list_json_shape_and_filters(run):
    rows = json.loads(run("list", "-o", "json").stdout)
    assert len(rows) == 21
    for row in rows:
        assert set(row) >= {"code", "naam", "cbs_code", "gebied", "status", "organisatie"}
        assert row["status"] == "geen" and row["organisatie"] is None
    schalkwijk = json.loads(run("list", "--gebied", "Schalkwijk", "-o", "json").stdout)
    assert [r["code"] for r in schalkwijk] == ["europawijk", "boerhaavewijk", "molenwijk", "meerwijk"]
    assert json.loads(run("list", "--status", "wijkraad", "-o", "json").stdout) == []
    bad = run("list", "--gebied", "Zuid-Oost")
    assert bad.exit_code == 3 and "Bedoelde je" in bad.stderr
    assert run("list", "--status", "iets").exit_code == 2
    assert run("list", "--on", "gisteren").exit_code == 2


def test_piped_table_is_plain_and_never_truncated(run):
    result = run("verbinder", env={"COLUMNS": "40"})
    assert "\x1b[" not in result.stdout
    assert not any(ch in result.stdout for ch in "│─┃━╭")
    for _name, email in VERBINDER.values():
        assert email in result.stdout
    assert "Transvaalwijk, Indischewijk, Ter Kleefkwartier, Te Zaanenkwartier" in result.stdout
    listing = run("list", env={"COLUMNS": "40"})
    assert "Waarder- en Veerpolder" in listing.stdout and "Mirjam Boxhoorn" in listing.stdout


def _write_platform(run, code, name, van="2025-03-01"):
    result = run("register", code, "--name", name, "--from", van, *MEMBERS)
    assert result.exit_code == 0, result.stderr


def test_bracketed_names_survive_every_format(run):
    name = "Wijkplatform [noord] [bold]x[/bold]"
    _write_platform(run, "spaarndam", name, "2024-01-01")
    assert name in run("list").stdout
    assert name in run("show", "spaarndam").stdout
    assert any(r["organisatie"] == name for r in json.loads(run("list", "-o", "json").stdout))


def test_csv_injection_is_neutralised(run):
    _write_platform(run, "spaarndam", "=HYPERLINK(\"http://x\")", "2024-01-01")
    rows = list(csv.DictReader(io.StringIO(run("list", "-o", "csv").stdout)))
    row = next(r for r in rows if r["code"] == "spaarndam")
    assert row["organisatie"].startswith("'=")


def _add_wijkraad(datadir):
    add_wijkraad(datadir, "oude-stad", "Wijkraad Binnenstad", "1990-01-01")


def test_status_on_a_date_before_and_after_conversion(run, datadir):
    _add_wijkraad(datadir)
    assert run("check").exit_code == 0
    result = run("convert", "oude stad", "--from", "2025-01-01", *MEMBERS)
    assert result.exit_code == 0, result.stderr

    def status(day):
        rows = json.loads(run("list", "--on", day, "-o", "json").stdout)
        row = next(r for r in rows if r["code"] == "oude-stad")
        return row["status"], row["organisatie"]

    assert status("2024-12-31") == ("wijkraad", "Wijkraad Binnenstad")
    assert status("2025-01-01") == ("wijkplatform", "Wijkplatform Oude Stad")
    assert status("1989-12-31") == ("geen", None)


def test_show_hides_contact_details_unless_asked(run):
    _write_platform(run, "molenwijk", "Wijkplatform Molenwijk", "2024-01-01")
    shown = run("show", "molenwijk")
    assert "Anna de Vries" not in shown.stdout  # plain show never shows members (issue 25 item 12)
    assert "anna@example.org" not in shown.stdout and "0612345678" not in shown.stdout
    data = json.loads(run("show", "molenwijk", "-o", "json").stdout)
    assert "anna@example.org" not in json.dumps(data)
    assert data["status"] == "wijkplatform"
    assert data["verbinder"] == {"naam": "Ingrid Hamer", "email": "iphamer@haarlem.nl"}
    assert data["cijfers"]["inwoners"] == 8135
    full = run("show", "molenwijk", "--contact")
    assert "anna@example.org" in full.stdout and "0612345678" in full.stdout
    assert "anna@example.org" in run("show", "molenwijk", "--contact", "-o", "json").stdout
    for args in (("list",), ("list", "-o", "json"), ("verbinder", "molenwijk", "-o", "json"),
                 ("subsidy", "-o", "json")):
        assert "anna@example.org" not in run(*args).stdout


def test_show_without_platform_points_to_bewonersinitiatieven(run):
    assert "budget voor bewonersinitiatieven" in run("list").stderr  # piped: a note is not data
    assert "bewonersinitiatieven" not in run("list", "-o", "json").stdout
    result = run("show", "spaarndam")
    assert "budget voor bewonersinitiatieven" in result.stderr
    assert "onbekend" in result.stdout  # figures not known are said to be unknown


def test_dutch_number_formatting(run):
    result = run("show", "molenwijk")
    assert "8.135" in result.stdout and "3.974" in result.stdout


@pytest.mark.parametrize("widths,minimum,room,expected", [
    ([10, 20, 5], [4, 8, 5], 40, [10, 20, 5]),   # fits as is
    ([10, 20, 5], [4, 8, 5], 30, [10, 15, 5]),   # the column with most to spare gives way
    ([10, 20, 5], [4, 8, 5], 17, [4, 8, 5]),     # down to the longest words
    ([10, 20, 5], [4, 8, 5], 16, None),          # a word would break: not this layout
])
def test_fit_widths(widths, minimum, room, expected):
    from wijkctl.output import fit_widths

    assert fit_widths(widths, minimum, room) == expected


def test_layout_drops_the_highest_drop_first_and_wide_drops_nothing():
    from wijkctl.output import Block, Column, layout

    block = Block([Column("a", "A"), Column("b", "Bbbbbbbbbb", drop=1), Column("c", "Cccccccccc", drop=2)],
                  [{"a": "aaaaaaaaaa", "b": "x", "c": "y"}])
    shown, _, _, dropped = layout(block, 30)
    assert [c.key for c in shown] == ["a", "b"] and [c.key for c in dropped] == ["c"]
    shown, _, _, dropped = layout(block, 12)
    assert [c.key for c in shown] == ["a"] and [c.key for c in dropped] == ["b", "c"]  # in table order
    shown, widths, _, dropped = layout(block, 30, wide=True)
    assert [c.key for c in shown] == ["a", "b", "c"] and not dropped and sum(widths) <= 30
    assert layout(block, 3) is None  # not even the essential column: plain text


TABLES = (["list"], ["verbinder"], ["show", "oude-stad"], ["show", "meerwijk"], ["subsidy", "--year", "2025"])


def _env(columns):
    import os

    return {**os.environ, "COLUMNS": columns, "NO_COLOR": "1", "TERM": "xterm"}


def _argv(datadir, args):
    from .test_concurrency import WIJKCTL

    return [WIJKCTL, "--data-dir", str(datadir), *args]


def _screen(datadir, columns, args):
    """What a terminal of `columns` shows (stdout on a pseudo-terminal)."""
    from .conftest import on_terminal

    code, shown = on_terminal(_argv(datadir, args), _env(columns))
    assert code == 0
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown).replace("\r\n", "\n")


def _words(text):
    return [w for w in text.split() if not all(0x2500 <= ord(c) <= 0x257F for c in w)]


@pytest.fixture(scope="module")
def haarlem(tmp_path_factory):
    """The bundled data set, with its organisations: tables with many columns (read only)."""
    return copy_data(REPO / "data", tmp_path_factory.mktemp("haarlem"))


@pytest.fixture(scope="module")
def everything(haarlem):
    """Per command, the words of its tables with every column and nothing wrapped."""
    return {tuple(args): set(_words(_screen(haarlem, "1000", args))) for args in TABLES}


@pytest.mark.parametrize("columns", ["160", "100", "80", "60"])
@pytest.mark.parametrize("args", TABLES, ids=" ".join)
def test_terminal_tables_fit_with_whole_words(haarlem, everything, columns, args):
    """At 60 to 160 columns no line is wider than the terminal and no word is broken
    inside itself: every word on the screen is a word of the full table. Columns that
    do not fit are left out, and the screen says which."""
    shown = _screen(haarlem, columns, args)
    assert max(len(line) for line in shown.splitlines()) <= int(columns)
    notes = re.findall(r"Niet\s+getoond\s+om\s+in\s+\d+\s+kolommen\s+te\s+passen:.*?\(-o\s+wide\s+toont\s+alles\)\.",
                       shown, re.DOTALL)
    told = {w for note in notes for w in _words(note)}
    assert set(_words(shown)) - everything[tuple(args)] - told == set(), (args, columns)
    if columns == "160":
        assert not notes, shown


@pytest.mark.parametrize("columns", ["80", "20"])
@pytest.mark.parametrize("args", TABLES, ids=" ".join)
def test_wide_tables_are_never_cropped(haarlem, columns, args):
    """With -o wide, whatever the width, every character of the piped output is on the screen too."""
    import subprocess
    from collections import Counter

    def chars(text):
        return Counter(c for c in text if not c.isspace() and not 0x2500 <= ord(c) <= 0x257F)

    piped = subprocess.run(_argv(haarlem, args), capture_output=True, text=True, env=_env(columns), check=False)
    shown = _screen(haarlem, columns, [*args, "-o", "wide"])
    assert "Niet getoond" not in shown
    assert chars(piped.stdout) - chars(shown) == Counter(), (args, columns)


def test_narrow_list_drops_figures_first_and_says_so(haarlem):
    shown = _screen(haarlem, "80", ["list"])
    assert "Niet getoond om in 80 kolommen te passen: Inwoners, Sociale huur, Aandeel" in " ".join(shown.split())
    assert "Haarlemmerhoutkwartier" in shown and "Michel de Graaf" in shown


def test_csv_has_raw_numbers_and_codes_for_spreadsheets(run):
    assert "Inwoners,8135\n" in run("show", "molenwijk", "-o", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(run("subsidy", "molenwijk", "--year", "2025", "-o", "csv").stdout)))
    assert rows[0]["wijk"] == "molenwijk" and rows[0]["bedrag"] == "6500"
    listed = {r["code"]: r for r in csv.DictReader(io.StringIO(run("list", "-o", "csv").stdout))}
    assert listed["molenwijk"]["inwoners"] == "8135" and listed["spaarndam"]["inwoners"] == "595"
