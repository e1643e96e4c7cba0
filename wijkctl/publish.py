"""The public page (CONTRACT §8): who covers which wijk on a day, as a page and as open data.

Pure: `page` builds the page model from a `Dataset` (never a kern member: the model holds
only what is public), `files` turns it into the bytes of the published files. Jinja2 is
imported by `files` alone, so that only `publish` pays for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wijkctl import model, text

INDEX = "index.html"
JSON = "wijkplatforms.json"
CSV = "wijkplatforms.csv"
CSS = "wijkplatforms.css"
NAMES = (INDEX, JSON, CSV, CSS)  # what one publish writes, besides its marker

CSV_COLUMNS = ("datum", "gebied", "gebied_naam", "verbinder", "verbinder_email", "wijk", "wijk_naam",
               "wijk_cbs_code", "organisatie", "soort", "naam", "buurten", "van", "email", "website")


def _organisatie(org: model.Organisatie) -> dict[str, Any]:
    """What is public about an organisation: no kern, no KvK, no notes."""
    return {"id": org.id, "soort": org.soort, "naam": org.naam, "buurten": list(org.buurten) or None,
            "van": org.van.isoformat() if org.van else None, "email": org.email, "website": org.website}


def _wijk(w: model.Wijk, dag: dt.date) -> dict[str, Any]:
    actief = w.actief_op(dag)
    return {"code": w.code, "naam": w.naam, "cbs_code": w.cbs_code,
            "organisaties": [_organisatie(org) for org in actief],
            "buurten_zonder": [b.naam for b in w.buurten if actief and not any(org.dekt(b.naam) for org in actief)]}


def _gebied(g: model.Gebied, wijken: list[model.Wijk], dag: dt.date) -> dict[str, Any]:
    v = g.verbinder
    return {"code": g.code, "naam": g.naam, "verbinder": {"naam": v.naam, "email": v.email} if v else None,
            "wijken": [_wijk(w, dag) for w in wijken if w.gebied == g.code]}


def page(data: model.Dataset, dag: dt.date) -> dict[str, Any]:
    """The page model, also the open data of `wijkplatforms.json`: per gebied its
    verbinder and its wijken (in file order) with the organisations active on `dag`, and
    the buurten of a wijk that none of them covers (`buurten_zonder`)."""
    gemeente = data.gemeente
    wijken = data.wijken
    return {
        "gemeente": gemeente.naam if gemeente else None,
        "gemeente_cbs_code": gemeente.cbs_code if gemeente else None,
        "datum": dag.isoformat(),
        "correcties": gemeente.email if gemeente else None,
        "zonder_platform": data.zonder_platform,
        "gebieden": [_gebied(g, wijken, dag) for g in data.gebieden],
    }


def kern_addresses(data: model.Dataset, dag: dt.date) -> list[str]:
    """Warnings (Dutch) for each published organisation e-mail that is also a kern
    member's address (it may be a person's own); the member is not named."""
    kern = {lid.email.casefold() for w in data.wijken for org in w.organisaties for lid in org.kern if lid.email}
    return [f"Let op: het e-mailadres van {org.naam} ({w.naam}), {org.email}, is ook het adres van een kernlid. "
            "Het staat op de publieke pagina; is het een persoonlijk adres, geef de organisatie dan een algemeen "
            f"adres (wijkctl update {w.code} --org {org.id} --email ...)."
            for w in data.wijken for org in w.actief_op(dag) if org.email and org.email.casefold() in kern]


def csv_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per active organisation, and one (its organisation columns empty) for the
    ground of a wijk without one: the whole wijk, or the buurten none covers.
    `buurten` is joined by "; ", empty for the whole wijk."""
    rows = []
    for g in content["gebieden"]:
        v = g["verbinder"] or {}
        for w in g["wijken"]:
            base = {"datum": content["datum"], "gebied": g["code"], "gebied_naam": g["naam"],
                    "verbinder": v.get("naam"), "verbinder_email": v.get("email"), "wijk": w["code"],
                    "wijk_naam": w["naam"], "wijk_cbs_code": w["cbs_code"]}
            for org in w["organisaties"]:
                rows.append({**base, "organisatie": org["id"], "soort": org["soort"], "naam": org["naam"],
                             "buurten": "; ".join(org["buurten"] or []), "van": org["van"],
                             "email": org["email"], "website": org["website"]})
            if not w["organisaties"] or w["buurten_zonder"]:
                rows.append({**base, "buurten": "; ".join(w["buurten_zonder"])})
    return rows


def to_csv(content: dict[str, Any]) -> str:
    """`wijkplatforms.csv`: UTF-8 without BOM, `,` and LF, the formula guard on every cell."""
    import csv
    import io

    from wijkctl.output import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(content):
        writer.writerow([csv_cell(row.get(key)) for key in CSV_COLUMNS])
    return buffer.getvalue()


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("wijkctl", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["datum"] = lambda iso: text.datum(dt.date.fromisoformat(iso) if iso else None)
    return env


def files(content: dict[str, Any]) -> dict[str, bytes]:
    """The published files: the page, its stylesheet and the open data, as bytes."""
    from wijkctl.output import to_json

    env = _environment()
    html = env.get_template("index.html.j2").render(
        page=content, css=CSS, json=JSON, csv=CSV, soorten={"wijkraad": "Wijkraad", "wijkplatform": "Wijkplatform"})
    css = env.loader.get_source(env, CSS)[0]  # type: ignore[union-attr]
    return {INDEX: html.encode(), CSS: css.encode(), JSON: to_json(content).encode(), CSV: to_csv(content).encode()}
