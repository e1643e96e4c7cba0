"""The formats a text or number in the data must have, each declared once.

A record field names its format (or its choices) in `model.py`; the validator checks the
data files with it and the commands check command-line values with it, so a file and a
command can never disagree on what a KvK number is. "Digits" are ASCII digits only:
`\\d` would admit digits of every script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from wijkctl.text import name_problem


class Format(NamedTuple):
    """A pattern (or a range, for years), the Dutch complaint for a value that misses it
    (with `{label}` and `{value}` in it), and the rule in words for docs/data-format.md.
    A `toets` instead of a pattern says why a text misses the format (None: it fits);
    the complaint is then `{label}` and that reason, without the value (which may hold
    the very characters that would garble a terminal)."""

    pattern: re.Pattern[str] | None
    klacht: str
    uitleg: str
    bereik: tuple[int, int] | None = None
    toets: Callable[[str], str | None] | None = None


FORMATS: dict[str, Format] = {
    "slug": Format(re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"),
                   "{label} '{value}' moet kleine letters, cijfers en koppeltekens zijn (zoals 'oude-stad')",
                   "kleine letters en cijfers, delen gescheiden door één koppelteken (`oude-stad`)"),
    "cbs_wijk": Format(re.compile(r"WK[0-9]{6}"), "{label} '{value}' moet WK met 6 cijfers zijn",
                       "`WK` en 6 cijfers (`WK039220`)"),
    "cbs_gemeente": Format(re.compile(r"GM[0-9]{4}"), "{label} '{value}' moet GM met 4 cijfers zijn",
                           "`GM` en 4 cijfers (`GM0392`)"),
    "cbs_buurt": Format(re.compile(r"BU[0-9]{8}"), "{label} '{value}' moet BU met 8 cijfers zijn",
                        "`BU` en 8 cijfers (`BU03922101`)"),
    "kvk": Format(re.compile(r"[0-9]{8}"), "{label} '{value}' moet 8 cijfers zijn",
                  "8 cijfers, als tekst (`'01234567'`)"),
    "email": Format(re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}"), "ongeldig {label} '{value}'",
                    "een e-mailadres (`naam@voorbeeld.nl`)"),
    "telefoon": Format(re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]"), "ongeldig {label} '{value}'",
                       "cijfers, spaties en koppeltekens, eventueel met `+` ervoor, als tekst"),
    "website": Format(re.compile(r"https?://\S+"), "{label} '{value}' moet met http:// of https:// beginnen",
                      "begint met `http://` of `https://`"),
    "naam": Format(None, "{label} {reden}", "zonder onzichtbare tekens (U+200B, U+202E, U+00AD, ...) en "
                   "niet Latijns, Grieks of Cyrillisch door elkaar", toets=name_problem),
    "jaar": Format(None, "{label} {value} is geen plausibel jaar (1900 tot en met 2200)",
                   "een jaar van 1900 tot en met 2200", (1900, 2200)),
}


def complaint(label: str, value: Any, fmt: str | None = None, keuze: tuple[str, ...] | None = None) -> str | None:
    """What is wrong with `value` for a field with this format or these choices, or None."""
    if keuze is not None and value not in keuze:
        return f"onbekende {label} '{value}'; kies uit {', '.join(keuze)}"
    if fmt is None:
        return None
    rule = FORMATS[fmt]
    if rule.toets is not None:
        reden = rule.toets(value) if isinstance(value, str) else "moet tekst zijn"
        return None if reden is None else rule.klacht.format(label=label, reden=reden)
    if rule.bereik is not None:
        ok = isinstance(value, int) and rule.bereik[0] <= value <= rule.bereik[1]
    else:
        ok = isinstance(value, str) and rule.pattern is not None and rule.pattern.fullmatch(value) is not None
    return None if ok else rule.klacht.format(label=label, value=value)
