"""`wijkctl edit`: validated on save, reopened with the problems, written under the lock.

The editor is tests/fake_editor.py, driven by a list of steps; the terminal check is
patched in-process, and one subprocess run shows the refusal without a terminal.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wijkctl.commands import edit as edit_command

from .conftest import REPO, git, snapshot_bytes

FAKE_EDITOR = f"{sys.executable} {REPO / 'tests' / 'fake_editor.py'}"


@pytest.fixture
def editor(tmp_path_factory, monkeypatch):
    """Set the fake editor's steps; returns what it was shown each time."""
    monkeypatch.setattr(edit_command, "_interactive", lambda: True)
    monkeypatch.setenv("EDITOR", FAKE_EDITOR)
    monkeypatch.delenv("VISUAL", raising=False)
    folder = tmp_path_factory.mktemp("editor")  # outside the data repository

    def steps(*todo):
        (folder / "steps.json").write_text(json.dumps(list(todo)), encoding="utf-8")
        monkeypatch.setenv("FAKE_EDITOR_STEPS", str(folder / "steps.json"))
        return lambda: [p.read_text(encoding="utf-8") for p in sorted(folder.glob("seen-*.yaml"))]

    return steps


MOLENWIJK = "  naam: Molenwijk\n"


def test_a_valid_edit_is_written_in_canonical_form(run, datadir, editor):
    before = (datadir / "wijken.yaml").read_text(encoding="utf-8")
    seen = editor({"replace": [MOLENWIJK, MOLENWIJK + "  opmerking: Wijkcentrum De Molen.\n"]})
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert "wijken.yaml geschreven" in result.stderr
    after = (datadir / "wijken.yaml").read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["  opmerking: Wijkcentrum De Molen."]
    assert seen() == [before]
    assert run("check").exit_code == 0


def test_problems_reopen_the_editor_with_their_lines_until_valid(run, datadir, editor):
    seen = editor(
        {"replace": [MOLENWIJK, MOLENWIJK + "  bogus: 1\n"]},
        {"replace": ["  bogus: 1\n", "  opmerking: Gecorrigeerd.\n"]},
    )
    result = run("edit", "wijken.yaml")
    assert result.exit_code == 0, result.stderr
    _first, second = seen()
    assert second.startswith(edit_command.HEADER_START)
    header = [line for line in second.splitlines() if line.startswith("#   regel")]
    assert len(header) == 1 and "onbekende sleutel 'bogus'" in header[0]
    shown_line = int(header[0].split()[2].rstrip(":"))
    assert second.splitlines()[shown_line - 1] == "  bogus: 1"  # the line the editor shows
    written = (datadir / "wijken.yaml").read_text(encoding="utf-8")
    assert "Gecorrigeerd." in written and "wijkctl edit" not in written and "bogus" not in written


def test_a_comment_is_a_problem_not_lost(run, datadir, editor):
    seen = editor({"replace": [MOLENWIJK, MOLENWIJK + "  # let op\n"]}, {"replace": ["  # let op\n", ""]})
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert "commentaar kan wijkctl niet bewaren" in seen()[1]


def test_a_rule_broken_in_another_file_is_named_with_that_file(run, datadir, editor):
    block = "- code: centrum\n  naam: Centrum\n  verbinder:\n    naam: Michel de Graaf\n    email: mbgraaf@haarlem.nl\n"
    assert block in (datadir / "verbinders.yaml").read_text(encoding="utf-8")
    before = snapshot_bytes(datadir)
    seen = editor({"replace": [block, ""]}, {"keep": True})
    result = run("edit", "verbinders")
    assert result.exit_code == 4
    assert "Niet opgeslagen" in result.stderr and "er is niets veranderd" in result.stderr
    assert "wijken.yaml:" in seen()[1] and "centrum" in seen()[1]
    assert snapshot_bytes(datadir) == before


@pytest.mark.parametrize("step, code, said", [
    ({"keep": True}, 0, "Niets gewijzigd"),
    ({"empty": True}, 0, "Bewerking afgebroken"),
    ({"exit": 3}, 4, "De editor stopte met code 3"),
])
def test_nothing_is_written_when_the_user_stops(run, datadir, editor, step, code, said):
    before = snapshot_bytes(datadir)
    editor(step)
    result = run("edit")
    assert result.exit_code == code and said in result.stderr
    assert snapshot_bytes(datadir) == before


def test_giving_up_on_an_invalid_edit_keeps_the_copy(run, datadir, editor):
    before = snapshot_bytes(datadir)
    editor({"replace": [MOLENWIJK, MOLENWIJK + "  bogus: 1\n"]}, {"keep": True})
    result = run("edit")
    assert result.exit_code == 4 and "Je bewerking staat in" in result.stderr
    kept = result.stderr.split("Je bewerking staat in ")[1].split(";")[0]
    from pathlib import Path

    assert "bogus: 1" in Path(kept).read_text(encoding="utf-8")
    Path(kept).unlink()
    Path(kept).parent.rmdir()
    assert snapshot_bytes(datadir) == before


def test_a_change_made_meanwhile_is_not_overwritten(run, datadir, editor, monkeypatch):
    """Optimistic, as kubectl edit: no lock is held while a person types."""
    real = edit_command._run_editor

    def and_meanwhile(argv, copy):
        real(argv, copy)
        assert run("update", "molenwijk", "--org", "wijkplatform-molenwijk", "--email", "x@example.org").exit_code == 0

    monkeypatch.setattr(edit_command, "_run_editor", and_meanwhile)
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2024-01-01",
               "-m", "A <a@example.org>", "-m", "B <b@example.org>", "-m", "C <c@example.org>").exit_code == 0
    editor({"replace": [MOLENWIJK, MOLENWIJK + "  opmerking: Mijn versie.\n"]})
    between = snapshot_bytes(datadir)
    result = run("edit")
    assert result.exit_code == 4 and "intussen door een ander gewijzigd" in result.stderr
    after = (datadir / "wijken.yaml").read_text(encoding="utf-8")
    assert "x@example.org" in after and "Mijn versie" not in after
    assert between != snapshot_bytes(datadir)


def test_edit_with_commit(repo, run, datadir, editor):
    editor({"replace": [MOLENWIJK, MOLENWIJK + "  opmerking: Gecommit.\n"]})
    result = run("edit", "--commit")
    assert result.exit_code == 0, result.stderr
    assert "(gecommit)" in result.stderr
    assert git(repo, "log", "-1", "--format=%s") == "edit: wijken.yaml met de hand bewerkt\n"
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("args, code, said", [
    (("edit", "gemeenten"), 2, "Onbekend gegevensbestand 'gemeenten'"),
])
def test_bad_arguments(run, datadir, editor, args, code, said):
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code and said in result.stderr
    assert snapshot_bytes(datadir) == before


@pytest.mark.parametrize("value, said", [
    ("'unterminated", "geen geldig commando"),
    ("/nonexistent/editor", "start niet"),
])
def test_a_broken_editor_setting(run, datadir, editor, monkeypatch, value, said):
    editor({"keep": True})
    monkeypatch.setenv("EDITOR", value)
    before = snapshot_bytes(datadir)
    result = run("edit")
    assert result.exit_code == 2 and said in result.stderr
    assert snapshot_bytes(datadir) == before


def test_edit_refuses_without_a_terminal(datadir):
    from .test_concurrency import WIJKCTL

    before = snapshot_bytes(datadir)
    done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), "edit"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "EDITOR": "vi"}, check=False)
    assert done.returncode == 2 and "heeft daarvoor een terminal nodig" in done.stderr
    assert done.stdout == "" and snapshot_bytes(datadir) == before


def test_no_temporary_folder_is_a_dutch_error(run, datadir, editor, monkeypatch):
    import errno
    import tempfile

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    editor({"keep": True})
    monkeypatch.setattr(tempfile, "mkdtemp", full)
    before = snapshot_bytes(datadir)
    result = run("edit")
    assert result.exit_code == 1 and "Kan geen tijdelijke map maken" in result.stderr
    assert "Traceback" not in result.stderr and snapshot_bytes(datadir) == before


# --- the temporary copy: never written through a link (issue 20, item 5) ----------------


def test_an_editor_that_saves_by_renaming_a_new_file_over_the_copy_keeps_working(run, datadir, editor):
    """vim (backupcopy=no), VS Code and gedit write a new file and rename it over the copy."""
    seen = editor(
        {"rename": [MOLENWIJK, MOLENWIJK + "  bogus: 1\n"]},
        {"rename": ["  bogus: 1\n", "  opmerking: Via een nieuw bestand.\n"]},
    )
    result = run("edit")
    assert result.exit_code == 0, result.stderr
    assert "onbekende sleutel 'bogus'" in seen()[1]
    assert "Via een nieuw bestand." in (datadir / "wijken.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("first", [[], [{"replace": [MOLENWIJK, MOLENWIJK + "  bogus: 1\n"]}]],
                         ids=["at-once", "after-a-problem"])
def test_a_link_in_place_of_the_copy_is_refused_and_its_target_never_written(run, datadir, editor, tmp_path, first):
    target = tmp_path / "elders.txt"
    target.write_text("van iemand anders\n", encoding="utf-8")
    before = snapshot_bytes(datadir)
    editor(*first, {"symlink": str(target)})
    result = run("edit")
    assert result.exit_code == 5, result.output
    assert "symbolische koppeling" in result.stderr and "er is niets veranderd" in result.stderr.lower()
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "van iemand anders\n"
    assert snapshot_bytes(datadir) == before


def test_the_problem_header_is_never_written_through_a_link(run, datadir, editor, tmp_path, monkeypatch):
    """A link put in place of the copy after it was read is replaced, not written through."""
    target = tmp_path / "elders.txt"
    target.write_text("van iemand anders\n", encoding="utf-8")
    real = edit_command._read_copy

    def read_then_swap(copy):
        text = real(copy)
        copy.unlink()
        copy.symlink_to(target)
        return text

    monkeypatch.setattr(edit_command, "_read_copy", read_then_swap)
    editor({"replace": [MOLENWIJK, MOLENWIJK + "  bogus: 1\n"]}, {"exit": 1})
    run("edit")
    assert target.read_text(encoding="utf-8") == "van iemand anders\n"


def test_a_hard_link_or_a_folder_no_longer_private_is_refused(run, datadir, editor, tmp_path, monkeypatch):
    import os

    other = tmp_path / "elders.txt"
    other.write_text("x\n", encoding="utf-8")
    real = edit_command._run_editor
    before = snapshot_bytes(datadir)
    for tamper, said in ((lambda copy: (copy.unlink(), os.link(other, copy)), "harde koppeling"),
                         (lambda copy: os.chmod(copy.parent, 0o755), "niet meer alleen van jou")):
        def and_tamper(argv, copy, tamper=tamper):
            real(argv, copy)
            tamper(copy)

        monkeypatch.setattr(edit_command, "_run_editor", and_tamper)
        editor({"replace": [MOLENWIJK, MOLENWIJK + "  opmerking: x\n"]})
        result = run("edit")
        assert result.exit_code == 5 and said in result.stderr, result.output
        assert other.read_text(encoding="utf-8") == "x\n" and snapshot_bytes(datadir) == before
