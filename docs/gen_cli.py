"""Generate docs/cli.md, the command reference, from the commands themselves.

    python docs/gen_cli.py          # rewrite docs/cli.md
    python docs/gen_cli.py --check  # exit 1 when docs/cli.md is out of date

tests/test_docs.py runs the check, so the reference never drifts from the program.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent / "cli.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _param_row(param) -> str:
    if param.param_type_name == "argument":
        name = f"`{param.metavar or param.name.upper()}`"
    else:
        # short options first; click keeps the help option's names in a set
        opts = sorted([*param.opts, *param.secondary_opts], key=lambda o: (o.startswith("--"), o))
        name = ", ".join(f"`{opt}`" for opt in opts)
    extra = []
    choices = getattr(param.type, "choices", None)
    if choices:
        extra.append("keuze: " + ", ".join(str(getattr(c, "value", c)) for c in choices))
    if param.required:
        extra.append("verplicht")
    elif param.param_type_name == "option" and not param.is_flag and param.default not in (None, (), []):
        default = getattr(param.default, "value", param.default)
        extra.append(f"standaard: {default}")
    if getattr(param, "multiple", False):
        extra.append("herhaalbaar")
    help_text = _cell(param.help or "")
    if extra:
        help_text += f" ({'; '.join(extra)})"
    return f"| {name} | {help_text} |"


def generate() -> str:
    import typer

    from wijkctl.cli import app

    group = typer.main.get_command(app)
    ctx = group.make_context("wijkctl", [], resilient_parsing=True)
    lines = [
        "# wijkctl — opdrachtreferentie",
        "",
        "<!-- Gemaakt door `python docs/gen_cli.py` uit de commando's zelf; niet met de hand bewerken. -->",
        "",
        _cell(group.help or ""),
        "",
        "## Algemene opties",
        "",
        "Deze staan vóór het commando, zoals in `wijkctl --data-dir DIR verbinder molenwijk`.",
        "",
        "| optie | betekenis |",
        "|---|---|",
    ]
    for param in group.get_params(ctx):
        lines.append(_param_row(param))
    for name, command, sub in _commands(group, ctx):
        pieces = " ".join(command.collect_usage_pieces(sub))
        lines += ["", f"## wijkctl {name}", "", f"`wijkctl {name} {pieces}`", "", _cell(command.help or ""), "",
                  "| argument of optie | betekenis |", "|---|---|"]
        lines += [_param_row(p) for p in command.get_params(sub)]
        lines += _examples(name)
    lines += ["", "## Uitvoer naar een pipe die sluit", "", PIPE]
    return "\n".join(lines) + "\n"


def _commands(group, ctx, prefix: str = ""):
    """(name, command, context) of every command, and of every subcommand after its group's
    (`regeling add` after `regeling`)."""
    for name, command in group.commands.items():
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        yield prefix + name, command, sub
        if hasattr(command, "commands"):
            yield from _commands(command, sub, f"{prefix}{name} ")


# how every command meets a reader that stops reading: documented once, here (cli.main does it)
PIPE = (
    "Stopt het programma dat de uitvoer leest (`wijkctl list | head -3`), dan stopt wijkctl stil, zonder melding, "
    "met exitcode 141, zoals de shell een door SIGPIPE gestopt programma meldt; elk commando doet dat zo. Was de "
    "wijziging van een schrijvend commando al opgeslagen, dan blijft de exitcode 0: de gegevens zijn geschreven. "
    "Een volle schijf of een andere schrijffout op stdout geeft een Nederlandse melding en exitcode 1 (0 als de "
    "wijziging al was opgeslagen)."
)


def _examples(name: str) -> list[str]:
    from wijkctl.voorbeelden import lines

    examples = lines(name)
    if not examples:
        return []
    block = [line for typed, wat in examples for line in (f"# {wat}", typed)]
    return ["", "Voorbeelden:", "", "```sh", *block, "```"]


def main() -> int:
    text = generate()
    if "--check" in sys.argv[1:]:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/cli.md is niet bij; draai: python docs/gen_cli.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
