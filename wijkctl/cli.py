"""The Typer app: global options, one place that turns errors into exit codes.

Commands live in `wijkctl.commands`, one module per command (or close group); each
parses its options, calls the pure domain code and hands a Report to `output.render`.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from wijkctl import __version__, errors
from wijkctl.errors import OutputFailed


def _click_dutch() -> tuple[tuple[re.Pattern[str], Any], ...]:
    """(English pattern, Dutch message) pairs; compiled only when an error is shown."""
    return (
        (re.compile(r"^No such option: (.*?)(?: \(Possible options: "
                    r"(.*)\))?$"), lambda m: f"Onbekende optie {m[1]}" + (f" (bedoelde je {m[2]}?)" if m[2] else "")),
        (re.compile(r"^Missing command\.?$"), lambda m: "Geen commando opgegeven."),
        (re.compile(r"^Missing argument '?(.*?)'?\.?$"), lambda m: f"Argument {m[1]} ontbreekt."),
        (re.compile(r"^Missing option '?(.*?)'?\.?$"), lambda m: f"Optie {m[1]} ontbreekt."),
        (re.compile(r"^Missing parameter:? '?(.*?)'?\.?$"), lambda m: f"{m[1]} ontbreekt."),
        (re.compile(r"^Invalid value for (.*?): '?(.*?)'? is not one of (.*)\.$", re.S),
         lambda m: f"Ongeldige waarde voor {m[1]}: '{m[2]}' is geen van {m[3]}."),
        (re.compile(r"^Invalid value for (.*?): '?(.*?)'? is not a valid (integer|int|float)( range)?\.$", re.S),
         lambda m: f"Ongeldige waarde voor {m[1]}: '{m[2]}' is geen {'' if m[3] == 'float' else 'geheel '}getal."),
        (re.compile(r"^Invalid value for (.*?): (.*)$", re.S), lambda m: f"Ongeldige waarde voor {m[1]}: {m[2]}"),
        (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"), lambda m: "Onverwacht extra argument: "
            f"{m[1]}. Zet een naam met spaties tussen aanhalingstekens."),
        (re.compile(r"^No such command '([^']*)'\.(?: Did you mean (.*)\?)?$"),
         lambda m: f"Onbekend commando '{m[1]}'." + (f" Bedoelde je {m[2].replace(', ', ' of ')}?" if m[2] else "")),
        (re.compile(r"^Option '?(.*?)'? requires an argument\.?$"), lambda m: f"Optie {m[1]} heeft een waarde nodig."),
        (re.compile(r"^Option '?(.*?)'? requires (\d+) arguments\.?$"), lambda m: f"Optie {m[1]} heeft {m[2]} "
                                                                                  "waarden nodig."),
        (re.compile(r"^Option '?(.*?)'? does not take a value\.?$"), lambda m: f"Optie {m[1]} neemt geen waarde."),
    )


def dutch_usage_message(message: str) -> str:
    """Click's English usage errors in Dutch (Typer's bundled click has no translations)."""
    for pattern, replace in _click_dutch():
        m = pattern.match(message)
        if m:
            return replace(m)
    return message


def _dutch_help() -> None:
    """Dutch panel titles for Typer's Rich help; imported only when help is shown."""
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenten"
    rich_utils.OPTIONS_PANEL_TITLE = "Opties"
    rich_utils.COMMANDS_PANEL_TITLE = "Commando's"
    rich_utils.DEFAULT_STRING = "[standaard: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[verplicht]"
    rich_utils.ENVVAR_STRING = "[omgevingsvariabele: {}]"


_COMPLETION_HELP = {
    "install_completion": "Installeer tab-aanvulling voor je shell.",
    "show_completion": "Toon het aanvulscript voor je shell, om te kopiëren of aan te passen.",
}


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """Typer's installer, reporting in Dutch."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    print(f"Tab-aanvulling voor {shell} geïnstalleerd in {path}.")
    print("Ze werkt zodra je een nieuwe terminal opent.")
    sys.exit(0)


_USAGE_DUTCH = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "COMMANDO [ARGUMENTEN]..."}


class _Dutch:
    """Help, usage line and the built-in options in Dutch."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            choices = getattr(param.type, "choices", None)
            if choices and param.metavar is None:  # spaces between the choices: help wraps there, never inside one
                param.metavar = "{" + " | ".join(str(getattr(c, "value", c)) for c in choices) + "}"
            if param.name in _COMPLETION_HELP:
                param.help = _COMPLETION_HELP[param.name]
            if param.name == "install_completion":
                param.callback = _install_completion
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        # In Dutch; and Typer writes a required argument as {WIJK}, the usual notation is WIJK.
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_USAGE_DUTCH.get(p, p.replace("{", "").replace("}", "")) for p in pieces]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Gebruik: ")

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _dutch_help()
        if isinstance(self, TyperCommand) and self.epilog is None:  # the examples, read only for help
            from wijkctl import voorbeelden

            # a subcommand (`regeling add`) shows the examples of its command
            sub = ctx.parent is not None and ctx.parent.parent is not None
            self.epilog = voorbeelden.epilog((ctx.parent.info_name if sub else ctx.info_name) or self.name or "")
        super().format_help(ctx, formatter)  # type: ignore[misc]


class WijkctlCommand(_Dutch, TyperCommand):
    pass


class _Guarded:
    """stdout or stderr as wijkctl writes to them.

    A character the stream's encoding lacks is written as an escape instead of failing.
    A stream that fails is set aside (its descriptor pointed at /dev/null, so that
    Python's own flush at exit stays quiet); on stdout the failure is raised once as
    OutputFailed, on stderr it is swallowed, as there is nowhere left to report it.
    """

    def __init__(self, stream: Any, *, fatal: bool):
        self._stream, self._fatal, self._dead = stream, fatal, False
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if stream is not None and encoding != "utf8":
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                try:
                    reconfigure(errors="backslashreplace")
                except (ValueError, OSError):  # pragma: no cover - an odd stream
                    pass

    def write(self, text: str) -> int:
        return self._do(lambda: self._stream.write(text), text)

    def flush(self) -> None:
        self._do(lambda: self._stream.flush(), "")

    def write_bytes(self, data: bytes) -> None:
        """Binary output (a spreadsheet) through the same guard, after any text before it."""
        def both() -> None:
            self._stream.flush()
            self._stream.buffer.write(data)
            self._stream.buffer.flush()

        self._do(both, "")

    def _do(self, action: Any, text: str) -> Any:
        import errno

        if self._dead:
            return len(text)
        if self._stream is None:  # closed before wijkctl started
            self._dead = True
            if self._fatal:
                raise OutputFailed(OSError(errno.EBADF, "gesloten"))
            return len(text)
        try:
            return action()
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            safe = text.encode(encoding, "backslashreplace").decode(encoding)
            return self._do(lambda: self._stream.write(safe), text)
        except (OSError, ValueError) as exc:
            self._set_aside()
            if self._fatal:
                raise OutputFailed(exc if isinstance(exc, OSError) else OSError(errno.EBADF, "gesloten")) from None
            return len(text)

    def _set_aside(self) -> None:
        self._dead = True
        try:
            fd = self._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass

    def isatty(self) -> bool:
        try:
            return not self._dead and self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _bad_argument(argv: list[str]) -> str | None:
    """A Dutch message for the first argument wijkctl refuses to take, if any."""
    from wijkctl.text import control_character, printable

    for arg in argv:
        teken = control_character(arg)
        if teken is None:
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            return f"Fout: argument '{printable(arg)}' is geen geldige UTF-8-tekst."
        return f"Fout: argument '{printable(arg)}' bevat een stuurteken ({teken}); dat neemt wijkctl niet aan."
    return None


def _help_to_stderr(ctx: Any) -> None:
    """The help for a bare `wijkctl`: an error (exit 2), so on stderr, and once."""
    from contextlib import redirect_stdout

    with redirect_stdout(sys.stderr):
        text = ctx.get_help()  # Typer's rich help prints itself and returns ""
        if text:
            print(text)


class WijkctlGroup(_Dutch, TyperGroup):
    """Runs a command and maps every error to the contract's exit code (CONTRACT §4)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            _help_to_stderr(ctx)
            raise typer.Exit(errors.USAGE)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        return (command.name if command is not None else name), command, rest

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        saved = sys.stdout, sys.stderr
        sys.stdout = _Guarded(sys.stdout, fatal=True)  # type: ignore[assignment]
        sys.stderr = _Guarded(sys.stderr, fatal=False)  # type: ignore[assignment]
        try:
            code = self._run(args, prog_name, complete_var, **extra)
            try:
                sys.stdout.flush()
            except OutputFailed as exc:
                code = _output_failed(exc, code)
        finally:
            sys.stdout, sys.stderr = saved
        sys.exit(code if isinstance(code, int) else 0)

    def _run(self, args: Any, prog_name: Any, complete_var: Any, **extra: Any) -> Any:
        from typer._click import exceptions as click_exc

        args = hoist_globals(sys.argv[1:] if args is None else list(args))
        report = _Reporter(asks_json(args))
        bad = _bad_argument(args)
        if bad:
            return report(bad, errors.USAGE)
        try:
            code = super().main(args=args, prog_name=prog_name or "wijkctl", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except OutputFailed as exc:
            code = _output_failed(exc, errors.OK, report)
        except errors.WijkctlError as exc:
            code = report(exc.message, exc.exit_code, exc.details)
        except click_exc.UsageError as exc:
            hint = f"Zie '{exc.ctx.command_path} --help' voor hulp." if exc.ctx is not None else None
            code = report("Fout: " + dutch_usage_message(exc.format_message()), exc.exit_code, hint=hint)
        except click_exc.ClickException as exc:
            code = report("Fout: " + exc.format_message(), exc.exit_code)
        except typer.Abort:
            code = report("Afgebroken.", errors.INTERNAL)
        except KeyboardInterrupt:
            code = report("Afgebroken.", 130)
        except Exception as exc:  # a bug: say so briefly, trace only on request
            if os.environ.get("WIJKCTL_DEBUG") == "1":
                import traceback

                traceback.print_exc()
            code = report(f"Interne fout in wijkctl: {type(exc).__name__}: {exc}. "
                          "Zet WIJKCTL_DEBUG=1 voor de volledige traceback en meld dit.", errors.INTERNAL)
        return code


class WijkctlSubGroup(WijkctlGroup):
    """A command with subcommands (`wijkctl regeling add`), which take their Dutch aliases too."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return TyperGroup.get_command(self, ctx, SUB_ALIASES.get(self.name or "", {}).get(cmd_name, cmd_name))


def asks_json(argv: list[str]) -> bool:
    """Whether the command line asks for `-o json` (the last -o counts, as for click):
    then an error is JSON too."""
    wanted = None
    args = iter(argv)
    for arg in args:
        if arg == "--":
            break
        if arg in ("-o", "--output"):
            wanted = next(args, None)
        elif arg.startswith("--output="):
            wanted = arg.split("=", 1)[1]
        elif arg.startswith("-o") and not arg.startswith("--"):
            wanted = arg[2:].lstrip("=")
    return wanted is not None and wanted.strip() == "json"


class _Reporter:
    """Says an error on stderr, as text or (under `-o json`) as
    `{"fout": {"melding", "code", "details"?}}`; returns the exit code."""

    def __init__(self, as_json: bool):
        self.as_json = as_json

    def __call__(self, message: str, code: int, details: list[str] | None = None, hint: str | None = None) -> int:
        from wijkctl.text import printable

        if self.as_json:
            from wijkctl.output import to_json

            fout: dict[str, Any] = {"melding": message, "code": code}
            if details:
                fout["details"] = list(details)
            sys.stderr.write(to_json({"fout": fout}))
            return code
        print(printable(message, keep_newlines=True), file=sys.stderr)
        for line in details or []:
            print(f"  {printable(line, keep_newlines=True)}", file=sys.stderr)
        if hint:
            print(hint, file=sys.stderr)
        return code


def _output_failed(exc: OutputFailed, code: Any, report: _Reporter | None = None) -> int:
    """The exit code when stdout failed: a write that landed stays a success (`exc.landed`,
    set by `commands.common.after_write` around what a write prints)."""
    import errno

    landed = exc.landed
    if exc.error.errno == errno.EPIPE:  # the reader stopped reading (`| head`): quiet
        return errors.OK if landed else 141  # 141: as the shell reports death by SIGPIPE
    from wijkctl.fileio import reason

    result = (code if isinstance(code, int) else errors.OK) if landed else errors.INTERNAL
    (report or _Reporter(False))(f"Kan de uitvoer niet schrijven: {reason(exc.error)}."
                                 + (" De wijziging is wel opgeslagen." if landed else ""), result)
    return result


def _version(value: bool) -> None:
    if value:
        print(f"wijkctl {__version__}")
        raise typer.Exit()


def _global(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,
        typer.Option("--data-dir", metavar="MAP", help="De gegevensmap (anders $WIJKCTL_DATA, anders de "
                                                       "dichtstbijzijnde data/)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Toon de versie en stop.")
    ] = False,
) -> None:
    """Beheer wijkplatforms, wijkraden, gebiedsverbinders en subsidies."""
    ctx.obj = {"data_dir": data_dir}


# command name -> the module in wijkctl.commands that defines it
COMMANDS = {
    "verbinder": "lookup", "list": "lookup", "show": "lookup",
    "register": "lifecycle", "convert": "lifecycle", "update": "lifecycle", "end": "lifecycle",
    "subsidy": "subsidy", "check": "check", "fmt": "check", "import-cbs": "importcbs", "init": "init",
    "set-verbinder": "gebied", "unregister": "lifecycle", "due": "due", "edit": "edit",
    "merge-driver": "gitcmds", "git-setup": "gitcmds", "diff": "gitcmds",
    "apply": "grants", "award": "grants", "refuse": "grants", "pay": "grants", "account": "grants",
    "settle": "grants", "correct": "grants", "grants": "grantsview", "payments": "grantsview",
    "add-wijk": "map", "add-buurt": "map", "rename": "map", "move-wijk": "map", "add-gebied": "map",
    "remove-buurt": "map", "remove-wijk": "map", "remove-gebied": "map", "publish": "publish",
    "help": "helpcmd", "commit": "sync", "sync": "sync", "regeling": "regeling",
}
# Dutch alias -> command; help lists each command once, naming its alias.
ALIASES = {
    "lijst": "list", "toon": "show", "registreer": "register", "omzetten": "convert", "bijwerken": "update",
    "beeindig": "end", "beëindig": "end", "subsidie": "subsidy", "controleer": "check", "opmaak": "fmt",
    "importeer-cbs": "import-cbs", "initialiseer": "init", "zet-verbinder": "set-verbinder",
    "gebiedsverbinder": "verbinder", "verwijder": "unregister", "aandacht": "due",
    "bewerk": "edit", "samenvoeg-driver": "merge-driver", "git-instellen": "git-setup",
    "verschil": "diff", "aanvraag": "apply", "verleen": "award", "weiger": "refuse", "betaal": "pay",
    "verantwoord": "account", "vaststel": "settle", "corrigeer": "correct", "subsidies": "grants",
    "betalingen": "payments", "voeg-wijk-toe": "add-wijk", "voeg-buurt-toe": "add-buurt", "hernoem": "rename",
    "verplaats-wijk": "move-wijk", "voeg-gebied-toe": "add-gebied", "verwijder-buurt": "remove-buurt",
    "verwijder-wijk": "remove-wijk", "verwijder-gebied": "remove-gebied", "publiceer": "publish",
    "hulp": "help", "leg-vast": "commit", "synchroniseer": "sync", "subsidieregeling": "regeling",
}
# a group's Dutch aliases for its subcommands (`wijkctl regeling wijzig` = `wijkctl regeling set`)
SUB_ALIASES = {"regeling": {"toevoegen": "add", "voeg-toe": "add", "wijzig": "set"}}
GLOBAL_OPTIONS = ("--data-dir",)  # global options that take a value


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or only the command `only`.

    Building a command costs an import and Typer's reading of its signature, so a run
    builds just the command it runs; help, completion and tests get them all.
    """
    import importlib

    app = typer.Typer(
        name="wijkctl",
        cls=WijkctlGroup,
        help="Beheer wijkplatforms, wijkraden, gebiedsverbinders en subsidies.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_global)
    only = ALIASES.get(only, only) if only else None
    for name in [only] if only in COMMANDS and only != "help" else COMMANDS:  # help shows them all
        module = importlib.import_module(f"wijkctl.commands.{COMMANDS[name]}")
        function = module.COMMANDS[name]
        aliases = [a for a, c in ALIASES.items() if c == name]
        short = (module.GROUP_HELP[name] if isinstance(function, dict) else function.__doc__ or "").strip()
        short_help = f"{short.splitlines()[0]} (ook: {', '.join(aliases)})" if aliases else None
        if isinstance(function, dict):  # subcommands: `wijkctl regeling add`
            app.add_typer(_group(name, function), name=name, help=module.GROUP_HELP[name], short_help=short_help)
        else:
            app.command(name, cls=WijkctlCommand, short_help=short_help)(function)
    return app


def _group(name: str, functions: dict[str, Any]) -> typer.Typer:
    """The Typer app of a command with subcommands, each under its name and listing its aliases."""
    group = typer.Typer(cls=WijkctlSubGroup, no_args_is_help=True, rich_markup_mode="rich",
                        context_settings={"help_option_names": ["-h", "--help"]})
    for sub, function in functions.items():
        aliases = [a for a, c in SUB_ALIASES.get(name, {}).items() if c == sub]
        short = (function.__doc__ or "").strip().splitlines()[0]
        group.command(sub, cls=WijkctlCommand, short_help=f"{short} (ook: {', '.join(aliases)})" if aliases
                      else None)(function)
    return group


def hoist_globals(argv: list[str]) -> list[str]:
    """`argv` with the global options moved before the command name, so that they may
    stand before or after it (`wijkctl list --data-dir x` = `wijkctl --data-dir x list`)."""
    command = _command_index(argv)
    if command is None:
        return argv
    head, tail, rest = argv[:command], [argv[command]], iter(argv[command + 1:])
    for arg in rest:
        if arg == "--":
            tail += [arg, *rest]
            break
        if arg in GLOBAL_OPTIONS:
            value = next(rest, None)
            if value is None:  # no value: left where it is, for the command to refuse (exit 2)
                tail.append(arg)
            else:
                head += [arg, value]
        elif arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            head.append(arg)
        else:
            tail.append(arg)
    return head + tail


def _command_index(argv: list[str]) -> int | None:
    args = iter(enumerate(argv))
    for i, arg in args:
        if arg in GLOBAL_OPTIONS:
            next(args, None)
        elif not arg.startswith("-"):
            return i
        elif arg in ("-h", "--help", "--version") or arg.endswith("-completion"):
            return None
    return None


def _command_in(argv: list[str]) -> str | None:
    """The command named in `argv` after the global options, if any."""
    i = _command_index(argv)
    return None if i is None else argv[i]


def __getattr__(name: str) -> typer.Typer:
    """`wijkctl.cli.app`: the full app, for tests, docs and embedding."""
    if name == "app":
        global app
        app = build_app()
        return app
    raise AttributeError(name)


def main() -> None:
    """The console script (through `wijkctl.__main__`, which pauses the collector before
    Typer is imported). A reader that stops reading (`wijkctl list | head`) is met as
    an ordinary condition by `_Guarded`, never by a SIGPIPE that could kill a writer
    after its write."""
    if any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ):
        # completion runs on every Tab: the words typed so far name the command
        typed = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
        argv = typed.split()[1:]
    else:
        argv = sys.argv[1:]
    import gc

    gc.disable()
    app = build_app(_command_in(argv))
    # What start-up built (Typer, click, the command's modules) lives as long as the process:
    # frozen, the collector never scans it again, neither while the command runs nor at exit.
    gc.freeze()
    gc.enable()
    app()
