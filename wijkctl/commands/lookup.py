"""`verbinder`, `list` and `show`: looking things up."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wijkctl import model, rules, store, text
from wijkctl.commands.common import (
    FileOpt,
    OptionalWijksArg,
    OutputOpt,
    WijksArg,
    data_dir,
    message,
)
from wijkctl.output import Block, Column, Report, render
from wijkctl.text import euro, fold

if TYPE_CHECKING:
    from decimal import Decimal



class Status(str, Enum):
    wijkplatform = "wijkplatform"
    wijkraad = "wijkraad"
    geen = "geen"


NOG_GEEN_VERBINDER = "nog geen gebiedsverbinder bekend"


def _zonder(data: model.Dataset) -> str:
    """The gemeente's sentence for a wijk without organisation, after a space (or nothing)."""
    return f" {data.zonder_platform}" if data.zonder_platform else ""


def _verbinder_fields(gebied: model.Gebied | None) -> dict[str, Any]:
    v = gebied.verbinder if gebied else None
    return {"naam": v.naam if v else None, "email": v.email if v else None}


def verbinder(
    ctx: typer.Context,
    words: OptionalWijksArg = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """De gebiedsverbinder van een wijk (of van een gebied, of op naam van de verbinder); zonder WIJK alle
    gebieden met hun verbinder."""
    from wijkctl.errors import NotFound

    data = store.load(data_dir(ctx))
    if words:
        wijk = " ".join(words)
        code, key = wijk.strip(), fold(wijk)  # once, not once per gebied
        gebied = next((g for g in data.gebieden if g.code == code or fold(g.naam) == key), None)
        if gebied is not None and data.index.find("naam", key) is None:
            _verbinders(data, [gebied], output, file)  # a gebied: its verbinder
            return
        try:
            w = rules.match_wijk(data, wijk)
        except NotFound:
            van_verbinder = rules.gebieden_of_verbinder(data, wijk)  # `verbinder "Kees de Boer"`
            if not van_verbinder:
                raise
            _verbinders(data, van_verbinder, output, file)
            return
        buurt = _say_how_matched(w, rules.without_article(data, wijk))
        g = data.gebied(w.gebied)
        row = {
            "wijk": w.code,
            "wijk_naam": w.naam,
            "gebied": w.gebied,
            "gebied_naam": g.naam if g else None,
            **_verbinder_fields(g),
        }
        dekkend = [o for o in w.actief_op(text.today()) if buurt is None or o.dekt(buurt)]
        row["organisaties"] = [_organisation_contact(o) for o in dekkend]  # who covers it, their public contact
        if buurt is not None:
            row["buurt"] = buurt
            row["organisatie"] = dekkend[0].naam if dekkend else None
            message(f"{buurt} valt onder {dekkend[0].naam} ({dekkend[0].soort})." if dekkend
                    else f"Geen wijkraad of wijkplatform in {buurt}." + _zonder(data))
        columns = [
            Column("wijk", "Wijkcode", table=False),
            Column("wijk_naam", "Wijk"),
            Column("gebied", "Gebiedscode", table=False),
            Column("gebied_naam", "Gebied", drop=1),
            Column("naam", "Gebiedsverbinder", unknown=NOG_GEEN_VERBINDER),
            Column("email", "E-mail", unknown="onbekend"),
        ]
        render(Report(row, [Block(columns, [row], sheet="Gebiedsverbinder")]), output, file)
        return
    _verbinders(data, data.gebieden, output, file)


def _organisation_contact(o: model.Organisatie) -> dict[str, Any]:
    """An organisation as `list` and `verbinder` show it: who, where, and its public
    contact (never the kern: personal data)."""
    return {"id": o.id, "soort": o.soort, "naam": o.naam, "buurten": o.buurten or None, "email": o.email,
            "website": o.website}


def _verbinders(data: model.Dataset, gebieden: list[model.Gebied], output: Any, file: Any) -> None:
    """Each gebied with its verbinder and wijken (from the index: no wijk is built)."""
    from wijkctl.index import CODE, GEBIED_COLUMN, NAAM

    index = data.index
    per_gebied: dict[str, list[int]] = {}
    for pos, code in enumerate(index.column(GEBIED_COLUMN)):
        per_gebied.setdefault(code, []).append(pos)
    codes, names = index.column(CODE), index.column(NAAM)
    rows = []
    for g in gebieden:
        wijken = per_gebied.get(g.code, [])
        rows.append({
            "gebied": g.code,
            "gebied_naam": g.naam,
            **_verbinder_fields(g),
            "wijken": [codes[pos] for pos in wijken],
            "wijk_namen": ", ".join(names[pos] for pos in wijken),
        })
    columns = [
        Column("gebied", "Gebiedscode", table=False),
        Column("gebied_naam", "Gebied"),
        Column("naam", "Gebiedsverbinder", unknown=NOG_GEEN_VERBINDER),
        Column("email", "E-mail", unknown="onbekend", drop=1),
        Column("wijk_namen", "Wijken"),
    ]
    data_rows = [{k: v for k, v in r.items() if k != "wijk_namen"} for r in rows]
    render(Report(data_rows, [Block(columns, rows, sheet="Gebiedsverbinders")]), output, file)


def _say_how_matched(w: model.Wijk, query: str) -> str | None:
    """Tell a person when the answer is for another name than the one typed; the buurt
    name when the query named a buurt."""
    key = fold(query)
    buurt = next((b.naam for b in w.buurten if fold(b.naam) == key), None)
    if buurt is not None and fold(w.naam) != key:
        message(f"{buurt} is een buurt in {w.naam}.")
        return buurt
    if key not in (fold(w.naam), fold(w.code), fold(w.cbs_code or "")) and not key.isdigit():
        message(f"'{query}' gelezen als {w.naam}.")
    return None


def _aandeel(c: model.Cijfers | None) -> Decimal | None:
    return c.waarde("aandeel_sociale_huur") if c else None


_GebiedFilter = Annotated[str | None, typer.Option(
    "--gebied", "-g", metavar="GEBIED", help="Alleen de wijken van dit gebied (code of naam).")]
_StatusFilter = Annotated[Status | None, typer.Option(
    "--status", help="Alleen wijken met deze status: wijkplatform, wijkraad of geen.")]
_StatusOn = Annotated[str | None, typer.Option(
    "--on", metavar="DATUM", help="De status op deze datum (JJJJ-MM-DD of D-M-JJJJ); standaard vandaag.")]
_LIST_COLUMNS = [
    Column("code", "Wijkcode", table=False),
    Column("naam", "Wijk"),
    Column("cbs_code", "CBS-code", table=False),
    Column("gebied", "Gebiedscode", table=False),
    Column("gebied_naam", "Gebied", drop=3),
    Column("verbinder", "Gebiedsverbinder", unknown=NOG_GEEN_VERBINDER, drop=2),
    Column("status", "Status"),
    Column("organisatie", "Organisatie", unknown="–"),
    Column("inwoners", "Inwoners", "int", unknown="onbekend", drop=4),
    Column("sociale_huurwoningen", "Sociale huur", "int", unknown="onbekend", drop=6),
    Column("aandeel_sociale_huur", "Aandeel", "pct", unknown="onbekend", drop=5),
]


def list_(
    ctx: typer.Context,
    gebied: _GebiedFilter = None,
    status: _StatusFilter = None,
    on: _StatusOn = None,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Overzicht van de wijken met hun status, organisatie en cijfers."""
    from wijkctl.invoer import datum  # only here: a look-up without --on never needs it

    dag = datum(on, "--on") if on is not None else text.today()
    data = store.load(data_dir(ctx))
    gebieden = {g.code: g for g in reversed(data.gebieden)}  # the first of a code, as data.gebied finds it
    rows = []
    for w in _wijken_in(data, gebied):
        st = w.status_op(dag)
        if status is None or st == status.value:
            rows.append(_list_row(w, st, w.actief_op(dag), gebieden.get(w.gebied)))
    known = [r["inwoners"] for r in rows if r["inwoners"] is not None]
    platforms = sum(r["status"] == "wijkplatform" for r in rows)
    totals = [{
        "naam": f"Totaal: {text.aantal(len(rows), 'wijk', 'wijken')}",
        "status": text.aantal(platforms, "platform", "platforms"),
        "inwoners": sum(known) if known else None,
    }]
    notes = [data.zonder_platform] if data.zonder_platform and any(r["status"] == "geen" for r in rows) \
        else []
    render(Report(rows, [Block(_LIST_COLUMNS, rows, totals=totals, sheet="Wijken")], notes), output, file)


def _wijken_in(data: model.Dataset, gebied: str | None) -> list[model.Wijk]:
    """All wijken, or those of one gebied (only those are built)."""
    from wijkctl.index import GEBIED_COLUMN

    if gebied is None:
        return data.wijken
    code = rules.match_gebied(data, gebied).code
    return [data.wijk_at(pos) for pos, g in enumerate(data.index.column(GEBIED_COLUMN)) if g == code]


def _list_row(w: model.Wijk, st: str, actief: list[model.Organisatie], g: model.Gebied | None) -> dict[str, Any]:
    """One row of `list`: a wijk with its status on the day asked."""
    c = w.cijfers
    return {
        "code": w.code,
        "naam": w.naam,
        "cbs_code": w.cbs_code,
        "gebied": w.gebied,
        "gebied_naam": g.naam if g else w.gebied,
        "verbinder": _verbinder_fields(g)["naam"],
        "status": st,
        "organisatie": ", ".join(o.naam for o in actief) or None,
        "organisaties": [{**_organisation_contact(o), "van": o.van, "tot": o.tot,
                          "kern": len(o.kern) if o.soort == model.WIJKPLATFORM else None} for o in actief],
        "inwoners": c.inwoners if c else None,
        "sociale_huurwoningen": c.sociale_huurwoningen if c else None,
        "aandeel_sociale_huur": _aandeel(c),
    }


def show(
    ctx: typer.Context,
    words: WijksArg,
    contact: Annotated[bool, typer.Option("--contact", help=(
        "Toon ook de kernleden met hun rol, e-mail en telefoon, de contactpersoon eerst (persoonsgegevens)."))] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Alles over één wijk: cijfers, gebiedsverbinder, organisaties door de tijd, subsidie."""
    from wijkctl import subsidy
    from wijkctl.errors import NotFound
    from wijkctl.schema import WIJK, to_plain

    data = store.load(data_dir(ctx))
    wijk = " ".join(words)
    w = rules.match_wijk(data, wijk)
    _say_how_matched(w, rules.without_article(data, wijk))
    today = text.today()
    g = data.gebied(w.gebied)
    actief = w.actief_op(today)
    try:
        uitkomsten = subsidy.overzicht(data, today.year, [w]).uitkomsten
    except NotFound:
        uitkomsten = None
    record = to_plain(w, WIJK)
    if not contact:  # kern members are personal data: names only unless asked
        for org in record.get("organisaties", []):
            org["kern"] = [{"naam": lid["naam"]} for lid in org.get("kern", [])]
    record.update({
        "status": w.status_op(today),
        "verbinder": _verbinder_fields(g),
        "subsidies": None if uitkomsten is None else [{
            "jaar": u.jaar,
            "organisatie": u.platform.id if u.platform else None,
            "bedrag": u.bedrag,
            "regeling": {"jaar": u.regeling.jaar, "status": u.regeling.status},
            "onvolledig": u.onvolledig,
            "indicatief": u.indicatief,
        } for u in uitkomsten],
    })
    blocks = [_facts_block(w, g, actief), *_buurten_block(w, actief), *_organisation_blocks(w, actief, contact)]
    notes = _subsidy_notes(w, uitkomsten, today.year)
    if data.zonder_platform and (not actief or any(not any(o.dekt(b.naam) for o in actief) for b in w.buurten)):
        notes.append(data.zonder_platform)  # some of the wijk has no organisation today
    render(Report(record, blocks, notes), output, file)


def _facts_block(w: model.Wijk, g: model.Gebied | None, actief: list[model.Organisatie]) -> Block:
    """The wijk as "field  value" lines; figures always shown, "onbekend" when unknown."""
    c = w.cijfers or model.Cijfers()
    # every declared figure, by its label, also when unknown
    figures = [(f.metadata["label"].capitalize(), getattr(c, name)) for name, f in model.figures().items()]
    bron = ", ".join(x for x in (c.bron, f"peiljaar {c.peiljaar}" if c.peiljaar else None) if x)
    v = g.verbinder if g else None
    status = "; ".join(f"{o.soort}: {o.naam}" + (f" ({', '.join(o.buurten)})" if o.buurten else "") for o in actief)
    # the organisations' public contact (not personal data, unlike the kern's)
    contact = "; ".join(f"{o.naam}: {', '.join(x for x in (o.email, o.website) if x)}"
                        for o in actief if o.email or o.website)
    facts = [
        ("Code", w.code), ("Naam", w.naam), ("CBS-code", w.cbs_code),
        ("CBS-buurten", ", ".join(w.cbs_buurten) or None),
        ("Gebied", g.naam if g else w.gebied),
        ("Gebiedsverbinder", f"{v.naam} <{v.email}>" if v and v.email else (v.naam if v else NOG_GEEN_VERBINDER)),
        ("Status vandaag", status or "geen wijkraad of wijkplatform"), ("Contact vandaag", contact or None),
        *figures,
        ("Bron cijfers", bron or None), ("Opmerking", w.opmerking),
    ]
    shown = {k for k, _v in figures}
    rows = [{"veld": k, "waarde": v_} for k, v_ in facts if v_ is not None or k in shown]
    return Block([Column("veld", "Veld"), Column("waarde", "Waarde", unknown="onbekend")], rows,
                 title=f"{w.naam} ({w.code})", header=False)


def _buurten_block(w: model.Wijk, actief: list[model.Organisatie]) -> list[Block]:
    """The buurten, their figures, and who covers each today."""
    if not w.buurten:
        return []
    rows = [{
        "naam": b.naam, "cbs_code": b.cbs_code,
        "inwoners": b.cijfers.inwoners if b.cijfers else None,
        "organisatie": ", ".join(o.naam for o in actief if o.dekt(b.naam)) or None,
    } for b in w.buurten]
    return [Block([
        Column("naam", "Buurt"), Column("cbs_code", "CBS-code", unknown="–", drop=2),
        Column("inwoners", "Inwoners", "int", unknown="onbekend", drop=1),
        Column("organisatie", "Organisatie vandaag", unknown="geen"),
    ], rows, title="Buurten")]


def _organisation_blocks(w: model.Wijk, actief: list[model.Organisatie], contact: bool) -> list[Block]:
    """The organisations as a timeline, and the kern of each active platform."""
    blocks = []
    if w.organisaties:
        rows = [{
            "id": o.id, "soort": o.soort, "naam": o.naam, "van": o.van, "tot": o.tot,
            "buurten": text.opsomming(o.buurten) or "hele wijk",
            "opvolger_van": ", ".join(o.opvolger_van) or None, "rechtsvorm": o.rechtsvorm, "kvk": o.kvk,
            "kern": len(o.kern) if o.soort == model.WIJKPLATFORM else None,
            "reden": o.reden_einde,
        } for o in w.organisaties]
        blocks.append(Block([
            # on a narrow terminal the least needed go first; Id stays longest: --org needs it
            Column("id", "Id", drop=1), Column("soort", "Soort"), Column("naam", "Naam"),
            Column("van", "Van", "date", unknown="onbekend"), Column("tot", "Tot", "date", unknown="–"),
            Column("buurten", "Buurten", drop=2), Column("opvolger_van", "Opvolger van", unknown="–", drop=7),
            Column("rechtsvorm", "Rechtsvorm", unknown="–", drop=6), Column("kvk", "KvK", unknown="–", drop=5),
            Column("kern", "Kern", "int", unknown="–", drop=4),
            Column("reden", "Reden einde", table=any(o.reden_einde for o in w.organisaties), drop=3),
        ], rows, title="Organisaties"))
    for org in actief if contact else []:  # kern members are personal data: only when asked for
        if not org.kern:
            continue
        columns = [Column("naam", "Naam"), Column("rol", "Rol", unknown="–"), Column("email", "E-mail", unknown="–"),
                   Column("telefoon", "Telefoon", unknown="–", drop=1)]
        kern = sorted(org.kern, key=lambda lid: lid.rol != "contactpersoon")  # the contactpersoon first
        blocks.append(Block(columns, [
            {"naam": lid.naam, "rol": lid.rol, "email": lid.email, "telefoon": lid.telefoon} for lid in kern
        ], title=f"Kern van {org.naam}"))
    return blocks


def _subsidy_notes(w: model.Wijk, uitkomsten: Any, jaar: int) -> list[str]:
    if uitkomsten is None:
        return [f"Subsidie {jaar}: geen subsidieregeling voor dit jaar."]
    notes = []
    for u in uitkomsten:
        extra = [tekst for tekst, on in (
            ("indicatief, want er is geen wijkplatform", u.indicatief),
            ("onvolledig, want niet alle cijfers zijn bekend", u.onvolledig),
            ("volgens een concept-regeling", u.regeling.status == "concept"),
        ) if on]
        wie = f" voor {u.platform.naam}" if u.platform else ""
        notes.append(f"Subsidie {u.jaar}{wie}: {euro(u.bedrag)}" + (f" ({'; '.join(extra)})" if extra else "")
                     + f". Uitleg: wijkctl subsidy {w.code} --explain")
    return notes


COMMANDS = {"verbinder": verbinder, "list": list_, "show": show}
