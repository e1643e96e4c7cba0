"""The merge driver: per record and field, symmetric, checked with every rule.

Sides are made by running real commands on copies of one data directory; the merge is
compared with running the two commands one after the other. The git end to end runs
(`git merge` with the driver configured by `git-setup`) are at the bottom.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl.cli import app
from wijkctl.merge import CannotMerge, merge_text
from wijkctl.yamlio import load_text

from .conftest import BASE, Run, copy_data, git

W = "wijken.yaml"
FOUR = ("-m", "Anna <a@x.nl>", "-m", "Bram <b@x.nl>", "-m", "Cor <c@x.nl>", "-m", "Dewi <d@x.nl>")


def _run(folder: Path, *args: str) -> None:
    result = Run(folder)(*args)
    assert result.exit_code == 0, (args, result.stderr)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two platforms with four kern members each, in neighbouring wijken, and a wijkraad."""
    folder = copy_data(BASE, tmp_path_factory.mktemp("base"))
    for wijk in ("molenwijk", "meerwijk"):
        _run(folder, "register", wijk, "--name", f"Platform {wijk}", "--from", "2024-01-01", *FOUR)
    _run(folder, "register", "europawijk", "--wijkraad", "--name", "Wijkraad Europawijk", "--from", "onbekend")
    return folder


def _side(base: Path, tmp: Path, label: str, *commands: tuple[str, ...]) -> Path:
    folder = tmp / label
    shutil.copytree(base, folder)
    for args in commands:
        _run(folder, *args)
    return folder


def _text(folder: Path, name: str = W) -> str:
    return (folder / name).read_text(encoding="utf-8")


def _others(folder: Path) -> dict:
    return {"gebieden": load_text("verbinders.yaml", _text(folder, "verbinders.yaml")).records,
            "regelingen": load_text("subsidieregeling.yaml", _text(folder, "subsidieregeling.yaml")).records}


def _merge(base: Path, a: Path, b: Path, name: str = W):
    return merge_text(name, _text(base, name), _text(a, name), _text(b, name), _others(base))


def commands(wijk: str) -> list[tuple[str, ...]]:
    return [
        ("update", wijk, "--email", f"info@{wijk}.nl"),
        ("update", wijk, "--add-member", "Eva <e@x.nl>"),
        ("update", wijk, "--remove-member", "a@x.nl"),
        ("update", wijk, "--change-member", "b@x.nl", "Bram Jansen <bram@x.nl>"),
        ("update", wijk, "--name", f"Wijkplatform {wijk.capitalize()}"),
        ("end", wijk, "--on", "2027-01-01", "--reason", "opgeheven"),
    ]


def _strict_clean(text: str, base: Path, tmp: Path) -> None:
    folder = tmp / "merged"
    shutil.copytree(base, folder, dirs_exist_ok=True)
    (folder / W).write_text(text, encoding="utf-8")
    result = Run(folder)("check", "--strict")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert Run(folder)("fmt", "--check").exit_code == 0


@pytest.mark.parametrize("x", commands("molenwijk"), ids=lambda c: " ".join(c[2:4]))
def test_neighbouring_wijken_merge_clean_and_as_if_serial(base, tmp_path, x):
    a = _side(base, tmp_path, "a", x)
    for n, y in enumerate(commands("meerwijk")):
        b = _side(base, tmp_path, f"b{n}", y)
        result = _merge(base, a, b)
        assert result.clean, (x, y, result.conflicts)
        serial = _side(a, tmp_path, f"serial{n}", y)
        assert result.text == _text(serial), (x, y)
        assert _merge(base, b, a).text == result.text  # the same whichever side is ours
    _strict_clean(result.text, base, tmp_path)


NEW_WIJK = """- code: nieuwwijk
  naam: Nieuwwijk
  gebied: schalkwijk
"""


def _insert_after(text: str, code: str, record: str) -> str:
    start = text.index(f"- code: {code}\n")
    nxt = text.find("\n- code: ", start)
    cut = len(text) if nxt < 0 else nxt + 1
    return text[:cut] + record + text[cut:]


@pytest.mark.parametrize("y", commands("molenwijk") + commands("meerwijk"), ids=lambda c: " ".join(c[1:4]))
def test_a_new_wijk_inserted_next_to_a_changed_one(base, tmp_path, y):
    a = _side(base, tmp_path, "a")
    (a / W).write_text(_insert_after(_text(a), "molenwijk", NEW_WIJK), encoding="utf-8")
    b = _side(base, tmp_path, "b", y)
    result = _merge(base, a, b)
    assert result.clean, result.conflicts
    assert result.text == _insert_after(_text(b), "molenwijk", NEW_WIJK)
    assert _merge(base, b, a).text == result.text
    _strict_clean(result.text, base, tmp_path)


def test_two_members_added_on_both_sides_merge_clean(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--add-member", "Eva <e@x.nl>"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--add-member", "Fenna <f@x.nl>"))
    result = _merge(base, a, b)
    assert result.clean and "e@x.nl" in result.text and "f@x.nl" in result.text
    assert _merge(base, b, a).text == result.text
    _strict_clean(result.text, base, tmp_path)


def test_import_cbs_and_register_merge_clean(base, tmp_path):
    from .cbsfixture import haarlem

    csv = tmp_path / "kwb.csv"
    csv.write_text(haarlem(2024), encoding="utf-8")
    a = _side(base, tmp_path, "a", ("import-cbs", str(csv), "--year", "2024"))
    b = _side(base, tmp_path, "b", ("register", "boerhaavewijk", "--name", "P", "--from", "2025-01-01", *FOUR))
    result = _merge(base, a, b)
    assert result.clean, result.conflicts
    serial = _side(a, tmp_path, "serial", ("register", "boerhaavewijk", "--name", "P", "--from", "2025-01-01", *FOUR))
    assert result.text == _text(serial)
    assert _merge(base, b, a).text == result.text


CONFLICTS = {
    "e-mail|e-mail": ([("update", "molenwijk", "--email", "een@x.nl")],
                      [("update", "molenwijk", "--email", "twee@x.nl")],
                      "veld email: aan beide kanten anders gewijzigd"),
    "end|end": ([("end", "molenwijk", "--on", "2026-01-01")], [("end", "molenwijk", "--on", "2026-06-01")],
                "veld tot"),
    "convert|end": ([("convert", "europawijk", "--from", "2025-01-01", *FOUR)],
                    [("end", "europawijk", "--on", "2025-01-01", "--reason", "opgeheven")],
                    "beëindigd"),
    "register|register": ([("register", "boerhaavewijk", "--name", "P1", "--from", "2025-01-01", *FOUR)],
                          [("register", "boerhaavewijk", "--name", "P2", "--from", "2025-03-01", *FOUR)],
                          "samengevoegd breekt dit een regel"),
    "remove|remove": ([("update", "molenwijk", "--remove-member", "a@x.nl")],
                      [("update", "molenwijk", "--remove-member", "b@x.nl")], "heeft 2 kernleden"),
}


def test_an_end_and_a_change_of_one_platform_merge_as_if_serial(base, tmp_path):
    """They commute (either order gives the same data): no conflict (issue 20, item 2)."""
    end = ("end", "molenwijk", "--on", "2025-01-01")
    add = ("update", "molenwijk", "--on", "2024-06-01", "--add-member", "Eva <e@x.nl>")
    a, b = _side(base, tmp_path, "a", end), _side(base, tmp_path, "b", add)
    result = _merge(base, a, b)
    assert result.clean, result.conflicts
    assert result.text == _text(_side(a, tmp_path, "ab", add)) == _text(_side(b, tmp_path, "ba", end))


@pytest.mark.parametrize("case", list(CONFLICTS))
def test_real_conflicts_exit_1_with_markers_around_that_wijk(base, tmp_path, case):
    ours, theirs, said = CONFLICTS[case]
    a = _side(base, tmp_path, "a", *ours)
    b = _side(base, tmp_path, "b", *theirs)
    o = tmp_path / "O.yaml"
    shutil.copy(base / W, o)
    target = tmp_path / "A.yaml"
    shutil.copy(a / W, target)
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(target), str(b / W), "data/wijken.yaml"])
    assert result.exit_code == 1, result.stderr
    assert "conflict in data/wijken.yaml" in result.stderr and said in result.stderr
    text = target.read_text(encoding="utf-8")
    inside = text.split("<<<<<<< ours\n")[1].split(">>>>>>> theirs\n")[0]
    wijk = ours[0][1]
    assert text.count("<<<<<<< ours\n") == 1 and inside.count("- code: ") == 2
    assert {line for line in inside.splitlines() if line.startswith("- code: ")} == {f"- code: {wijk}"}
    outside = text.replace(inside, "")
    assert outside.count("- code: ") == 21 - 1  # every other wijk once, merged


def test_a_side_with_a_comment_falls_back_to_git_and_loses_nothing(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--email", "een@x.nl"))
    b = _side(base, tmp_path, "b", ("update", "meerwijk", "--email", "twee@x.nl"))
    theirs = _text(b).replace("- code: spaarndam\n", "# Spaarndam hoort bij Noord\n- code: spaarndam\n")
    (b / W).write_text(theirs, encoding="utf-8")
    with pytest.raises(CannotMerge):
        _merge(base, a, b)
    o, target = tmp_path / "O.yaml", tmp_path / "A.yaml"
    shutil.copy(base / W, o)
    shutil.copy(a / W, target)
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(target), str(b / W), "data/wijken.yaml"])
    assert result.exit_code == 0 and "regel voor regel" in result.stderr
    merged = target.read_text(encoding="utf-8")
    assert "een@x.nl" in merged and "twee@x.nl" in merged and "# Spaarndam hoort bij Noord" in merged


def test_conflicting_lines_in_the_fallback_keep_both_versions(base, tmp_path):
    a = _side(base, tmp_path, "a", ("update", "molenwijk", "--email", "een@x.nl"))
    b = _side(base, tmp_path, "b", ("update", "molenwijk", "--email", "twee@x.nl"))
    (b / W).write_text(_text(b) + "# eind\n", encoding="utf-8")
    o, target = tmp_path / "O.yaml", tmp_path / "A.yaml"
    shutil.copy(base / W, o)
    shutil.copy(a / W, target)
    result = CliRunner().invoke(app, ["merge-driver", str(o), str(target), str(b / W), "data/wijken.yaml"])
    assert result.exit_code == 1
    merged = target.read_text(encoding="utf-8")
    assert "een@x.nl" in merged and "twee@x.nl" in merged and "# eind" in merged and "<<<<<<<" in merged


def test_check_reports_conflict_markers_first(run, datadir):
    path = datadir / W
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- code: meerwijk\n", "<<<<<<< ours\n- code: meerwijk\n", 1)
                    + "=======\n>>>>>>> theirs\n",
                    encoding="utf-8")
    result = run("check")
    assert result.exit_code == 5
    line = text[: text.index("- code: meerwijk\n")].count("\n") + 1
    assert f"wijken.yaml:{line}: onopgelost git-conflict" in result.stdout
    assert "geen geldige YAML" not in result.stdout + result.stderr


# --- with git ----------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
def test_git_merge_uses_the_driver_after_git_setup(repo, datadir, run):
    first = run("git-setup")
    assert first.exit_code == 0 and "4 regels toegevoegd" in first.stderr
    assert "subsidies.yaml merge=wijkctl" in (datadir / ".gitattributes").read_text()
    again = run("git-setup")
    assert again.exit_code == 0 and "was al zo" in again.stderr and "toegevoegd" not in again.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "setup")
    _run(datadir, "register", "molenwijk", "--name", "P", "--from", "2024-01-01", *FOUR, "--commit")
    main = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-qb", "ander")
    _run(datadir, "update", "molenwijk", "--email", "ander@x.nl", "--commit")
    git(repo, "checkout", "-q", main)
    _run(datadir, "update", "molenwijk", "--email", "hier@x.nl", "--commit")
    merge = subprocess.run(["git", "merge", "-q", "ander", "-m", "m"], cwd=repo, capture_output=True, text=True,
                           check=False)
    assert merge.returncode == 1
    assert ("veld email: aan beide kanten anders gewijzigd: basis (niets), onze kant (ours) hier@x.nl, "
            "de andere kant (theirs) ander@x.nl") in merge.stderr
    before = (datadir / W).read_bytes()
    busy = run("update", "molenwijk", "--email", "x@x.nl")
    assert busy.exit_code == 5 and "onopgelost git-conflict" in busy.stderr
    busy = run("update", "molenwijk", "--email", "x@x.nl", "--commit")
    assert busy.exit_code == 2 and "er loopt nog een git merge" in busy.stderr and "git merge --abort" in busy.stderr
    assert (datadir / W).read_bytes() == before


# --- diff ----------------------------------------------------------------------------


@needs_git
def test_diff_in_words_with_the_money_and_no_contact_data(repo, datadir, run):
    import json

    from wijkctl.semdiff import HIDDEN

    from .cbsfixture import haarlem

    _run(datadir, "register", "molenwijk", "--name", "P", "--from", "2024-01-01", *FOUR, "--commit")
    assert run("diff").stdout == "" and "Geen verschil" in run("diff").stderr
    _run(datadir, "update", "molenwijk", "--email", "info@p.nl", "--change-member", "a@x.nl", "Anna <anna@x.nl>")
    csv = repo.parent / "kwb.csv"
    csv.write_text(haarlem(2024), encoding="utf-8")
    _run(datadir, "import-cbs", str(csv), "--year", "2024")
    rows = json.loads(run("diff", "-o", "json").stdout)
    email = [r for r in rows if r["veld"] == "email"]
    assert email == [{"bestand": "wijken.yaml", "wijk": "molenwijk", "organisatie": "p",
                      "veld": "email", "wijziging": "toegevoegd", "oud": None, "nieuw": "info@p.nl"}]
    kern = [r for r in rows if (r["veld"] or "").startswith("kern")]
    assert [(r["veld"], r["wijziging"], r["oud"], r["nieuw"]) for r in kern] == [
        ("kern[Anna].email", "gewijzigd", HIDDEN, HIDDEN)]  # one member changed, contact hidden
    assert "a@x.nl" not in json.dumps(rows) and "anna@x.nl" not in json.dumps(rows)
    shown = json.loads(run("diff", "--contact", "-o", "json").stdout)
    assert [(r["oud"], r["nieuw"]) for r in shown if r["veld"] == "kern[Anna].email"] == [("a@x.nl", "anna@x.nl")]
    figures = [r for r in rows if r["wijk"] == "molenwijk" and r["veld"] == "cijfers.sociale_huurwoningen"]
    assert figures and figures[0]["oud"] is None and figures[0]["nieuw"] > 0
    money = [r for r in rows if r["veld"] == "subsidie"]
    assert money and all(r["organisatie"] == "p" and r["oud"] != r["nieuw"] for r in money)
    assert {r["jaar"] for r in money} >= {2024, 2025}
    table = run("diff").stdout
    assert "Subsidie die daardoor anders uitkomt" in table and "€" in table
    git(repo, "commit", "-qam", "figures")
    between = json.loads(run("diff", "HEAD~1", "HEAD", "-o", "json").stdout)
    assert between == rows
    assert run("diff", "nergens").exit_code == 2 and "Onbekende git-revisie" in run("diff", "nergens").stderr


@needs_git
def test_git_diff_hunk_headers_name_the_wijk(repo, datadir, run):
    assert run("git-setup").exit_code == 0
    _run(datadir, "register", "meerwijk", "--name", "P", "--from", "2024-01-01", *FOUR)
    shown = git(repo, "diff", "-U1", "--", "data/wijken.yaml")
    assert "@@ - code: meerwijk" in shown


@needs_git
def test_the_multi_clone_simulation_finds_no_clean_merge_that_check_refuses(tmp_path):
    """A few rounds of benchmarks/multiclone.py with the driver, all in two wijken (the
    full run, with its rates before and after, is in the issue's note)."""
    import os
    import sys

    from .conftest import REPO
    from .test_concurrency import WIJKCTL

    env = {**os.environ, "PATH": f"{Path(WIJKCTL).parent}{os.pathsep}{os.environ['PATH']}",
           "WIJKCTL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("WIJKCTL_DATA", None)
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "multiclone.py"), "--rounds", "3", "--clones", "3",
                           "--hot", "2", "--mode", "driver", "--seed", "7"],
                          capture_output=True, text=True, env=env, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "wijkctl merge-driver:" in done.stdout
    wrong = next(line for line in done.stdout.splitlines() if "clean but wrong" in line)
    assert wrong.split()[3] == "0", done.stdout


def test_a_verbinder_changed_on_both_sides_names_the_field(base, tmp_path):
    a = _side(base, tmp_path, "a", ("set-verbinder", "noord", "--name", "Een", "--email", "een@haarlem.nl"))
    b = _side(base, tmp_path, "b", ("set-verbinder", "noord", "--name", "Twee", "--email", "twee@haarlem.nl"))
    result = _merge(base, a, b, "verbinders.yaml")
    assert not result.clean
    assert [str(c).split(": aan")[0] for c in result.conflicts] == ["noord: veld verbinder.naam",
                                                                    "noord: veld verbinder.email"]
    c = _side(base, tmp_path, "c", ("set-verbinder", "oost", "--name", "Drie", "--email", "drie@haarlem.nl"))
    assert _merge(base, a, c, "verbinders.yaml").clean


def test_the_driver_never_waits_on_a_fifo_or_follows_a_missing_file(tmp_path):
    import os

    fifo = tmp_path / "base"
    os.mkfifo(fifo)
    ours = tmp_path / "ours"
    ours.write_text("versie: 2\nwijken: []\n", encoding="utf-8")
    theirs = tmp_path / "theirs"
    theirs.write_text("versie: 2\nwijken: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["merge-driver", str(fifo), str(ours), str(theirs), "data/wijken.yaml"])
    assert result.exit_code == 2 and "geen gewoon bestand" in result.stderr
    gone = CliRunner().invoke(app, ["merge-driver", str(tmp_path / "nergens"), str(tmp_path / "ook-niet"),
                                    str(theirs), "data/wijken.yaml"])
    assert gone.exit_code == 2 and "niet te lezen" in gone.stderr and "Traceback" not in gone.stderr
    assert ours.read_text(encoding="utf-8") == "versie: 2\nwijken: []\n"


def test_two_members_that_cannot_be_told_apart_are_a_conflict_not_a_loss():
    from wijkctl import model
    from wijkctl.merge import _Merger
    from wijkctl.schema import schema_of

    kern = next(f for f in schema_of(model.Organisatie).fields if f.key == "kern")
    o = [{"naam": "Jan"}, {"naam": "jan"}]  # one identity: the folded name
    a = [*o, {"naam": "Piet"}]
    b = [{"naam": "Jan"}, {"naam": "JAN"}, {"naam": "Kees"}]
    merger = _Merger()
    merger.value(("molenwijk",), o, a, b, kern)
    assert merger.conflicts and "dezelfde naam" in merger.conflicts[0][1]


def test_the_order_of_new_keys_never_depends_on_the_side():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from wijkctl.merge import _order

    keys = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=6)

    @settings(max_examples=300, deadline=None)
    @given(keys, st.data())
    def check(o, data):
        a = data.draw(st.permutations(o + data.draw(st.lists(st.sampled_from("stuvwxyz"), unique=True, max_size=4))))
        b = data.draw(st.permutations(o + data.draw(st.lists(st.sampled_from("stuvwxyz"), unique=True, max_size=4))))
        assert _order(o, a, b) == _order(o, b, a)

    check()


def test_a_buurt_renamed_on_one_side_while_a_platform_changes_on_the_other(tmp_path):
    """The map commands merge: a buurt renamed on one side, an organisation's `buurten`
    changed on the other (not the renamed buurt) merge clean, as if done one after the other."""
    folder = copy_data(BASE, tmp_path)
    for name in ("Noord", "Zuid"):
        _run(folder, "add-buurt", "europawijk", "--name", name)
    _run(folder, "register", "europawijk", "--name", "Platform Noord", "--from", "2024-01-01", "--buurt", "Noord",
         *FOUR)
    a = _side(folder, tmp_path, "a", ("rename", "europawijk", "--buurt", "Zuid", "--name", "Europawijk-Zuid"))
    b = _side(folder, tmp_path, "b", ("update", "europawijk", "--email", "noord@example.org"))
    result = _merge(folder, a, b)
    assert not result.conflicts
    serial = _side(a, tmp_path, "serial", ("update", "europawijk", "--email", "noord@example.org"))
    assert result.text == _text(serial)


def test_the_gemeente_changed_on_one_side_merges(tmp_path):
    folder = copy_data(BASE, tmp_path)
    base_text = _text(folder, "verbinders.yaml")
    ours = base_text.replace("  cbs_code: GM0392\n", "  cbs_code: GM0392\n  email: wijken@example.org\n")
    theirs = base_text.replace("    naam: Michel de Graaf\n", "    naam: Michel de Groot\n")
    result = merge_text("verbinders.yaml", base_text, ours, theirs, {})
    assert not result.conflicts
    assert "email: wijken@example.org" in result.text and "Michel de Groot" in result.text
