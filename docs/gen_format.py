"""Generate the key tables of docs/data-format.md from the declarations in wijkctl/model.py.

    python docs/gen_format.py          # rewrite the generated parts of docs/data-format.md
    python docs/gen_format.py --check  # exit 1 when they are out of date

The parts between `<!-- begin:NAME -->` and `<!-- end:NAME -->` are generated; the prose
around them is written by hand. `tests/test_docs.py` fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from wijkctl import formats, model
from wijkctl import subsidiemodel as sm
from wijkctl.schema import Schema, schema_of

DOC = Path(__file__).resolve().parent / "data-format.md"
KIND = {
    "str": "tekst",
    "int": "geheel getal ≥ 0",
    "num": "getal ≥ 0",
    "date": "datum `JJJJ-MM-DD`",
    "mmdd": "dag `MM-DD`",
    "bool": "`true` of `false`",
    "strlist": "lijst van teksten",
    "record": "mapping",
    "records": "lijst van mappings",
}
TABLES = {
    "wijk": model.Wijk, "buurt": model.Buurt, "cijfers": model.Cijfers,
    "organisatie": model.Organisatie, "kernlid": model.KernLid,
    "gemeente": model.Gemeente, "gebied": model.Gebied, "verbinder": model.Verbinder,
    "regeling": model.Regeling, "toeslag": model.Toeslag, "staffel": model.Staffel,
    "subsidie": sm.Subsidie, "aanvraag": sm.Aanvraag, "berekening": sm.Berekening, "besluit": sm.Besluit,
    "betaling": sm.Betaling, "verantwoording": sm.Verantwoording, "vaststelling": sm.Vaststelling,
    "correctie": sm.Correctie,
}


def _rule(f) -> str:
    parts = []
    if f.fmt:
        parts.append(formats.FORMATS[f.fmt].uitleg)
    if f.keuze:
        parts.append("een van " + ", ".join(f"`{k}`" for k in f.keuze))
    if f.schema is not None:
        parts.append(f"zie *{f.schema.cls.__name__.capitalize()}*")
    if f.multiline:
        parts.append("mag meerdere regels beslaan")
    return "; ".join(parts) or "–"


def field_table(schema: Schema) -> str:
    rows = ["| sleutel | soort | verplicht | regel | betekenis |", "|---|---|---|---|---|"]
    for f in schema.fields:
        rows.append(f"| `{f.key}` | {KIND[f.kind]} | {'ja' if f.required else 'nee'} | {_rule(f)} | {f.label} |")
    return "\n".join(rows)


def maatstaf_table() -> str:
    rows = ["| maatstaf | betekenis | berekening |", "|---|---|---|"]
    for m in model.MAATSTAF.values():
        how = f"`{m.teller}`" if not m.is_ratio else f"`{m.teller}` × {m.schaal} / `{m.noemer}`"
        rows.append(f"| `{m.naam}` | {m.label} | {how} |")
    return "\n".join(rows)


def parts() -> dict[str, str]:
    out = {name: field_table(schema_of(cls)) for name, cls in TABLES.items()}
    out["maatstaven"] = maatstaf_table()
    return out


def generate(text: str) -> str:
    """`text` with every generated part brought up to date."""
    for name, body in parts().items():
        pattern = re.compile(rf"(<!-- begin:{name} -->\n).*?(\n<!-- end:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"docs/data-format.md mist het deel {name}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


if __name__ == "__main__":
    current = DOC.read_text(encoding="utf-8")
    fresh = generate(current)
    if "--check" in sys.argv:
        sys.exit(0 if fresh == current else 1)
    DOC.write_text(fresh, encoding="utf-8")
