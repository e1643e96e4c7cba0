"""`help [COMMAND]`: the help of wijkctl or of one command, as `COMMAND --help` shows it."""

from __future__ import annotations

from typing import Annotated

import typer

from wijkctl.errors import UsageError


def help_(
    ctx: typer.Context,
    command: Annotated[str | None, typer.Argument(metavar="[COMMANDO]", show_default=False, help=(
        "Het commando (of zijn Nederlandse naam); zonder COMMANDO het overzicht van alle commando's."))] = None,
) -> None:
    """Toon de hulp bij wijkctl of bij één commando, met voorbeelden."""
    from wijkctl.cli import ALIASES

    root = ctx.find_root()
    group = root.command
    if command is None:
        _print(root.get_help())
        return
    name = ALIASES.get(command, command)
    found = group.get_command(root, name) if name != "help" else ctx.command  # type: ignore[attr-defined]
    if found is None:
        import difflib

        names = [*group.list_commands(root), *ALIASES]  # type: ignore[attr-defined]
        close = difflib.get_close_matches(command, names, n=3, cutoff=0.6)
        raise UsageError(f"Onbekend commando '{command}'." + (f" Bedoelde je {' of '.join(close)}?" if close else "")
                         + " 'wijkctl help' toont ze alle.")
    with found.make_context(name, [], parent=root, resilient_parsing=True) as sub:
        _print(sub.get_help())


def _print(text: str) -> None:
    """As `--help` ends: Typer's rich help prints itself and returns "", click then ends the
    line (its plain help is returned and printed)."""
    print(text)


COMMANDS = {"help": help_}
