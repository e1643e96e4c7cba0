"""The reference cannot drift from the program, and every user-facing help text is Dutch."""

from __future__ import annotations

import re
import runpy

import pytest
import typer

from wijkctl.cli import app
from wijkctl.schema import FILES

from .conftest import REPO

ENGLISH = re.compile(r"\b(the|and|this|show|for|of the|message|exit|install|customize|current)\b", re.I)


def _commands():
    group = typer.main.get_command(app)
    ctx = group.make_context("wijkctl", [], resilient_parsing=True)
    yield "wijkctl", group, ctx
    yield from runpy.run_path(str(REPO / "docs" / "gen_cli.py"))["_commands"](group, ctx)


def test_cli_reference_is_up_to_date():
    gen = runpy.run_path(str(REPO / "docs" / "gen_cli.py"))
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == gen["generate"](), \
        "docs/cli.md is out of date: run python docs/gen_cli.py"


def test_data_format_reference_is_up_to_date():
    gen = runpy.run_path(str(REPO / "docs" / "gen_format.py"))
    doc = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert gen["generate"](doc) == doc, "docs/data-format.md is out of date: run python docs/gen_format.py"
    from wijkctl.schema import FILES

    for name, list_key in ((n, f.list_key) for n, f in FILES.items()):
        assert f"## {name}" in doc and f"{list_key}:" in doc


def test_docs_never_send_a_user_outside_the_repository():
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "CONTRACT.md" not in text, path.name
    assert "docs/data-format.md" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,command,ctx", list(_commands()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_and_option_has_dutch_help(name, command, ctx):
    assert command.help and not ENGLISH.search(command.help), name
    for param in command.get_params(ctx):
        assert param.help, f"{name} {param.name} has no help text"
        assert not ENGLISH.search(param.help), f"{name} {param.name}: {param.help!r}"


def test_readme_opens_with_the_two_commands_and_tours_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1]
    assert "pip install . && wijkctl verbinder Molenwijk" in block
    assert "pip install '.[test]' && python -m pytest" in block
    group = typer.main.get_command(app)
    for name in group.commands:
        assert f"wijkctl {name}" in readme, name


def test_bare_wijkctl_shows_its_help_once_on_stderr():
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("Gebruik: wijkctl") == 1


def test_an_unknown_command_gets_one_hint(run):
    result = run("registr")
    assert result.exit_code == 2 and result.stderr.count("--help") == 1


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "python -m pytest" in ci and ".[test]" in ci


def test_usage_errors_are_dutch(run):
    result = run("list", "--bogus")
    assert result.exit_code == 2
    assert "Onbekende optie --bogus" in result.stderr and "Zie 'wijkctl list --help'" in result.stderr
    assert run("register").exit_code == 2
    assert "ontbreekt" in run("register").stderr
    assert "Ongeldig jaar voor --year: 'x'" in run("subsidy", "--year", "x").stderr
    assert "Onbekend commando" in run("registrer").stderr
    assert "Bedoelde je 'register'" in run("registr").stderr and "Did you" not in run("registr").stderr


def test_pre_commit_hooks_run_wijkctl():
    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["entry"] for h in hooks} == {"wijkctl-check": "wijkctl check --strict --changed",
                                                  "wijkctl-fmt": "wijkctl fmt --check"}
    for hook in hooks:
        assert hook["stages"] == ["pre-commit", "pre-merge-commit", "pre-push"]  # a clean merge runs no pre-commit
        assert re.search(hook["files"], "data/wijken.yaml") and not re.search(hook["files"], "README.md")
        assert all(re.search(hook["files"], f"data/{name}") for name in FILES)  # every declared data file
        assert re.search(hook["files"], "data/.gitattributes") and not re.search(hook["files"], "data/subsidies.yml")


def test_wijk_completion_from_the_data(datadir):
    import os
    import subprocess

    from .test_concurrency import WIJKCTL

    env = {**os.environ, "_WIJKCTL_COMPLETE": "complete_bash", "COMP_WORDS": "wijkctl verbinder mol", "COMP_CWORD": "2",
           "WIJKCTL_DATA": str(datadir)}
    done = subprocess.run([WIJKCTL], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["molenwijk"]
    env.update(COMP_WORDS="wijkctl su", COMP_CWORD="1")  # the command name itself
    assert subprocess.run([WIJKCTL], env=env, capture_output=True, text=True).stdout.split() == ["subsidy"]
    env.update(COMP_WORDS=f"wijkctl --data-dir {datadir} show meer", COMP_CWORD="4", WIJKCTL_DATA="")
    assert subprocess.run([WIJKCTL], env=env, capture_output=True, text=True).stdout.split() == ["meerwijk"]
    env.update(COMP_WORDS="wijkctl show waarder", WIJKCTL_DATA=str(datadir / "nergens"))
    done = subprocess.run([WIJKCTL], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "" and done.stderr == ""  # no data: no candidates, no noise


def test_install_completion_reports_in_dutch(tmp_path):
    import os
    import subprocess

    from .test_concurrency import WIJKCTL

    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    done = subprocess.run([WIJKCTL, "--install-completion", "bash"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Tab-aanvulling voor bash geïnstalleerd" in done.stdout
    assert "_WIJKCTL_COMPLETE" in "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
