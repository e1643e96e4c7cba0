"""Small pure text helpers: name folding and Dutch formatting for people."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def today() -> dt.date:
    """Today, the one place wijkctl asks the clock (so tests can pin it)."""
    return dt.date.today()


def fold(name: str) -> str:
    """A name reduced for comparison, as a Dutch reader compares names: no case, accents,
    spaces or punctuation; `y` for `ij` (Schalkwyk, Schalkwijk); a leading `'t` as `het`.

    "Waarder- en Veerpolder", "waarder en veerpolder" and "WAARDER-EN-VEERPOLDER"
    all fold to "waarderenveerpolder"; "'t Zand" and "Het Zand" to "hetzand". The one
    folding of look-ups, uniqueness rules, identities and completion alike.
    """
    if name.isascii():  # the common case, at C speed (nationwide validation folds 10,000 names)
        low = name.lower().lstrip()
        if low.startswith("'t "):
            low = "het" + low[2:]
        key = _NOT_ALNUM.sub("", low)
    else:
        # casefold between two decompositions: `𝐴` decomposes to `A`, which folds to `a`
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold()).lstrip()
        if decomposed.startswith(("'t ", "\u2019t ")):
            decomposed = "het" + decomposed[2:]
        key = "".join(ch for ch in decomposed if ch.isalnum())
    return key.replace("ij", "y") if "ij" in key else key


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


def aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    """`1 kernlid`, `2 kernleden`, `0 kernleden`: a count with its noun in the right number."""
    return f"{getal(n)} {enkelvoud if n == 1 else meervoud}"


def kernleden(n: int) -> str:
    """`1 kernlid`, `2 kernleden`: the count wijkctl says most."""
    return aantal(n, "kernlid", "kernleden")


def opsomming(items: Iterable[str], laatste: str = "en") -> str:
    """Dutch list joining: `Binnenstad, Vijfhoek en Burgwal` (`of` with `laatste="of"`)."""
    woorden = [str(i) for i in items]
    if len(woorden) <= 1:
        return "".join(woorden)
    return f"{', '.join(woorden[:-1])} {laatste} {woorden[-1]}"


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



def invisible_character(value: str) -> str | None:
    """The first invisible formatting character in `value` as `U+200B`, or None: Unicode's
    format characters (category Cf), among them the soft hyphen U+00AD, zero-width
    spaces and joiners, the bidirectional controls U+202A-U+202E and U+2066-U+2069 that
    can show a text in another order than it is read, and the tag characters."""
    if value.isascii():
        return None
    for ch in value:
        if unicodedata.category(ch) == "Cf":
            return f"U+{ord(ch):04X}"
    return None


_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def mixed_scripts(value: str) -> tuple[str, str] | None:
    """Two of the Latin, Greek and Cyrillic scripts when letters of both stand in
    `value` (as a Cyrillic `о` in `Mоlenwijk`, which looks like the Latin name but
    folds apart from it), else None."""
    if value.isascii():
        return None
    seen: list[str] = []
    for ch in value:
        if not ch.isalpha():
            continue
        script = unicodedata.name(ch, "").split(" ", 1)[0]
        if script in _SCRIPTS and script not in seen:
            seen.append(script)
            if len(seen) == 2:
                return seen[0], seen[1]
    return None


_SCRIPT_NAMES = {"LATIN": "Latijnse", "GREEK": "Griekse", "CYRILLIC": "Cyrillische"}


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a name (of a wijk, buurt, organisation, gebied, person),
    or None: an invisible character, or letters of two look-alike scripts."""
    teken = invisible_character(value)
    if teken is not None:
        return f"bevat een onzichtbaar teken ({teken}); typ de naam zonder"
    scripts = mixed_scripts(value)
    if scripts is not None:
        a, b = (_SCRIPT_NAMES[s] for s in scripts)
        return f"mengt {a} en {b} letters die op elkaar lijken; typ de naam in één schrift"
    return None
