"""`due`: what needs attention, for a cron job."""

from __future__ import annotations

from typing import Annotated

import typer

from wijkctl import store, text
from wijkctl.commands.common import FileOpt, OutputOpt, data_dir
from wijkctl.invoer import dagen, datum
from wijkctl.output import Block, Column, Report, render

MAX_WITHIN = 3660  # ten years


def due(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="De dag waarop je kijkt (JJJJ-MM-DD of "
                                                                         "D-M-JJJJ); standaard vandaag.")] = None,
    within: Annotated[str, typer.Option("--within", metavar="DAGEN", help="Ook wat binnen zoveel dagen komt (0 tot "
                                                                          "en met 3660); standaard 30.")] = "30",
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Wat aandacht vraagt: termijnen, te kleine kernen, organisaties die stoppen, oude cijfers, wijkraden;
    niets als niets speelt."""
    from wijkctl.due import due as items_due
    from wijkctl.dueitem import woorden

    dag = datum(on, "--on") if on is not None else text.today()
    items = items_due(store.load(data_dir(ctx)), dag, dagen(within, "--within", MAX_WITHIN))
    rows = [item._asdict() for item in items]
    table_rows = [{**r, "soort_woorden": woorden(r["soort"])} for r in rows]
    # the table: one line per item, and nothing at all when nothing is due (cron mails output)
    lines = [f"{item.datum.isoformat()}  {woorden(item.soort)}  {item.melding}" for item in items]
    columns = [Column("soort", "Soortcode", table=False), Column("soort_woorden", "Soort"),
               Column("datum", "Datum", "date"), Column("wijk", "Wijk"), Column("organisatie", "Organisatie"),
               Column("melding", "Melding")]
    render(Report(rows, [Block(columns, table_rows, title="Aandacht")], plain=lines), output, file)


COMMANDS = {"due": due}
