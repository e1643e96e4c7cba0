"""`subsidy`: what each wijkplatform gets, and why."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wijkctl import invoer, rules, store, text
from wijkctl import subsidy as engine
from wijkctl.commands.common import FileOpt, OutputOpt, complete_wijk, data_dir
from wijkctl.output import Block, Column, Format, Report, render
from wijkctl.text import aantal, euro


def _entry(u: engine.Uitkomst, gebieden: dict[str, str], explain: bool, zonder_platform: str | None,
           deadline: Any) -> dict[str, Any]:
    """One wijk's subsidy as scripts read it (JSON, YAML); table and CSV rows derive from it
    (`deadline`: the regeling's `aanvragen_voor` in the year, the same for every entry)."""
    entry: dict[str, Any] = {
        "wijk": u.wijk.code,
        "naam": u.wijk.naam,
        "gebied": u.wijk.gebied,
        "gebied_naam": gebieden.get(u.wijk.gebied, u.wijk.gebied),
        "platform": u.platform.naam if u.platform else None,
        "organisatie": u.platform.id if u.platform else None,
        "buurten": (u.platform.buurten or None) if u.platform else None,
        "rechtsvorm": u.platform.rechtsvorm if u.platform else None,
        "kvk": u.platform.kvk if u.platform else None,
        "maanden": u.maanden,
        "basisbedrag": u.regeling.basisbedrag,
        "toeslagen": [
            {"naam": t.naam, "maatstaf": t.maatstaf, "waarde": t.waarde, "bedrag": t.bedrag,
             "vergeleken_met": t.vergeleken, "drempel": t.drempel}
            for t in u.toeslagen
        ],
        "maximum": u.regeling.maximum,
        "bedrag": u.bedrag,
        "onvolledig": u.onvolledig,
        "indicatief": u.indicatief,
        "aanvraagtermijn_verstreken": u.termijn_verstreken,
        "aanvragen_voor": deadline,
    }
    if explain:
        entry["uitleg"] = engine.uitleg(u, zonder_platform)
    return entry


def _entries(data: Any, ov: engine.Overzicht, explain: bool) -> list[dict[str, Any]]:
    """Each platform's entry, with what was recorded for it in the year beside it."""
    gebieden = {g.code: g.naam for g in data.gebieden}
    deadline = ov.regeling.deadline(ov.jaar)
    entries = [_entry(u, gebieden, explain, ov.zonder_platform, deadline) for u in ov.uitkomsten]
    recorded = {s.organisatie: s for s in data.where("subsidies", jaar=ov.jaar)}
    for entry in entries:
        if entry["organisatie"] in recorded:
            _recorded(entry, recorded[entry["organisatie"]])
    return entries


def _as_json(entries: list[dict[str, Any]]) -> None:
    """The Decimals and the day in `entries` as json and yaml write them (`output._plain_json`),
    in place, each object once: every entry shares the year's averages (a toeslag's `drempel`)
    and deadline, which the renderer would otherwise convert once per platform."""
    from wijkctl.output import _plain_json

    done: dict[int, tuple[Any, Any]] = {}  # id -> (the object, kept alive while its id is a key; its JSON value)

    def plain(value: Any) -> Any:
        if value is None:
            return None
        found = done.get(id(value))
        if found is None:
            found = done[id(value)] = (value, _plain_json(value))
        return found[1]

    for entry in entries:
        entry["aanvragen_voor"] = plain(entry["aanvragen_voor"])
        for t in entry["toeslagen"]:
            t["waarde"], t["drempel"] = plain(t["waarde"]), plain(t["drempel"])


def _recorded(entry: dict[str, Any], s: Any) -> None:
    """Beside today's computation, what was recorded for this platform and year: the
    frozen berekening of the application and the besluit (CONTRACT §7), as in the YAML."""
    from wijkctl import subsidiejaar
    from wijkctl import subsidiemodel as sm
    from wijkctl.schema import schema_of, to_plain

    entry["subsidie"] = s.id
    entry["status"] = subsidiejaar.status(s)
    entry["berekening"] = to_plain(s.berekening, schema_of(sm.Berekening), iso=True) if s.berekening else None
    entry["besluit"] = to_plain(s.besluit, schema_of(sm.Besluit), iso=True) if s.besluit else None


def _recorded_lines(entry: dict[str, Any]) -> list[str]:
    """The frozen berekening and the besluit of one entry, in words."""
    from wijkctl.text import datum

    b, besluit = entry["berekening"], entry["besluit"]
    wie = f"{entry['platform']} ({entry['naam']})"
    lines = []
    if b is not None:
        lines.append(f"{wie}: bij de aanvraag berekend op {datum(_day(b['datum']))} (regeling {b['regeling']}, "
                     f"{aantal(b['maanden'], 'maand', 'maanden')}): {euro(b['bedrag'])}; "
                     f"vandaag berekend: {euro(entry['bedrag'])}.")
    if besluit is not None:
        wat = f"{euro(besluit['bedrag'])} verleend" if besluit["soort"] == "verleend" else "geweigerd"
        lines.append(f"{wie}: besluit van {datum(_day(besluit['datum']))}: {wat}; dat besluit blijft staan, "
                     "ook als cijfers of regeling later veranderen.")
    return lines


def _day(iso: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _toeslag_key(naam: str) -> str:
    """A toeslag's CSV column: plain, as a spreadsheet formula or a script would name it."""
    return "toeslag_" + text.slug(naam).replace("-", "_")


def _row(jaar: int, entry: dict[str, Any], regeling: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """An entry flattened for a table or CSV: one column per toeslag (`keys`: their
    columns, in the order of the regeling), the regeling, and a remark."""
    row = {"jaar": jaar, **{k: v for k, v in entry.items()
                            if k not in ("toeslagen", "uitleg", "buurten", "berekening", "besluit")}}
    if entry.get("berekening"):
        row["berekend"] = entry["berekening"]["bedrag"]
    if entry.get("besluit"):
        row["verleend"] = entry["besluit"]["bedrag"] if entry["besluit"]["soort"] == "verleend" else 0
    row["buurten"] = ", ".join(entry["buurten"] or [])
    for key, t in zip(keys, entry["toeslagen"], strict=True):
        row[key] = t["bedrag"]
    row.update(regeling=regeling["naam"], regeling_jaar=regeling["jaar"], regeling_status=regeling["status"])
    row["opmerking"] = "; ".join(s for s, on in (
        ("indicatief", entry["indicatief"]),
        ("onvolledig", entry["onvolledig"]),
        ("termijn verstreken", entry["aanvraagtermijn_verstreken"]),
    ) if on)
    return row


def subsidy(
    ctx: typer.Context,
    wijken: Annotated[
        list[str] | None,
        typer.Argument(metavar="[WIJK]...", help="Een of meer wijken; zonder WIJK alle wijken met een wijkplatform "
                                                 "in het jaar.",
                       autocompletion=complete_wijk, show_default=False),
    ] = None,
    year: Annotated[str | None, typer.Option("--year", "-j", metavar="JAAR", help="Het subsidiejaar; standaard het "
                                                                                  "huidige jaar.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Leg de berekening stap voor stap uit.")] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Bereken de subsidie per wijkplatform en het totaal, met --explain de hele berekening."""
    from wijkctl.schema import paused_gc

    jaar = invoer.jaar(year, "--year") if year is not None else text.today().year
    # thousands of records and entries, none in a reference cycle: the collector's passes
    # over them cost more than making them (as `schema.paused_gc` says of the parser)
    with paused_gc():
        _subsidy(ctx, wijken, jaar, explain, output, file)


def _subsidy(ctx: typer.Context, wijken: list[str] | None, jaar: int, explain: bool, output: Format,
             file: Any) -> None:
    data = store.load(data_dir(ctx))
    gekozen = None
    if wijken:
        gekozen = []
        for query in wijken:
            w = rules.match_wijk(data, query)
            if w not in gekozen:
                gekozen.append(w)
    ov = engine.overzicht(data, jaar, gekozen)
    r = ov.regeling
    entries = _entries(data, ov, explain)
    onbekend = _unknown_terms(r) if explain else []
    payload = {
        "jaar": jaar,
        "regeling": {"jaar": r.jaar, "status": r.status, "naam": r.naam, "bron": r.bron,
                     "aanvragen_voor": r.deadline(jaar)},
        "subsidies": entries,
        "totaal": ov.totaal,
        "plafond": r.plafond,
        "plafond_saldo": ov.plafond_saldo,
    }
    if explain:
        payload["regeling"]["niet_te_berekenen"] = onbekend
    keys = [_toeslag_key(t.naam) for t in r.toeslagen]  # once per run, not per platform
    # the rows are for tables and spreadsheets; json and yaml print the payload
    if output in (Format.json, Format.yaml):
        rows: list[dict[str, Any]] = []
        _as_json(entries)
    else:
        rows = [_row(jaar, e, payload["regeling"], keys) for e in entries]
    columns = [
        Column("jaar", "Jaar", "year", table=False), Column("wijk", "Wijkcode", table=False), Column("naam", "Wijk"),
        Column("gebied", "Gebiedscode", table=False), Column("gebied_naam", "Gebied", drop=5),
        Column("platform", "Platform", unknown="geen"), Column("organisatie", "Id platform", table=False),
        Column("rechtsvorm", "Rechtsvorm", table=False), Column("kvk", "KvK", table=False),
        Column("buurten", "Buurten", table=any(row["buurten"] for row in rows), drop=4),
        Column("maanden", "Maanden", "int"), Column("basisbedrag", "Basis", "money", drop=2),
        *(Column(key, f"Toeslag {t.naam[:1].lower()}{t.naam[1:]}", "money", drop=2)
          for key, t in zip(keys, r.toeslagen, strict=True)),
        Column("bedrag", "Bedrag", "money"),
        *_recorded_columns(rows),
        Column("regeling", "Regeling", table=False), Column("regeling_jaar", "Regelingsjaar", table=False),
        Column("regeling_status", "Status regeling", drop=6),
        Column("aanvragen_voor", "Aanvragen voor", table=False),
        Column("opmerking", "Opmerking", table=any(row["opmerking"] for row in rows), drop=1),
    ]
    uitleg = _uitleg(ov, entries, onbekend) if explain and output in (Format.table, Format.wide) else []
    notes = _notes(ov) + [line for e in entries if "subsidie" in e for line in _recorded_lines(e)]
    block = Block(columns, rows, totals=_totals(ov), sheet=f"Subsidie {jaar}")
    render(Report(payload, [block], notes, uitleg), output, file)


def _uitleg(ov: engine.Overzicht, entries: list[dict[str, Any]], onbekend: list[str]) -> list[str]:
    """`--explain` for people: each computation step by step with what was recorded beside
    it, then what the regeling leaves unknown."""
    uitleg: list[str] = []
    for u, entry in zip(ov.uitkomsten, entries):
        uitleg += ["", *engine.uitleg(u, ov.zonder_platform), *(_recorded_lines(entry) if "subsidie" in entry else [])]
    uitleg += ["", *(f"Niet te berekenen: {wat}." for wat in onbekend)] if onbekend else []
    return uitleg[1:]


def _unknown_terms(r: Any) -> list[str]:
    from wijkctl import subsidiejaar

    return subsidiejaar.onbekende_termijnen(r)


def _recorded_columns(rows: list[dict[str, Any]]) -> list[Column]:
    """The columns of what was recorded, there only when a row has a record (so the output
    of a year without records stays as it was)."""
    if not any(row.get("subsidie") for row in rows):
        return []
    return [Column("status", "Status subsidie"), Column("berekend", "Berekend bij aanvraag", "money"),
            Column("verleend", "Verleend", "money"), Column("subsidie", "Id subsidie", table=False)]


def _totals(ov: engine.Overzicht) -> list[dict[str, Any]]:
    """The table's last rows: the total and, when the regeling has a plafond, the plafond
    and how far the total stays under it or goes over it."""
    r = ov.regeling
    regeling = {"jaar": ov.jaar, "regeling": r.naam, "regeling_jaar": r.jaar, "regeling_status": r.status}
    rows = [{**regeling, "naam": "Totaal", "bedrag": ov.totaal}]
    if ov.plafond_saldo is not None:
        rows.append({**regeling, "naam": "Plafond", "bedrag": r.plafond})
        over = ov.plafond_saldo < 0
        rows.append({**regeling, "naam": "Boven het plafond" if over else "Onder het plafond",
                     "bedrag": abs(ov.plafond_saldo)})
    return rows


def _notes(ov: engine.Overzicht) -> list[str]:
    """What a person reads under the table: the regeling, its status, the total, the plafond."""
    r, jaar = ov.regeling, ov.jaar
    notes = [f"Subsidiejaar {jaar}, {r.naam} ({r.jaar}{', ' + r.bron if r.bron else ''})."]
    if r.status == "concept":
        notes.append("Let op: deze regeling is een CONCEPT; de bedragen zijn nog niet vastgesteld.")
    if not ov.uitkomsten:
        notes.append(f"Geen wijkplatforms actief in {jaar}.")
    if any(u.onvolledig for u in ov.uitkomsten):
        notes.append("Onvolledig: niet alle cijfers zijn bekend; een onbekende toeslag telt als € 0.")
    if any(u.indicatief for u in ov.uitkomsten):
        notes.append("Indicatieve bedragen (wijken zonder platform) tellen niet mee in het totaal."
                     + (f" {ov.zonder_platform}" if ov.zonder_platform
                        and any(u.indicatief and engine.zonder_organisatie(u) for u in ov.uitkomsten) else ""))
    notes.append(f"Totaal {jaar}: {euro(ov.totaal)}.")
    if ov.plafond_saldo is not None:
        if ov.plafond_saldo < 0:
            notes.append(f"Het totaal ligt {euro(-ov.plafond_saldo)} BOVEN het plafond van {euro(r.plafond)}.")
        else:
            notes.append(f"Het totaal ligt {euro(ov.plafond_saldo)} onder het plafond van {euro(r.plafond)}.")
    return notes

COMMANDS = {"subsidy": subsidy}
