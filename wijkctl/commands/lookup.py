"""`verbinder`, `list` and `show`: looking things up."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wijkctl import model, rules, store, text
from wijkctl.commands.common import (
    OptionalWijksArg,
    OutputOpt,
    WijksArg,
    data_dir,
    message,
    parse_date,
)
from wijkctl.output import Block, Column, Report, render
from wijkctl.text import BEWONERSINITIATIEVEN, euro, fold

if TYPE_CHECKING:
    from decimal import Decimal



class Status(str, Enum):
    wijkplatform = "wijkplatform"
    wijkraad = "wijkraad"
    geen = "geen"


def _verbinder_fields(gebied: model.Gebied | None) -> dict[str, Any]:
    v = gebied.verbinder if gebied else None
    return {"naam": v.naam if v else None, "email": v.email if v else None}


def verbinder(ctx: typer.Context, words: OptionalWijksArg = None, output: OutputOpt = "table") -> None:  # type: ignore[assignment]
    """De gebiedsverbinder van een wijk; zonder WIJK alle gebieden met hun verbinder."""
    data = store.load(data_dir(ctx))
    if words:
        wijk = " ".join(words)
        w = rules.match_wijk(data, wijk)
        _say_how_matched(w, wijk)
        g = data.gebied(w.gebied)
        row = {
            "wijk": w.code,
            "wijk_naam": w.naam,
            "gebied": w.gebied,
            "gebied_naam": g.naam if g else None,
            **_verbinder_fields(g),
        }
        columns = [
            Column("wijk", "Code", table=False),
            Column("wijk_naam", "Wijk"),
            Column("gebied", "Gebiedscode", table=False),
            Column("gebied_naam", "Gebied"),
            Column("naam", "Gebiedsverbinder", unknown="onbekend"),
            Column("email", "E-mail", unknown="onbekend"),
        ]
        render(Report(row, [Block(columns, [row])]), output)
        return
    rows = []
    for g in data.gebieden:
        wijken = [w for w in data.wijken if w.gebied == g.code]
        rows.append({
            "gebied": g.code,
            "gebied_naam": g.naam,
            **_verbinder_fields(g),
            "wijken": [w.code for w in wijken],
            "wijk_namen": ", ".join(w.naam for w in wijken),
        })
    columns = [
        Column("gebied", "Code", table=False),
        Column("gebied_naam", "Gebied"),
        Column("naam", "Gebiedsverbinder", unknown="onbekend"),
        Column("email", "E-mail", unknown="onbekend"),
        Column("wijk_namen", "Wijken"),
    ]
    data_rows = [{k: v for k, v in r.items() if k != "wijk_namen"} for r in rows]
    render(Report(data_rows, [Block(columns, rows)]), output)


def _say_how_matched(w: model.Wijk, query: str) -> None:
    """Tell a person when the answer is for another name than the one typed."""
    key = fold(query)
    buurt = next((b for b in w.buurten if fold(b) == key), None)
    if buurt is not None and fold(w.naam) != key:
        message(f"{buurt} is een buurt in {w.naam}.")
    elif key not in (fold(w.naam), fold(w.code), fold(w.cbs_code or "")) and not key.isdigit():
        message(f"'{query}' gelezen als {w.naam}.")


def _aandeel(c: model.Cijfers | None) -> Decimal | None:
    return c.waarde("aandeel_sociale_huur") if c else None


def list_(
    ctx: typer.Context,
    gebied: Annotated[str | None, typer.Option("--gebied", "-g", metavar="GEBIED", help="Alleen de wijken van dit gebied (code of naam).")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Alleen wijken met deze status: wijkplatform, wijkraad of geen.")] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATUM", help="De status op deze datum (JJJJ-MM-DD); standaard vandaag.")] = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Overzicht van de wijken met hun status, organisatie en cijfers."""
    dag = parse_date(on, "--on") if on else text.today()
    data = store.load(data_dir(ctx))
    wijken = data.wijken
    if gebied is not None:
        code = rules.match_gebied(data, gebied).code
        wijken = [w for w in wijken if w.gebied == code]
    rows = []
    for w in wijken:
        org = w.organisatie_op(dag)
        st = w.status_op(dag)
        if status is not None and st != status.value:
            continue
        g = data.gebied(w.gebied)
        c = w.cijfers
        rows.append({
            "code": w.code,
            "naam": w.naam,
            "cbs_code": w.cbs_code,
            "gebied": w.gebied,
            "gebied_naam": g.naam if g else w.gebied,
            "verbinder": _verbinder_fields(g)["naam"],
            "status": st,
            "organisatie": org.naam if org else None,
            "inwoners": c.inwoners if c else None,
            "sociale_huurwoningen": c.sociale_huurwoningen if c else None,
            "aandeel_sociale_huur": _aandeel(c),
        })
    columns = [
        Column("code", "Code", table=False),
        Column("naam", "Wijk"),
        Column("cbs_code", "CBS-code", table=False),
        Column("gebied", "Gebiedscode", table=False),
        Column("gebied_naam", "Gebied"),
        Column("verbinder", "Gebiedsverbinder", unknown="onbekend"),
        Column("status", "Status"),
        Column("organisatie", "Organisatie", unknown="–"),
        Column("inwoners", "Inwoners", "int", unknown="onbekend"),
        Column("sociale_huurwoningen", "Sociale huur", "int", unknown="onbekend"),
        Column("aandeel_sociale_huur", "Aandeel", "pct", unknown="onbekend"),
    ]
    known = [r["inwoners"] for r in rows if r["inwoners"] is not None]
    platforms = sum(r["status"] == "wijkplatform" for r in rows)
    footer = {
        "naam": f"Totaal: {len(rows)} wijken",
        "status": f"{platforms} platforms",
        "inwoners": sum(known) if known else None,
    }
    notes = [BEWONERSINITIATIEVEN] if any(r["status"] != "wijkplatform" for r in rows) else []
    render(Report(rows, [Block(columns, rows, footer=footer)], notes), output)


def show(
    ctx: typer.Context,
    words: WijksArg,
    contact: Annotated[bool, typer.Option("--contact", help="Toon ook e-mail en telefoon van de kernleden (persoonsgegevens).")] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
) -> None:
    """Alles over één wijk: cijfers, gebiedsverbinder, organisaties door de tijd, subsidie."""
    from wijkctl import subsidy
    from wijkctl.errors import NotFound
    from wijkctl.schema import WIJK, to_plain

    data = store.load(data_dir(ctx))
    wijk = " ".join(words)
    w = rules.match_wijk(data, wijk)
    _say_how_matched(w, wijk)
    today = text.today()
    g = data.gebied(w.gebied)
    actief = w.organisatie_op(today)
    try:
        uitkomst = subsidy.overzicht(data, today.year, [w]).uitkomsten[0]
    except NotFound:
        uitkomst = None
    record = to_plain(w, WIJK)
    if not contact:  # kern members are personal data: names only unless asked
        for org in record.get("organisaties", []):
            org["kern"] = [{"naam": lid["naam"]} for lid in org.get("kern", [])]
    record.update({
        "status": w.status_op(today),
        "verbinder": _verbinder_fields(g),
        "subsidie": None if uitkomst is None else {
            "jaar": uitkomst.jaar,
            "bedrag": uitkomst.bedrag,
            "regeling": {"jaar": uitkomst.regeling.jaar, "status": uitkomst.regeling.status},
            "onvolledig": uitkomst.onvolledig,
            "indicatief": uitkomst.indicatief,
        },
    })
    blocks = [_facts_block(w, g, actief), *_organisation_blocks(w, actief, contact)]
    notes = [_subsidy_note(w, uitkomst, today.year)]
    if actief is None or actief.soort != model.WIJKPLATFORM:
        notes.append(BEWONERSINITIATIEVEN)
    render(Report(record, blocks, notes), output)


_FIGURES = ("Inwoners", "Woningen", "Sociale huurwoningen", "Bijstandsuitkeringen")


def _facts_block(w: model.Wijk, g: model.Gebied | None, actief: model.Organisatie | None) -> Block:
    """The wijk as "field  value" lines; figures always shown, "onbekend" when unknown."""
    c = w.cijfers or model.Cijfers()
    bron = ", ".join(x for x in (c.bron, f"peiljaar {c.peiljaar}" if c.peiljaar else None) if x)
    v = g.verbinder if g else None
    facts = [
        ("Code", w.code), ("Naam", w.naam), ("CBS-code", w.cbs_code),
        ("CBS-buurten", ", ".join(w.cbs_buurten) or None),
        ("Gebied", g.naam if g else w.gebied),
        ("Gebiedsverbinder", f"{v.naam} <{v.email}>" if v and v.email else (v.naam if v else "onbekend")),
        ("Buurten", ", ".join(w.buurten) or None),
        ("Status vandaag", f"{actief.soort}: {actief.naam}" if actief else "geen wijkraad of wijkplatform"),
        *zip(_FIGURES, (c.inwoners, c.woningen, c.sociale_huurwoningen, c.uitkeringen)),
        ("Bron cijfers", bron or None), ("Opmerking", w.opmerking),
    ]
    rows = [{"veld": k, "waarde": v_} for k, v_ in facts if v_ is not None or k in _FIGURES]
    return Block([Column("veld", "Veld"), Column("waarde", "Waarde", unknown="onbekend")], rows,
                 title=f"{w.naam} ({w.code})", header=False)


def _organisation_blocks(w: model.Wijk, actief: model.Organisatie | None, contact: bool) -> list[Block]:
    """The organisations as a timeline, and the kern of the active one."""
    blocks = []
    if w.organisaties:
        rows = [{
            "soort": o.soort, "naam": o.naam, "van": o.van, "tot": o.tot,
            "opvolger_van": o.opvolger_van, "rechtsvorm": o.rechtsvorm, "kvk": o.kvk,
            "kern": len(o.kern) if o.soort == model.WIJKPLATFORM else None,
            "reden": o.reden_einde,
        } for o in w.organisaties]
        blocks.append(Block([
            Column("soort", "Soort"), Column("naam", "Naam"), Column("van", "Van", "date"),
            Column("tot", "Tot", "date", unknown="–"), Column("opvolger_van", "Opvolger van", unknown="–"),
            Column("rechtsvorm", "Rechtsvorm", unknown="–"), Column("kvk", "KvK", unknown="–"),
            Column("kern", "Kern", "int", unknown="–"),
            Column("reden", "Reden einde", table=any(o.reden_einde for o in w.organisaties)),
        ], rows, title="Organisaties"))
    if actief is not None and actief.kern:
        columns = [Column("naam", "Naam")]
        if contact:
            columns += [Column("email", "E-mail"), Column("telefoon", "Telefoon")]
        blocks.append(Block(columns, [
            {"naam": lid.naam, "email": lid.email, "telefoon": lid.telefoon} for lid in actief.kern
        ], title=f"Kern van {actief.naam}"))
    return blocks


def _subsidy_note(w: model.Wijk, uitkomst: Any, jaar: int) -> str:
    if uitkomst is None:
        return f"Subsidie {jaar}: geen subsidieregeling voor dit jaar."
    extra = [text for text, on in (
        ("indicatief, want er is geen wijkplatform", uitkomst.indicatief),
        ("onvolledig, want niet alle cijfers zijn bekend", uitkomst.onvolledig),
        ("volgens een concept-regeling", uitkomst.regeling.status == "concept"),
    ) if on]
    return (f"Subsidie {uitkomst.jaar}: {euro(uitkomst.bedrag)}" + (f" ({'; '.join(extra)})" if extra else "")
            + f". Uitleg: wijkctl subsidy {w.code} --explain")


COMMANDS = {"verbinder": verbinder, "list": list_, "show": show}
