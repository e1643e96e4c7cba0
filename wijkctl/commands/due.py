"""`due`: what needs attention, for a cron job."""

from __future__ import annotations

from typing import Annotated

import typer

from wijkctl import store, text
from wijkctl.commands.common import OutputOpt, data_dir
from wijkctl.invoer import dagen, datum
from wijkctl.output import Block, Column, Format, Report, render


MAX_WITHIN = 3660  # ten years


def due(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="De dag waarop je kijkt (JJJJ-MM-DD of D-M-JJJJ); standaard vandaag.")] = None,
    within: Annotated[str, typer.Option("--within", metavar="DAGEN", help="Ook wat binnen zoveel dagen komt (0 tot en met 3660); standaard 30.")] = "30",
    output: OutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Wat aandacht vraagt: termijnen, te kleine kernen, organisaties die stoppen, oude cijfers, wijkraden; niets als niets speelt."""
    from wijkctl.due import due as items_due

    dag = datum(on, "--on") if on is not None else text.today()
    items = items_due(store.load(data_dir(ctx)), dag, dagen(within, "--within", MAX_WITHIN))
    rows = [item._asdict() for item in items]
    if output in (Format.table, Format.wide):  # one line per item, and nothing at all when nothing is due (cron mails output)
        for item in items:
            print(f"{item.datum.isoformat()}  {item.soort}  {item.melding}")
        return
    columns = [Column(k, k) for k in ("soort", "datum", "wijk", "organisatie", "melding")]
    render(Report(rows, [Block(columns, rows)]), output)


COMMANDS = {"due": due}
