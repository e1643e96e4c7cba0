"""One thing that needs attention on a day (`wijkctl due`): a leaf, so that the general
items (`due.py`) and the subsidy year's (`subsidiedue.py`) share it without an import circle."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class Item(NamedTuple):
    soort: str
    datum: dt.date
    wijk: str | None
    organisatie: str | None
    melding: str


# what a person reads for each soort (the soort itself is for scripts: `-o json`, `check`'s regel_id)
WOORDEN = {
    "aanvraagtermijn": "aanvraagtermijn",
    "aanvraag_volgend_jaar": "aanvraag volgend jaar",
    "kern_te_klein": "kern te klein",
    "einde": "einde",
    "cijfers_oud": "oude cijfers",
    "wijkraad_actief": "wijkraad actief",
    "aanvraag_ontbreekt": "aanvraag ontbreekt",
    "besluit_termijn": "beslistermijn",
    "verantwoording": "verantwoording",
    "vaststelling_termijn": "vaststellingstermijn",
    "saldo_open": "saldo open",
}


def woorden(soort: str) -> str:
    """The soort of an item in words, for the lines people read."""
    return WOORDEN.get(soort, soort.replace("_", " "))
