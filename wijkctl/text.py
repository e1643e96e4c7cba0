"""Small pure text helpers: name folding and Dutch formatting for people."""

from __future__ import annotations

import datetime as dt
import re
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


def today() -> dt.date:
    """Today, the one place wijkctl asks the clock (so tests can pin it)."""
    return dt.date.today()


def fold(name: str) -> str:
    """A name reduced for comparison: no case, accents, spaces or punctuation.

    "Waarder- en Veerpolder", "waarder en veerpolder" and "WAARDER-EN-VEERPOLDER"
    all fold to "waarderenveerpolder".
    """
    if name.isascii():  # the common case, at C speed (nationwide validation folds 10,000 names)
        return _NOT_ALNUM.sub("", name.lower())
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """An id made from a name: lower case, no accents, words joined by hyphens.

    "Wijkraad Vijfhoek, Raaks en Doelen" -> "wijkraad-vijfhoek-raaks-en-doelen".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in decomposed
                    if not unicodedata.combining(ch)).split()
    return "-".join(words) or "organisatie"


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first not in `taken`."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def datum(day: dt.date | None) -> str:
    """`1 juli 2025`; "onbekend" for an unknown day."""
    if day is None:
        return "onbekend"
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


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control character in `value` as `U+001B`, or None.

    Control characters (C0, C1, DEL), line and paragraph separators and lone surrogates
    (undecodable bytes) would reach a terminal or a spreadsheet as commands or break a
    record; wijkctl refuses them in data and arguments. `multiline` text may hold line
    breaks and tabs.
    """
    if value.isprintable():
        return None
    for ch in value:
        if ch.isprintable() or ch == " " or (multiline and ch in "\n\t"):
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def printable(value: str, *, keep_newlines: bool = False) -> str:
    """`value` with every control character shown as an escape (`\\x1b`), so that it
    cannot act on a terminal or split a CSV record."""
    if value.isprintable() or control_character(value, multiline=keep_newlines) is None:
        return value
    out = []
    for ch in value:
        if (ch.isprintable() or ch == " " or (keep_newlines and ch == "\n")
                or unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp")):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                       if ord(ch) < 0xD800 or ord(ch) > 0xDFFF else f"\\x{ord(ch) - 0xDC00:02x}")
    return "".join(out)

