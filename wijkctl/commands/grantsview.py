"""`grants` and `payments`: the subsidy year as finance reads it (CONTRACT §7). Read only: this
module imports nothing of the write path (`transaction`, the YAML), so a read served from the
cache imports no YAML library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

import typer

from wijkctl import invoer, model, rules, store, subsidy, text
from wijkctl.commands.common import FileOpt, OutputOpt, data_dir
from wijkctl.errors import NotFound
from wijkctl.output import Block, Column, Format, Report, json_item, json_list, render
from wijkctl.text import euro

Status = Enum("Status", {v: v for v in ("aangevraagd", "verleend", "geweigerd", "verantwoord",  # type: ignore[misc]
                                          "vastgesteld", "afgerond", "ingetrokken")}, type=str)
MONEY = ("berekend", "verleend", "betaald", "vastgesteld", "saldo")
_STAP = {"besluit": "besluit (award/refuse)", "verantwoording": "verantwoording (account)",
         "vaststelling": "vaststelling (settle)", "betaling": "betaling (pay)",
         "terugbetaling": "terugbetaling (pay --kind terugbetaling)"}


# (here, not in commands/grants.py: a read needs none of what the steps import, the write path and the YAML)
def regeling_of(data: model.Dataset, jaar: int) -> model.Regeling | None:
    """The regeling in force in `jaar`, or None."""
    try:
        return subsidy.regeling_voor(data.regelingen, jaar)
    except NotFound:
        return None


def public_record(record: Any, regeling: model.Regeling | None, plain: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record as in the YAML plus what is derived (status, betaald, saldo, next step);
    `plain`: the record's plain form as read, when known (`Dataset.as_read`)."""
    from wijkctl import subsidiejaar
    from wijkctl.schema import FILES, SUBSIDIES, to_plain

    if plain is None:
        plain = to_plain(record, FILES[SUBSIDIES].schema, iso=True)
    return {**plain, **subsidiejaar.afgeleid(record, regeling)}


def _org(wijken: dict[str, model.Wijk], s: Any) -> model.Organisatie | None:
    w = wijken.get(s.wijk)
    return next((o for o in w.organisaties if o.id == s.organisatie), None) if w else None


def _row(s: Any, wijken: dict[str, model.Wijk], regeling: model.Regeling | None) -> dict[str, Any]:
    """One record as a row: who, what was decided and paid, and what comes next."""
    from wijkctl import subsidiejaar

    w, org = wijken.get(s.wijk), _org(wijken, s)
    nxt = subsidiejaar.volgende(s, regeling)
    kenmerk = (s.besluit.kenmerk if s.besluit else None) or (s.aanvraag.kenmerk if s.aanvraag else None)
    return {
        "id": s.id, "jaar": s.jaar, "wijk": s.wijk, "wijk_naam": w.naam if w else s.wijk,
        "gebied": w.gebied if w else None, "platform": org.naam if org else s.organisatie,
        "organisatie": s.organisatie, "rechtsvorm": org.rechtsvorm if org else None, "kvk": org.kvk if org else None,
        "kenmerk": kenmerk, "status": subsidiejaar.status(s),
        "berekend": s.berekening.bedrag if s.berekening else None, "verleend": s.verleend,
        "betaald": subsidiejaar.betaald(s), "vastgesteld": s.vaststelling.bedrag if s.vaststelling else None,
        "saldo": subsidiejaar.saldo(s), "volgende_stap": _STAP.get(nxt.stap, nxt.stap) if nxt.stap else None,
        "volgende_datum": nxt.datum, "opmerking": nxt.reden,
    }


GRANT_COLUMNS = [
    Column("id", "Id", table=False), Column("jaar", "Jaar", "year", drop=6), Column("wijk", "Wijkcode", table=False),
    Column("wijk_naam", "Wijk"), Column("gebied", "Gebiedscode", table=False), Column("platform", "Platform", drop=5),
    Column("organisatie", "Id platform", table=False), Column("rechtsvorm", "Rechtsvorm", table=False),
    Column("kvk", "KvK", table=False), Column("kenmerk", "Kenmerk", drop=4), Column("status", "Status"),
    Column("berekend", "Berekend", "money", drop=3), Column("verleend", "Verleend", "money"),
    Column("betaald", "Betaald", "money"), Column("vastgesteld", "Vastgesteld", "money", drop=2),
    Column("saldo", "Saldo", "money"), Column("volgende_stap", "Volgende stap", drop=1),
    Column("volgende_datum", "Uiterlijk", "date", drop=1),  # unknown: the Opmerking says why
    Column("opmerking", "Opmerking", drop=7),
]


def _plafonds(data: model.Dataset, jaren: list[int]) -> list[dict[str, Any]]:
    """Per year shown: the plafond, the total verleend that year (over every record) and what is left."""
    from wijkctl import subsidiejaar

    out = []
    for jaar in jaren:
        regeling = regeling_of(data, jaar)
        verleend = subsidiejaar.verleend_in(data.where("subsidies", jaar=jaar), jaar)
        plafond = regeling.plafond if regeling else None
        out.append({"jaar": jaar, "plafond": plafond, "verleend": verleend,
                    "over": None if plafond is None else plafond - verleend})
    return out


def _totals(rows: list[dict[str, Any]], plafonds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totaal = {"wijk_naam": "Totaal", **{k: sum(r[k] or 0 for r in rows) for k in MONEY}}
    out = [totaal]
    for p in plafonds:
        if p["plafond"] is not None:
            out += [{"wijk_naam": f"Plafond {p['jaar']}", "verleend": p["plafond"]},
                    {"wijk_naam": f"Nog te verlenen {p['jaar']}", "verleend": p["over"]}]
    return out


def _notes(rows: list[dict[str, Any]], plafonds: list[dict[str, Any]]) -> list[str]:
    notes = [] if rows else ["Geen subsidies die passen bij de keuze."]
    for p in plafonds:
        if p["plafond"] is None:
            notes.append(f"{p['jaar']}: {euro(p['verleend'])} verleend; de regeling noemt geen plafond.")
        else:
            notes.append(f"{p['jaar']}: {euro(p['verleend'])} verleend van het plafond van {euro(p['plafond'])}; "
                         f"nog {euro(p['over'])} over." if p["over"] >= 0 else
                         f"{p['jaar']}: {euro(p['verleend'])} verleend, {euro(-p['over'])} BOVEN het plafond.")
    onbekend = sorted({r["opmerking"] for r in rows if r["opmerking"]})
    notes += [f"Niet te berekenen: {o}." for o in onbekend]
    return notes


def grants(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", "-j", metavar="JAAR", help="Alleen dit subsidiejaar.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Alleen subsidies met deze status.")] = None,
    gebied: Annotated[str | None, typer.Option(
        "--gebied", metavar="GEBIED", help="Alleen de wijken van dit gebied.")] = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Overzicht van de subsidies: status, verleend, betaald, saldo, de volgende stap, het plafond."""
    from wijkctl.schema import paused_gc

    jaar = invoer.jaar(year, "--year") if year is not None else None
    # thousands of records and rows, none in a reference cycle: the collector's passes over
    # them cost more than making them (as `schema.paused_gc` says of the parser)
    with paused_gc():
        _grants(ctx, jaar, status, gebied, output, file)


def _json_items(data: model.Dataset) -> Callable[[list, list[dict]], list[str]]:
    """How `grants -o json` writes each record (`output.json_item` of `public_record`)."""
    def make(records: list, plains: list[dict]) -> list[str]:
        regelingen = {j: regeling_of(data, j) for j in {s.jaar for s in records}}
        return [json_item(public_record(s, regelingen[s.jaar], p)) for s, p in zip(records, plains, strict=True)]

    return make


def _grants(ctx: typer.Context, jaar: int | None, status: Status | None, gebied: str | None, output: Format,
            file: Any) -> None:
    from wijkctl import subsidiejaar

    data = store.load(data_dir(ctx))
    code = rules.match_gebied(data, gebied).code if gebied is not None else None
    # json and yaml print the records alone: the rows (names, totals, notes) are for tables and
    # spreadsheets, and without --gebied they need no wijk
    fmt = Format(getattr(output, "value", output))
    tabel = fmt not in (Format.json, Format.yaml)
    if fmt == Format.json and code is None and status is None:
        texts = data.rendered("subsidies", "grants-json", {"jaar": jaar} if jaar is not None else {}, _json_items(data))
        if texts is not None:  # the records' texts as the first run made them: a function of the data alone
            render(Report(json_list(texts), []), output, file)
            return
    wijken = {w.code: w for w in data.wijken} if tabel or code is not None else {}
    records = data.of("subsidies") if jaar is None else data.where("subsidies", jaar=jaar)
    gekozen = [s for s in records if code is None or (s.wijk in wijken and wijken[s.wijk].gebied == code)]
    if status is not None:
        gekozen = [s for s in gekozen if subsidiejaar.status(s) == status.value]
    regelingen = {j: regeling_of(data, j) for j in {s.jaar for s in gekozen}}
    plains = data.as_read("subsidies", gekozen) or [None] * len(gekozen)
    payload = [public_record(s, regelingen[s.jaar], p) for s, p in zip(gekozen, plains)]
    if not tabel:
        render(Report(payload, []), output, file)
        return
    rows = [_row(s, wijken, regelingen[s.jaar]) for s in gekozen]
    plafonds = _plafonds(data, sorted({r["jaar"] for r in rows} | ({jaar} if jaar else set())))
    block = Block(GRANT_COLUMNS, rows, totals=_totals(rows, plafonds), sheet="Subsidies")
    render(Report(payload, [block], _notes(rows, plafonds)), output, file)


PAYMENT_COLUMNS = [
    Column("datum", "Datum", "date"), Column("jaar", "Subsidiejaar", "year"), Column("wijk", "Wijkcode", table=False),
    Column("wijk_naam", "Wijk", drop=2), Column("platform", "Platform"),
    Column("organisatie", "Id platform", table=False),
    Column("kvk", "KvK", table=False), Column("soort", "Soort"), Column("kenmerk", "Kenmerk", drop=1),
    Column("bedrag", "Bedrag", "money"), Column("id", "Subsidie", table=False),
]


def _payment_rows(data: model.Dataset, jaar: int | None, van: dt.date | None, tot: dt.date | None) -> list[dict]:
    wijken = {w.code: w for w in data.wijken}
    rows = []
    for s in data.of("subsidies") if jaar is None else data.where("subsidies", jaar=jaar):
        org = _org(wijken, s)
        for b in s.betalingen:
            if (van is None or b.datum >= van) and (tot is None or b.datum <= tot):
                rows.append({"datum": b.datum, "jaar": s.jaar, "wijk": s.wijk,
                             "wijk_naam": wijken[s.wijk].naam if s.wijk in wijken else s.wijk,
                             "platform": org.naam if org else s.organisatie, "organisatie": s.organisatie,
                             "kvk": org.kvk if org else None, "soort": b.soort, "kenmerk": b.kenmerk,
                             "bedrag": -b.bedrag if b.soort == "terugbetaling" else b.bedrag, "id": s.id})
    return sorted(rows, key=lambda r: (r["datum"], r["id"]))


def payments(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", "-j", metavar="JAAR", help="Alleen dit subsidiejaar.")] = None,
    from_: Annotated[str | None, typer.Option(
        "--from", metavar="DATUM", help="Vanaf deze dag (die dag telt mee).")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATUM", help="Tot en met deze dag.")] = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Elke betaling op datum, met platform, soort en kenmerk, en de totalen: voor de financiële administratie."""
    jaar = invoer.jaar(year, "--year") if year is not None else None
    van = invoer.datum(from_, "--from") if from_ is not None else None
    tot = invoer.datum(to, "--to") if to is not None else None
    if van is not None and tot is not None and tot < van:
        from wijkctl.errors import UsageError

        raise UsageError(f"--to ({text.datum(tot)}) ligt vóór --from ({text.datum(van)}).")
    rows = _payment_rows(store.load(data_dir(ctx)), jaar, van, tot)
    uit = sum(r["bedrag"] for r in rows if r["bedrag"] > 0)
    terug = -sum(r["bedrag"] for r in rows if r["bedrag"] < 0)
    totals = [{"platform": "Betaald", "bedrag": uit}, {"platform": "Terugbetaald", "bedrag": -terug},
              {"platform": "Per saldo", "bedrag": uit - terug}]
    notes = [f"{len(rows)} betalingen: {euro(uit)} betaald, {euro(terug)} terugbetaald, per saldo {euro(uit - terug)}."]
    payload = {"betalingen": [{**r, "datum": r["datum"].isoformat()} for r in rows],
               "betaald": uit, "terugbetaald": terug, "per_saldo": uit - terug}
    render(Report(payload, [Block(PAYMENT_COLUMNS, rows, totals=totals, sheet="Betalingen")], notes), output, file)


COMMANDS = {"grants": grants, "payments": payments}
