"""`due`: what needs attention, for a cron job."""

from __future__ import annotations

from typing import Annotated

import typer

from wijkctl import store, text
from wijkctl.commands.common import FileOpt, OutputOpt, data_dir, parse_date
from wijkctl.errors import UsageError
from wijkctl.output import Block, Column, Report, render


def due(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="De dag waarop je kijkt (JJJJ-MM-DD); standaard vandaag.")] = None,
    within: Annotated[int, typer.Option("--within", metavar="DAGEN", help="Ook wat binnen zoveel dagen komt; standaard 30.")] = 30,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Wat aandacht vraagt: termijnen, te kleine kernen, organisaties die stoppen, oude cijfers, wijkraden; niets als niets speelt."""
    from wijkctl.due import due as items_due

    dag = parse_date(on, "--on") if on else text.today()
    if not 0 <= within <= 3660:
        raise UsageError(f"--within moet 0 tot 3660 dagen zijn, niet {within}.")
    items = items_due(store.load(data_dir(ctx)), dag, within)
    rows = [item._asdict() for item in items]
    # the table: one line per item, and nothing at all when nothing is due (cron mails output)
    lines = [f"{item.datum.isoformat()}  {item.soort}  {item.melding}" for item in items]
    columns = [Column("soort", "Soort"), Column("datum", "Datum", "date"), Column("wijk", "Wijk"),
               Column("organisatie", "Organisatie"), Column("melding", "Melding")]
    render(Report(rows, [Block(columns, rows, title="Aandacht")], plain=lines), output, file)


COMMANDS = {"due": due}
