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
    gebied: str | None = None  # the wijk's gebied (filled in by `due.due`); None where city-wide
    verbinder_email: str | None = None  # that gebied's verbinder, so a cron job mails each their own items
