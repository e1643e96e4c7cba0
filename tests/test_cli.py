"""The app builds only the command a run needs, and behaves the same either way."""

from __future__ import annotations

import pytest

from wijkctl import cli


@pytest.mark.parametrize("argv,command", [
    (["verbinder", "molenwijk"], "verbinder"),
    (["--data-dir", "x", "list", "--gebied", "noord"], "list"),
    (["--data-dir=x", "show", "meerwijk"], "show"),
    (["--help"], None),
    (["--version"], None),
    ([], None),
    (["--install-completion"], None),
])
def test_command_in_argv(argv, command):
    assert cli._command_in(argv) == command


def test_every_command_is_registered_once():
    import typer

    group = typer.main.get_command(cli.build_app())
    assert sorted(group.commands) == sorted(cli.COMMANDS)
    for name in cli.COMMANDS:
        assert name in typer.main.get_command(cli.build_app(name)).commands
