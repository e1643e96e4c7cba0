"""Small pure text helpers: name folding and Dutch formatting for people."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

# Said wherever a wijk without a wijkplatform is shown (the municipality's brochure).
BEWONERSINITIATIEVEN = (
    "Zonder wijkplatform kunnen bewoners voor initiatieven altijd geld aanvragen bij de "
    "gemeente via het budget voor bewonersinitiatieven."
)

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def fold(name: str) -> str:
    """A name reduced for comparison: no case, accents, spaces or punctuation.

    "Waarder- en Veerpolder", "waarder en veerpolder" and "WAARDER-EN-VEERPOLDER"
    all fold to "waarderenveerpolder".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def datum(day: dt.date | None) -> str:
    """`1 juli 2025`."""
    if day is None:
        return ""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"


def getal(value: int | Decimal | None, decimals: int = 0) -> str:
    """`8.060`, `12,5`: Dutch digit grouping and decimal comma."""
    if value is None:
        return "onbekend"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value: int | Decimal | None) -> str:
    """`€ 5.000`."""
    if value is None:
        return "onbekend"
    return f"€ {getal(value)}"
