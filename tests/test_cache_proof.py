"""Every command that proves the files canonical leaves the cache knowing it (issue 26
item 1), so that the next `check` answers without parsing; what it answers is what
parsing everything answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl import cache, store, yamlio
from wijkctl.cli import app

from .conftest import MEMBERS, Run
from .test_other_gemeente import _csv


def _no_parsing(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("check parsed the YAML again")

    monkeypatch.setattr(yamlio, "load_text", refuse)


def _known_canonical(root: Path) -> bool:
    """Whether the cache holds the bytes on disk now, knowing every file canonical."""
    entry = cache.get(root, cache.key(store.read_bytes(root)))
    return entry is not None and entry.canonical >= set(store.DATA_FILES)


def _checked_from_cache(run: Run, monkeypatch) -> dict:
    """`check --strict -o json` without parsing, and the same as with the cache off."""
    assert _known_canonical(run.datadir)
    uncached = run("check", "--strict", "-o", "json", env={"WIJKCTL_CACHE_DIR": "off"})
    with monkeypatch.context() as m:
        _no_parsing(m)
        cached = run("check", "--strict", "-o", "json")
    assert cached.exit_code == uncached.exit_code == 0, cached.output
    assert cached.stdout == uncached.stdout
    return json.loads(cached.stdout)


@pytest.mark.parametrize("args", [("fmt",), ("fmt", "--check")])
def test_fmt_leaves_the_cache_knowing_the_files_canonical(run, datadir, args, monkeypatch):
    assert run(*args).exit_code == 0
    assert _checked_from_cache(run, monkeypatch) == {"fouten": [], "waarschuwingen": [], "opmerkingen": []}


def test_fmt_that_rewrites_a_file_leaves_the_cache_knowing_the_new_bytes(run, datadir, monkeypatch):
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("naam: Molenwijk\n", "naam:   Molenwijk\n"),
                    encoding="utf-8")
    done = run("fmt")
    assert done.exit_code == 0 and "Herschreven: wijken.yaml" in done.stderr
    _checked_from_cache(run, monkeypatch)
    with monkeypatch.context() as m:
        _no_parsing(m)
        assert run("update", "molenwijk", "--email", "a@b.nl").exit_code == 4  # no platform: refused by a rule


def test_init_leaves_the_cache_knowing_the_bundled_set(tmp_path, monkeypatch):
    assert CliRunner().invoke(app, ["init", str(tmp_path / "d")]).exit_code == 0
    assert _known_canonical(tmp_path / "d")  # the bundled set warns (kern of 0): check reads it for the lines
    run = Run(tmp_path / "d")
    assert run("check").stdout == run("check", env={"WIJKCTL_CACHE_DIR": "off"}).stdout


def test_init_from_cbs_leaves_the_cache_knowing_the_register(tmp_path, monkeypatch):
    source = tmp_path / "kwb.csv"
    source.write_text(_csv(), encoding="utf-8")
    made = CliRunner().invoke(app, ["init", str(tmp_path / "reg"), "--from-cbs", str(source), "--year", "2023",
                                    "--gemeente", "utrecht"])
    assert made.exit_code == 0, made.output
    _checked_from_cache(Run(tmp_path / "reg"), monkeypatch)


def test_init_over_a_subsidies_file_it_does_not_write_leaves_no_false_entry(tmp_path, monkeypatch):
    target = tmp_path / "d"
    assert CliRunner().invoke(app, ["init", str(target)]).exit_code == 0
    (target / "subsidies.yaml").write_text("versie: 1\nsubsidies:\n- {}\n", encoding="utf-8")  # invalid
    assert CliRunner().invoke(app, ["init", str(target), "--force"]).exit_code == 0
    checked = Run(target)("check")
    assert checked.exit_code == 5 and "subsidies.yaml:3" in checked.stdout


@pytest.mark.parametrize("command", [
    ("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS),
    ("import-cbs", "{csv}", "--year", "2024"),
])
def test_a_write_from_a_fresh_clone_leaves_the_cache_knowing_every_file(run, datadir, tmp_path, command, monkeypatch):
    from .cbsfixture import haarlem

    csv = tmp_path / "kwb.csv"
    csv.write_text(haarlem(2024), encoding="utf-8")
    done = run(*(str(csv) if a == "{csv}" else a for a in command))
    assert done.exit_code == 0, done.output
    _checked_from_cache(run, monkeypatch)


def test_fmt_on_data_that_breaks_a_rule_leaves_check_reporting_it(run, datadir):
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("gebied: schalkwijk", "gebied: nergens", 1),
                    encoding="utf-8")
    assert run("fmt", "--check").exit_code == 0  # canonical, yet invalid
    assert run("fmt").exit_code == 0
    checked = run("check")
    assert checked.exit_code == 5 and "nergens" in checked.stdout


def test_fmt_check_on_a_file_with_comments_proves_nothing(run, datadir):
    path = datadir / "wijken.yaml"
    path.write_text("# een notitie\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("fmt", "--check").exit_code == 5
    assert not _known_canonical(datadir)
    checked = run("check")
    assert checked.exit_code == 0 and "wijken.yaml:1: waarschuwing: commentaar" in checked.stdout


def test_a_warning_after_fmt_still_has_its_line(run, datadir):
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    assert run("update", "molenwijk", "--remove-member", "Anna de Vries").exit_code == 0
    shutil.rmtree(Path(store.os.environ["WIJKCTL_CACHE_DIR"]))
    assert run("fmt").exit_code == 0
    warned = run("check")
    assert warned.exit_code == 0 and "wijken.yaml:" in warned.stdout and "heeft 2 kernleden" in warned.stdout
