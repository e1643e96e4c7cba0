"""The one renderer: every data-printing command in every format from the same rows,
`-o xlsx` read back with openpyxl, JSON errors, and `-o json` on every write."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import output, text

from .conftest import REPO, copy_data, snapshot_bytes

GOLDEN_DATA = REPO / "tests" / "fixtures" / "golden-data"
MEMBERS3 = ("-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>")

# every command that prints data, as a person or a cron job calls it
PRINTING = {
    "verbinder": ["verbinder"],
    "verbinder-wijk": ["verbinder", "molenwijk"],
    "list": ["list"],
    "show": ["show", "meerwijk"],
    "subsidy": ["subsidy", "--year", "2025"],
    "check": ["check"],
    "due": ["due", "--on", "2025-09-20"],
}


@pytest.fixture
def golden(tmp_path, monkeypatch):
    """The golden data set (platforms, a KvK, figures), today pinned."""
    monkeypatch.setattr(text, "today", lambda: dt.date(2025, 6, 1))
    return copy_data(GOLDEN_DATA, tmp_path)


def invoke(data, *args):
    from typer.testing import CliRunner

    from wijkctl.cli import app

    return CliRunner().invoke(app, ["--data-dir", str(data), *args])


def sheets(content: bytes):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("fmt", [f.value for f in output.Format])
@pytest.mark.parametrize("name", list(PRINTING))
def test_every_printing_command_speaks_every_format(golden, name, fmt):
    """The same rows in each format: what scripts read has the JSON keys, what people
    read has the Dutch labels, and the spreadsheet opens."""
    result = invoke(golden, *PRINTING[name], "-o", fmt)
    assert result.exit_code == 0, result.stderr
    raw = result.stdout_bytes
    if fmt == "json":
        assert isinstance(json.loads(raw), (list, dict))
    elif fmt == "yaml":
        assert yaml.safe_load(raw) is not None or name == "due"
    elif fmt == "csv":
        header = next(csv.reader(io.StringIO(raw.decode())))
        assert header and all(key == key.lower() and " " not in key for key in header)  # the keys
    elif fmt == "csv-nl":
        assert raw.startswith("\ufeff".encode())
        header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert header and all(label[:1].isupper() for label in header)  # the Dutch labels
    elif fmt == "xlsx":
        book = sheets(raw)
        first = book.worksheets[0]
        assert first.max_row >= 1 and first["A1"].value
    else:
        assert raw.strip() or name in ("due", "check")


def test_xlsx_has_typed_cells_a_frozen_header_a_filter_and_the_totals(golden):
    result = invoke(golden, "subsidy", "--year", "2025", "-o", "xlsx")
    assert result.exit_code == 0, result.stderr
    sheet = sheets(result.stdout_bytes).worksheets[0]
    assert sheet.title == "Subsidie 2025"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Jaar", "Wijkcode", "Wijk"] and "Toeslag sociale huur" in header
    col = {label: i for i, label in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    meerwijk = next(r for r in rows if r[col["Wijkcode"]].value == "meerwijk")
    bedrag = meerwijk[col["Bedrag"]]
    assert bedrag.value == 9500 and bedrag.data_type == "n" and "€" in bedrag.number_format
    assert meerwijk[col["KvK"]].value == "12345678" and meerwijk[col["KvK"]].data_type == "s"
    deadline = meerwijk[col["Aanvragen voor"]]
    assert deadline.is_date and deadline.value.date() == dt.date(2025, 10, 1)
    assert meerwijk[col["Maanden"]].value == 12 and meerwijk[col["Maanden"]].data_type == "n"
    assert sheet.freeze_panes == "A2"
    totals = rows[-1]
    assert totals[col["Wijk"]].value == "Totaal" and totals[col["Wijk"]].font.b
    assert totals[col["Bedrag"]].value == sum(r[col["Bedrag"]].value for r in rows[:-1])
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows)}"  # not the totals


def test_xlsx_keeps_leading_zeros_and_never_makes_a_formula(datadir):
    assert invoke(datadir, "register", "molenwijk", "--name", "=HYPERLINK(\"x\")", "--from", "2025-03-01",
                  "--legal-form", "stichting", "--kvk", "01234567", *MEMBERS3).exit_code == 0
    sheet = sheets(invoke(datadir, "subsidy", "--year", "2025", "-o", "xlsx").stdout_bytes).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = [c for c in sheet[2]]
    kvk, platform = row[header.index("KvK")], row[header.index("Platform")]
    assert (kvk.value, kvk.data_type) == ("01234567", "s")
    assert (platform.value, platform.data_type) == ('=HYPERLINK("x")', "s")  # text, not a formula


def test_xlsx_totals_rows_include_the_plafond_and_what_exceeds_it(datadir):
    path = datadir / "subsidieregeling.yaml"
    path.write_text(path.read_text().replace("  maximum: 10000\n", "  maximum: 10000\n  plafond: 6000\n", 1))
    assert invoke(datadir, "register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    assert invoke(datadir, "register", "oude-stad", "--name", "Q", "--from", "2025-01-01", *MEMBERS3).exit_code == 0
    result = invoke(datadir, "subsidy", "--year", "2025", "-o", "xlsx")
    sheet = sheets(result.stdout_bytes).worksheets[0]
    header = [c.value for c in sheet[1]]
    wijk, bedrag = header.index("Wijk"), header.index("Bedrag")
    last = [(r[wijk].value, r[bedrag].value) for r in sheet.iter_rows(min_row=sheet.max_row - 2)]
    total = last[0][1]
    assert last == [("Totaal", total), ("Plafond", 6000), ("Boven het plafond", total - 6000)] and total > 6000
    piped = invoke(datadir, "subsidy", "--year", "2025").stdout.splitlines()
    assert piped[-1].startswith("Boven het plafond") and piped[-3].startswith("Totaal")  # the table keeps them
    assert "Status regeling" in piped[0] and "concept" in piped[1]
    rows = list(csv.reader(io.StringIO(invoke(datadir, "subsidy", "--year", "2025", "-o", "csv").stdout)))
    assert not any("Totaal" in r for r in rows)  # csv is for scripts: no totals row


def test_xlsx_is_byte_stable_and_goes_to_file(golden, tmp_path):
    first = invoke(golden, "list", "-o", "xlsx").stdout_bytes
    assert first == invoke(golden, "list", "-o", "xlsx").stdout_bytes
    target = tmp_path / "lijst.xlsx"
    result = invoke(golden, "list", "-o", "xlsx", "--file", str(target))
    assert result.exit_code == 0 and result.stdout_bytes == b""
    assert target.read_bytes() == first


def test_xlsx_show_puts_each_block_on_its_own_sheet(golden):
    book = sheets(invoke(golden, "show", "meerwijk", "-o", "xlsx").stdout_bytes)
    assert book.sheetnames[0] == "Meerwijk (meerwijk)" and "Organisaties" in book.sheetnames
    organisaties = book["Organisaties"]
    header = [c.value for c in organisaties[1]]
    van = organisaties.cell(2, header.index("Van") + 1)
    assert van.is_date


def test_file_takes_any_format_and_refuses_a_bad_path(golden, tmp_path):
    target = tmp_path / "lijst.csv"
    assert invoke(golden, "list", "-o", "csv-nl", "--file", str(target)).exit_code == 0
    assert target.read_bytes() == invoke(golden, "list", "-o", "csv-nl").stdout_bytes
    before = snapshot_bytes(tmp_path)
    for bad in (tmp_path, tmp_path / "nope" / "x.xlsx"):
        result = invoke(golden, "list", "-o", "xlsx", "--file", str(bad))
        assert result.exit_code == 2 and "--file" in result.stderr and "Traceback" not in result.stderr
    assert snapshot_bytes(tmp_path) == before


def test_xlsx_on_a_terminal_without_file_is_a_usage_error(datadir):
    import os

    from .conftest import on_terminal
    from .test_concurrency import WIJKCTL

    before = snapshot_bytes(datadir)
    code, _shown = on_terminal([WIJKCTL, "--data-dir", str(datadir), "list", "-o", "xlsx"],
                               {**os.environ, "TERM": "xterm"}, stream="stdout")
    assert code == 2 and snapshot_bytes(datadir) == before
    code, _shown = on_terminal([WIJKCTL, "--data-dir", str(datadir), "list", "-o", "xlsx"],
                               {**os.environ, "TERM": "xterm"}, stream="stderr")
    assert code == 0  # stdout piped: the spreadsheet goes there


def test_xlsx_is_not_imported_for_a_look_up(datadir):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "wijkctl", "--data-dir", str(datadir),
                           "verbinder", "molenwijk"], capture_output=True, text=True, check=True)
    assert "xlsxwriter" not in done.stderr and "wijkctl.xlsx" not in done.stderr


def test_sheet_names_are_valid_and_unique():
    from wijkctl.xlsx import _sheet_name

    taken: set[str] = set()
    names = [_sheet_name(t, taken) for t in ("Kern van [a]/b:c*?", "Kern van [a]/b:c*?", None, "x" * 40)]
    assert names[0] == "Kern van a b c" and names[1] == "Kern van a b c 2" and names[2] == "Blad"
    assert all(len(n) <= 31 for n in names) and len(set(names)) == 4


# --- JSON errors ------------------------------------------------------------------


@pytest.mark.parametrize("args, code", [
    (["verbinder", "nergenswijk", "-o", "json"], 3),
    (["list", "--on", "gisteren", "-o", "json"], 2),
    (["list", "--output=json", "--status", "niets"], 2),
    (["subsidy", "--year", "1800", "-ojson"], 2),
])
def test_errors_under_json_are_json_on_stderr(datadir, args, code):
    result = invoke(datadir, *args)
    assert result.exit_code == code and result.stdout == ""
    fout = json.loads(result.stderr)["fout"]
    assert fout["code"] == code and fout["melding"]


def test_errors_without_json_stay_text(datadir):
    result = invoke(datadir, "verbinder", "nergenswijk")
    assert result.exit_code == 3 and not result.stderr.lstrip().startswith("{")


def test_a_refused_write_under_json_says_so_in_json_and_changes_nothing(datadir):
    before = snapshot_bytes(datadir)
    result = invoke(datadir, "register", "molenwijk", "--name", "P", "--from", "2025-03-01",
                    "-m", "A <a@x.nl>", "-o", "json")
    assert result.exit_code == 4 and result.stdout == ""
    assert json.loads(result.stderr)["fout"]["code"] == 4
    assert snapshot_bytes(datadir) == before


def test_asks_json_reads_the_last_output_option():
    from wijkctl.cli import asks_json

    assert asks_json(["list", "-o", "csv", "-o", "json"]) and not asks_json(["list", "-o", "json", "-o", "csv"])
    assert not asks_json(["list", "--", "-o", "json"]) and asks_json(["list", "-ojson"])


# --- -o json on every write -------------------------------------------------------


def test_register_json_is_the_record_written_with_its_new_id(datadir):
    result = invoke(datadir, "register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01",
                    *MEMBERS3, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "wijkplatform-molenwijk" and data["wijk"] == "molenwijk"
    (record,) = data["organisaties"]
    assert record["id"] == data["id"] and record["van"] == "2025-03-01"
    assert record["kern"] == [{"naam": "A"}, {"naam": "B"}, {"naam": "C"}]  # no contact data unasked
    assert data["bestanden"] == ["wijken.yaml"] and not data["proefdraai"] and "diff" not in data
    assert "a@x.nl" not in result.stdout and result.stderr.strip()  # stderr keeps its one-line report


def test_dry_run_json_holds_the_record_and_the_diff_and_writes_nothing(datadir):
    before = snapshot_bytes(datadir)
    result = invoke(datadir, "register", "molenwijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3,
                    "--dry-run", "-o", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["proefdraai"] and data["diff"].startswith("--- a/wijken.yaml") and data["organisaties"][0]["id"]
    assert snapshot_bytes(datadir) == before
    plain = invoke(datadir, "register", "molenwijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3, "--dry-run")
    assert plain.stdout == data["diff"]  # without -o json the dry run prints the diff itself


def test_every_write_answers_in_json(datadir, tmp_path):
    from .cbsfixture import kerncijfers

    def ok(*args):
        result = invoke(datadir, *args, "-o", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    ok("register", "molenwijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3)
    assert ok("update", "molenwijk", "--email", "p@x.nl")["organisaties"][0]["email"] == "p@x.nl"
    assert ok("end", "molenwijk", "--on", "2025-12-01")["organisaties"][0]["tot"] == "2025-12-01"
    assert ok("unregister", "molenwijk", "--reason", "vergissing")["verwijderd"] == ["p"]
    assert ok("set-verbinder", "noord", "--name", "K. de Boer", "--email", "k@haarlem.nl")["gebied"]["code"] == "noord"
    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", 8200, 4000, "50,0", 300)]), encoding="utf-8")
    imported = ok("import-cbs", str(csv_file), "--year", "2024")
    assert imported["wijken"][0]["code"] == "molenwijk" and imported["wijken"][0]["cijfers"]["inwoners"] == 8200
    assert ok("fmt")["herschreven"] == []
    made = json.loads(invoke(datadir, "init", str(tmp_path / "nieuw"), "-o", "json").stdout)
    assert made["bestanden"] == ["wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml"]


def test_convert_json_holds_both_records(datadir):
    assert invoke(datadir, "register", "molenwijk", "--wijkraad", "--name", "Wijkraad Molenwijk").exit_code == 0
    data = json.loads(invoke(datadir, "convert", "molenwijk", "--from", "2025-03-01", *MEMBERS3, "-o", "json").stdout)
    ids = [r["id"] for r in data["organisaties"]]
    assert data["id"] in ids and len(ids) == 2
    assert next(r for r in data["organisaties"] if r["id"] != data["id"])["tot"] == "2025-03-01"


# --- the renderer itself ----------------------------------------------------------


def test_totals_rows_are_last_and_never_wrapped_on_a_narrow_terminal():
    block = output.Block([output.Column("naam", "Wijk"), output.Column("n", "Inwoners", "int")],
                         [{"naam": "A", "n": 1}], totals=[{"naam": "Totaal: 21 wijken", "n": 1}])
    columns, widths, _style, _dropped = output.layout(block, 40)
    assert widths[0] >= len("Totaal: 21 wijken")
    assert output.render_plain(block).splitlines()[-1].startswith("Totaal: 21 wijken")
    assert "Totaal" not in output.to_csv(block) and "Totaal" in output.to_csv(block, dutch=True)
    assert output.to_csv(block, dutch=True).splitlines()[0] == "\ufeffWijk;Inwoners"


@pytest.mark.parametrize("fmt", [f.value for f in output.Format])
def test_diff_speaks_every_format(repo, fmt):
    data = repo / "data"
    assert invoke(data, "register", "molenwijk", "--name", "P", "--from", "2025-03-01", *MEMBERS3).exit_code == 0
    result = invoke(data, "diff", "-o", fmt)
    assert result.exit_code == 0, result.stderr
    raw = result.stdout_bytes
    if fmt == "json":
        assert any(change["wijk"] == "molenwijk" for change in json.loads(raw))
    elif fmt == "xlsx":
        sheet = sheets(raw).worksheets[0]
        assert [c.value for c in sheet[1]][:2] == ["Bestand", "Wijk"] and sheet.max_row > 1
    else:
        assert b"molenwijk" in raw or b"Molenwijk" in raw


_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text() | st.dates() | st.decimals(allow_nan=False, allow_infinity=False, places=2))
_json_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                            | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4), max_leaves=30)


@given(_json_values)
@settings(max_examples=300, deadline=None)
def test_json_output_is_the_standard_indented_dump(value):
    """`-o json` is written by a faster encoder; byte for byte what json.dumps(indent=2) writes."""
    try:
        expected = json.dumps(value, ensure_ascii=False, indent=2, default=output._plain_json) + "\n"
    except (TypeError, ValueError, ArithmeticError) as exc:  # the same refusal
        with pytest.raises(type(exc)):
            output.to_json(value)
        return
    expected = "".join(f"\\u{ord(ch):04x}" if ch in output._JSON_RAW else ch for ch in expected)  # DEL too
    assert output.to_json(value) == expected


def test_json_rows_of_scalars_written_in_one_call_each_are_the_standard_dump():
    """Rows as `grants -o json` prints them (a list of flat records: texts, numbers, dates,
    a str enum, None) go through the one-call-per-container path; nested ones do not."""
    import datetime as dt
    from decimal import Decimal
    from enum import Enum

    Kleur = Enum("Kleur", {"rood": "rood"}, type=str)
    rows = [{"id": f"2026-{i}", "jaar": 2026, "bedrag": Decimal("12.50") * i, "datum": dt.date(2026, 1, i + 1),
             "status": Kleur.rood, "leeg": None, "ja": True, "tekst": 'a "b" \\ c\u2028\x85\n', "f": 1.5,
             "lijst": [1, "twee", None], "genest": {"x": [{"y": 1}], "z": []}} for i in range(3)]
    for value in (rows, rows[0], [[1, 2], [3]], {"a": {"b": {"c": 1}}}, [dt.date(2026, 1, 1)]):
        expected = json.dumps(value, ensure_ascii=False, indent=2, default=output._plain_json) + "\n"
        expected = "".join(f"\\u{ord(ch):04x}" if ch in output._JSON_RAW else ch for ch in expected)
        assert output.to_json(value) == expected


@given(st.lists(_json_values, max_size=5))
@settings(max_examples=200, deadline=None)
def test_a_list_written_item_by_item_is_the_list_written_whole(items):
    """`grants -o json` may print texts kept in the cache, each written on its own
    (`json_item`): together (`json_list`) they are byte for byte `to_json` of the list."""
    try:
        expected = output.to_json(items)
    except (TypeError, ValueError, ArithmeticError):
        return
    assert output.json_list([output.json_item(v) for v in items]) == expected
    assert output.to_json(output.json_list([output.json_item(v) for v in items])) == expected


def test_del_is_escaped_in_every_json_text():
    """DEL is ASCII: its escape does not hang on the text holding something that is not."""
    for items in ([{"a": "\x7f"}], [{"a": "\x7f"}, {"b": "é"}]):
        assert "\x7f" not in output.to_json(items) and "\\u007f" in output.to_json(items)
        assert output.json_list([output.json_item(v) for v in items]) == output.to_json(items)
