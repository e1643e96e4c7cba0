"""`python -m wijkctl`, and the console script `wijkctl` (pyproject.toml: `wijkctl.__main__:main`).

The cyclic garbage collector is paused from the first line: start-up (Typer, the command's
modules) builds some hundred thousand objects that live until the process ends and holds no
garbage, and the collector's passes over them — during the imports and once more when the
interpreter exits — cost a look-up about a tenth of what it does. `cli.main` freezes them
once the app is built (`gc.freeze`) and runs the command with the collector on as usual.
"""

import gc


def main() -> None:
    gc.disable()
    from wijkctl.cli import main as run

    run()


if __name__ == "__main__":
    main()
