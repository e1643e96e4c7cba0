"""`check`, `fmt`, `init` and the refusal of invalid data, through the CLI."""

from __future__ import annotations

import json

import pytest

from .conftest import FILES, MEMBERS, snapshot_bytes


def test_bundled_data_checks_clean(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "In orde: 21 wijken, 5 gebieden, 1 regeling" in result.stderr
    result = run("check", "-o", "json")
    assert json.loads(result.stdout) == {"fouten": [], "waarschuwingen": []}
    assert run("fmt", "--check").exit_code == 0


def test_init_writes_a_valid_set_and_refuses_to_overwrite(tmp_path):
    from typer.testing import CliRunner

    from wijkctl.cli import app

    runner = CliRunner()
    target = tmp_path / "nieuw" / "data"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(FILES)
    assert runner.invoke(app, ["--data-dir", str(target), "check"]).exit_code == 0
    before = snapshot_bytes(target)
    (target / "wijken.yaml").write_text((target / "wijken.yaml").read_text() + "")
    refused = runner.invoke(app, ["init", str(target)])
    assert refused.exit_code == 4 and "--force" in refused.stderr
    assert snapshot_bytes(target) == before
    assert runner.invoke(app, ["init", str(target), "--force"]).exit_code == 0


def test_repository_data_equals_package_data():
    from .conftest import BUNDLED, REPO

    for name in FILES:
        assert (REPO / "data" / name).read_bytes() == (BUNDLED / name).read_bytes()


def _edit(datadir, name, old, new):
    path = datadir / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


INVALID = [
    ("wijken.yaml", "  gebied: schalkwijk\n", "  gebied: schalkwijk\n  gebied: noord\n", "dubbele sleutel"),
    ("wijken.yaml", "  gebied: schalkwijk\n", "  gebied: nergens\n", "gebied 'nergens' bestaat niet"),
    ("wijken.yaml", "code: meerwijk", "code: molenwijk", "komt al voor"),
    ("wijken.yaml", "cbs_code: WK039221", "cbs_code: WK039220", "komt al voor"),
    ("wijken.yaml", "  - naam: Vijfhoek\n", "  - naam: Vijfhoek\n  - naam: vijfhoek\n", "hoort al bij"),
    ("wijken.yaml", "    woningen: 3974\n", "    woningen: 3974\n    sociale_huurwoningen: 4000\n",
     "groter dan het aantal woningen"),
    ("verbinders.yaml", "email: rkant@haarlem.nl", "email: rkant-haarlem.nl", "ongeldig e-mailadres"),
    ("verbinders.yaml", "versie: 2", "versie: 9", "installeer een nieuwere wijkctl"),
    ("subsidieregeling.yaml", "    boven_gemiddelde: 1500\n", "    boven_gemiddelde: 1500\n    staffels:\n    - "
                                                              "{vanaf: 1, bedrag: 1}\n", "precies één"),
    ("subsidieregeling.yaml", "maatstaf: inwoners", "maatstaf: honden", "onbekende maatstaf"),
    ("subsidieregeling.yaml", "aanvragen_voor: 10-01", "aanvragen_voor: 13-01", "MM-DD"),
    ("subsidieregeling.yaml", "    boven_gemiddelde: 1500\n", "    staffels:\n    - {vanaf: 10, bedrag: 1}\n    - "
                                                              "{vanaf: 5, bedrag: 2}\n", "moeten oplopen"),
    ("subsidieregeling.yaml", "basisbedrag: 5000", "basisbedrag: -5000", "0 of groter"),
    ("subsidieregeling.yaml", "maximum: 10000", "maximum: 4000", "lager dan basisbedrag"),
]


@pytest.mark.parametrize("name,old,new,melding", INVALID, ids=[i[3] for i in INVALID])
def test_invalid_data_gives_exit_5_with_file_and_line_and_blocks_writes(run, datadir, name, old, new, melding):
    _edit(datadir, name, old, new)
    result = run("check")
    assert result.exit_code == 5
    lines = [line for line in result.stdout.splitlines() if melding in line]
    assert lines and lines[0].startswith(f"{name}:"), result.stdout
    line_no = int(lines[0].split(":")[1])
    assert line_no > 0
    data = json.loads(run("check", "-o", "json").stdout)
    assert any(f["bestand"] == name and f["regel"] == line_no for f in data["fouten"])
    assert f"fout,{name},{line_no}," in run("check", "-o", "csv").stdout
    before = snapshot_bytes(datadir)
    result = run("register", "spaarndam", "--name", "P", "--from", "2025-01-01", *MEMBERS)
    assert result.exit_code == 5
    assert "wijkctl check" in result.stderr
    assert snapshot_bytes(datadir) == before
    assert run("verbinder", "molenwijk").exit_code == 5


def test_comments_are_warned_by_check_and_refused_by_writes_and_fmt(run, datadir):
    _edit(datadir, "wijken.yaml", "- code: spaarndam\n", "# Spaarndam hoort bij Noord\n- code: spaarndam\n")
    result = run("check")
    assert result.exit_code == 0 and "waarschuwing: commentaar" in result.stdout
    assert run("check", "--strict").exit_code == 5
    before = snapshot_bytes(datadir)
    for args in (("fmt",), ("fmt", "--check"),
                 ("register", "spaarndam", "--name", "P", "--from", "2025-01-01", *MEMBERS)):
        result = run(*args)
        assert result.exit_code == 5, args
        assert "commentaar" in result.stderr.lower() and "opmerking" in result.stderr
        assert snapshot_bytes(datadir) == before


def test_non_canonical_file_refuses_writes_until_fmt(run, datadir):
    _edit(datadir, "wijken.yaml", "- code: spaarndam\n  naam: Spaarndam\n", "- naam: Spaarndam\n  code: spaarndam\n")
    before = snapshot_bytes(datadir)
    result = run("register", "spaarndam", "--name", "P", "--from", "2025-01-01", *MEMBERS)
    assert result.exit_code == 5 and "wijkctl fmt" in result.stderr
    assert run("fmt", "--check").exit_code == 5
    assert snapshot_bytes(datadir) == before
    assert run("fmt").exit_code == 0
    assert run("fmt", "--check").exit_code == 0
    assert run("register", "spaarndam", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0


def test_fmt_of_a_file_other_than_wijken_leaves_unrelated_files(run, datadir):
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("email: rkant@haarlem.nl", "email: 'rkant@haarlem.nl'"))
    wijken = (datadir / "wijken.yaml").read_bytes()
    result = run("fmt")
    assert result.exit_code == 0 and "verbinders.yaml" in result.stderr
    assert (datadir / "wijken.yaml").read_bytes() == wijken
    assert "email: rkant@haarlem.nl\n" in path.read_text()


def test_missing_file_and_bad_encoding_are_exit_5(run, datadir):
    (datadir / "verbinders.yaml").unlink()
    assert run("check").exit_code == 5
    (datadir / "verbinders.yaml").write_bytes(b"versie: 2\ngebieden: []\n\xff\n")
    result = run("check")
    assert result.exit_code == 5 and "UTF-8" in result.stderr


def test_no_data_dir_is_exit_5_naming_init(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from wijkctl.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIJKCTL_DATA", raising=False)
    result = CliRunner().invoke(app, ["verbinder", "molenwijk"])
    assert result.exit_code == 5 and "wijkctl init" in result.stderr


def test_internal_error_is_short_without_traceback(run, monkeypatch):
    import wijkctl.rules

    def broken(*a, **k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(wijkctl.rules, "match_wijk", broken)
    result = run("verbinder", "molenwijk")
    assert result.exit_code == 1
    assert "Interne fout" in result.stderr and "Traceback" not in result.stderr
    result = run("verbinder", "molenwijk", env={"WIJKCTL_DEBUG": "1"})
    assert result.exit_code == 1 and "Traceback" in result.stderr


def test_check_json_carries_a_rule_id_and_the_wijk(run, datadir):
    import json

    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "-m", "A <a@x.nl>", "-m", "B <b@x.nl>",
               "-m", "C <c@x.nl>").exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "a@x.nl").exit_code == 0
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("email: rkant@haarlem.nl", "email: rkant-haarlem.nl"))
    payload = json.loads(run("check", "-o", "json").stdout)
    [kern] = payload["waarschuwingen"]
    assert (kern["regel_id"], kern["wijk"], kern["bestand"]) == ("kern_te_klein", "molenwijk", "wijken.yaml")
    [fout] = payload["fouten"]
    assert (fout["regel_id"], fout["wijk"]) == ("formaat-email", None)
    from wijkctl import validate

    ids = {p.rule for p in validate.validate(__import__("wijkctl.store", fromlist=["x"]).snapshot(datadir).data)}
    assert "vorm" not in ids  # every rule of the validator names itself


def test_check_warns_when_gitattributes_lacks_a_data_file(run, datadir):
    """A repository set up by an earlier release routes three files through the driver;
    `check` says which one git would merge by lines, and that `git-setup` fixes it."""
    lines = "".join(f"{name} merge=wijkctl diff=wijkctl\n" for name in
                    ("wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml"))
    (datadir / ".gitattributes").write_text(lines)
    result = run("check", "-o", "json")
    assert result.exit_code == 0
    (warning,) = [w for w in json.loads(result.stdout)["waarschuwingen"] if w["bestand"] == ".gitattributes"]
    assert warning["regel_id"] == "gitattributes-onvolledig" and warning["regel"] == 3
    assert "subsidies.yaml" in warning["melding"] and "wijkctl git-setup" in warning["melding"]
    assert run("check", "--strict").exit_code == 5
    (datadir / ".gitattributes").write_text(lines + "subsidies.yaml merge=wijkctl diff=wijkctl\n")
    assert ".gitattributes" not in run("check").stdout


def test_check_is_quiet_about_gitattributes_that_wijkctl_never_wrote(run, datadir):
    assert run("check").stdout == ""
    (datadir / ".gitattributes").write_text("*.png binary\n")
    result = run("check")
    assert result.exit_code == 0 and result.stdout == ""
