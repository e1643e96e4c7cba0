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
    gebied: Annotated[str | None, typer.Option("--gebied", metavar="GEBIED", help="Alleen wat dit gebied (code of "
                                                                                   "naam) aangaat, en wat de hele "
                                                                                   "gemeente aangaat.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", metavar="SOORT", help="Alleen deze soort (herhaalbaar), "
                                                                                 "bijvoorbeeld kern_te_klein; dan elk "
                                                                                 "geval op een eigen regel.")] = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Wat aandacht vraagt: termijnen, te kleine kernen, organisaties die stoppen, oude cijfers, wijkraden;
    niets als niets speelt."""
    from wijkctl import due as d
    from wijkctl.dueitem import woorden
    from wijkctl.rules import match_gebied

    dag = datum(on, "--on") if on is not None else text.today()
    soorten = _soorten(kind or [])
    data = store.load(data_dir(ctx))
    code = match_gebied(data, gebied).code if gebied is not None else None
    items = d.select(d.due(data, dag, dagen(within, "--within", MAX_WITHIN)), code, soorten)
    rows = [item._asdict() for item in items]
    table_rows = [{**r, "soort_woorden": woorden(r["soort"])} for r in rows]
    # the table: one line per item (the many of one state summed up, unless that soort was
    # asked for), and nothing at all when nothing is due (cron mails output)
    lines = ([f"{i.datum.isoformat()}  {woorden(i.soort)}  {i.melding}" for i in items] if soorten
             else d.lines(items))
    columns = [Column("soort", "Soortcode", table=False), Column("soort_woorden", "Soort"),
               Column("datum", "Datum", "date"), Column("wijk", "Wijk"), Column("organisatie", "Organisatie"),
               Column("melding", "Melding"), Column("gebied", "Gebied", drop=2),
               Column("verbinder_email", "E-mail gebiedsverbinder", drop=1)]
    render(Report(rows, [Block(columns, table_rows, title="Aandacht")], plain=lines), output, file)



def _soorten(kinds: list[str]) -> list[str]:
    """The soorten asked for by --kind; an unknown one is exit 2, naming them all."""
    from wijkctl.due import SOORTEN
    from wijkctl.errors import UsageError

    for kind in kinds:
        if kind not in SOORTEN:
            raise UsageError(f"--kind: '{kind}' is geen soort; kies uit {', '.join(SOORTEN)}.")
    return kinds


COMMANDS = {"due": due}
