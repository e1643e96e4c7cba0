"""`publish`: the public page of who covers which wijk, with its open data (CONTRACT §8)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated

import typer

from wijkctl import store, text
from wijkctl.commands.common import data_dir, message
from wijkctl.errors import Busy

_DirArg = Annotated[str, typer.Argument(metavar="MAP", help=(
    "De map van de website (bijvoorbeeld de webroot); wordt zo nodig aangemaakt. Alleen de eigen bestanden van "
    "publish worden er geschreven of opgeruimd."))]
_OnOpt = Annotated[str | None, typer.Option("--on", metavar="DATUM", show_default=False, help=(
    "De dag die de pagina beschrijft (standaard vandaag)."))]


def publish(ctx: typer.Context, map_: _DirArg, on: _OnOpt = None) -> None:
    """Schrijf de publieke pagina met de contactgegevens van wijkraden en wijkplatforms, en de open data."""
    from wijkctl import publish as site
    from wijkctl import publishdir
    from wijkctl.invoer import datum

    dag = datum(on, "--on") if on is not None else text.today()
    data = store.load(data_dir(ctx))
    texts = site.files(site.page(data, dag))
    folder = Path(map_)
    created = publishdir.prepare(folder)
    try:
        with _locked(folder):
            removed = publishdir.write(folder, texts)
    except BaseException:
        if created:  # a refusal leaves no trace, not even the folder it made
            with suppress(OSError):
                folder.rmdir()
        raise
    for warning in site.kern_addresses(data, dag):
        message(warning)
    weg = f"; opgeruimd: {', '.join(removed)}" if removed else ""
    message(f"Publieke pagina van {text.datum(dag)} geschreven in {folder}: {', '.join(sorted(texts))}{weg}.")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The data directory's lock (`store.locked`) on the site's folder, saying so when busy."""
    try:
        with store.locked(folder):
            yield
    except Busy:
        raise Busy(f"De map {folder} is bezet: een andere wijkctl publish schrijft er nu in. Probeer het zo "
                   "opnieuw; er is niets geschreven.") from None


COMMANDS = {"publish": publish}
