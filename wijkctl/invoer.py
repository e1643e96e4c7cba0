"""What a person types, read once (CONTRACT §3, "What a person types").

Dates, years, day counts, KvK numbers, kern members, amounts and numbers from the
environment: every command reads them here, so that no two commands accept different
forms. Read as a Dutch civil servant writes them, and nothing looser: ASCII digits
only (Python's `int()` would take full-width digits and `1_0`). Each reader returns the
value or raises UsageError (exit 2) with a Dutch message that names the forms it takes.
Pure: no terminal, no files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from wijkctl import model
from wijkctl.errors import UsageError
from wijkctl.formats import FORMATS, complaint

JAAR_VAN, JAAR_TOT = FORMATS["jaar"].bereik  # type: ignore[misc]
DATUM_VORMEN = "JJJJ-MM-DD of D-M-JJJJ, bijvoorbeeld 2025-07-01 of 1-7-2025"

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DUTCH = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_DIGITS = re.compile(r"[0-9]{1,15}")
_MMDD = re.compile(r"([0-9]{2})-([0-9]{2})")
MAANDDAG_VORM = "MM-DD, bijvoorbeeld 04-01 voor 1 april"


def _spaces_stripped(value: str) -> str:
    """Without surrounding ASCII spaces, the only ones a date or number is typed with."""
    return value.strip(" ")


def datum(value: str, option: str) -> dt.date:
    """A date as `JJJJ-MM-DD` or `D-M-JJJJ` (`1-7-2025`, `01-07-2025`) in a year from
    1900 to 2200."""
    text = _spaces_stripped(value)
    iso, dutch = _ISO.fullmatch(text), _DUTCH.fullmatch(text)
    if iso:
        jaar, maand, dag = (int(g) for g in iso.groups())
    elif dutch:
        dag, maand, jaar = (int(g) for g in dutch.groups())
    else:
        raise UsageError(f"Ongeldige datum voor {option}: '{value}'. Gebruik {DATUM_VORMEN}.")
    if not JAAR_VAN <= jaar <= JAAR_TOT:
        raise UsageError(f"Ongeldige datum voor {option}: '{value}'; het jaar moet van {JAAR_VAN} "
                         f"tot en met {JAAR_TOT} zijn.")
    try:
        return dt.date(jaar, maand, dag)
    except ValueError:
        raise UsageError(f"Ongeldige datum voor {option}: '{value}' bestaat niet. Gebruik {DATUM_VORMEN}.") from None


def jaar(value: str, option: str) -> int:
    """A year from 1900 to 2200, in ASCII digits."""
    text = _spaces_stripped(value)
    if not re.fullmatch(r"[0-9]{4}", text) or not JAAR_VAN <= int(text) <= JAAR_TOT:
        raise UsageError(f"Ongeldig jaar voor {option}: '{value}'. Geef een jaar van {JAAR_VAN} tot en met "
                         f"{JAAR_TOT} in cijfers, bijvoorbeeld 2025.")
    return int(text)


def dagen(value: str, option: str, maximum: int) -> int:
    """A number of days from 0 to `maximum`, in ASCII digits."""
    text = _spaces_stripped(value)
    if not _DIGITS.fullmatch(text) or int(text) > maximum:
        raise UsageError(f"Ongeldig aantal dagen voor {option}: '{value}'. Geef 0 tot en met {maximum} in cijfers.")
    return int(text)


def maanddag(value: str, option: str) -> str:
    """A day of the year as `MM-DD` (`04-01` is 1 April), as the regeling stores it: one
    that every year has, so not 29 February."""
    text = _spaces_stripped(value)
    found = _MMDD.fullmatch(text)
    if found:
        try:
            dt.date(2023, int(found[1]), int(found[2]))  # not a leap year
            return text
        except ValueError:
            pass
    raise UsageError(f"Ongeldige dag voor {option}: '{value}'. Gebruik {MAANDDAG_VORM}; 29 februari kan niet "
                     "(niet elk jaar heeft die dag).")


def weken(value: str, option: str, maximum: int = 104) -> int:
    """A number of weeks from 1 to `maximum`, in ASCII digits."""
    text = _spaces_stripped(value)
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= maximum:
        raise UsageError(f"Ongeldig aantal weken voor {option}: '{value}'. Geef 1 tot en met {maximum} in cijfers.")
    return int(text)


_KVK = re.compile(r"[0-9](?:[ .]?[0-9]){7}")


def kvk(value: str) -> str:
    """A KvK number: 8 digits, which may be grouped by spaces or dots (`8765 4321`,
    `87.65.43.21`); stored as its 8 digits."""
    text = _spaces_stripped(value)
    if not _KVK.fullmatch(text):
        raise UsageError(f"Ongeldig KvK-nummer '{value}': een KvK-nummer is 8 cijfers, eventueel met spaties "
                         "of punten ertussen (8765 4321).")
    return text.replace(" ", "").replace(".", "")


_BEDRAG = re.compile(r"(?:€ ?)?([0-9]{1,3}(?:\.[0-9]{3}){1,4}|[0-9]{1,15})")


def bedrag(value: str, option: str) -> int:
    """An amount in whole euros: `6500`, `6.500` or `€ 6.500`; never negative, never cents."""
    text = _spaces_stripped(value)
    m = _BEDRAG.fullmatch(text)
    if m:
        return int(m.group(1).replace(".", ""))
    if "," in text:
        raise UsageError(f"Ongeldig bedrag voor {option}: '{value}'; alleen hele euro's, zonder centen "
                         "(6500, 6.500 of € 6.500).")
    if text.lstrip("€ ").startswith("-"):
        raise UsageError(f"Ongeldig bedrag voor {option}: '{value}'; een bedrag is nooit negatief.")
    raise UsageError(f"Ongeldig bedrag voor {option}: '{value}'. Geef hele euro's: 6500, 6.500 of € 6.500.")


_GETAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?")


def omgeving_getal(naam: str, value: str, maximum: float) -> float:
    """A number from the environment variable `naam`: ASCII digits with an optional
    decimal point, from 0 to `maximum` (no `1_0`, `1e3`, `inf` or `nan`)."""
    text = value.strip()
    if not _GETAL.fullmatch(text) or float(text) > maximum:
        raise UsageError(f"{naam} moet een aantal seconden van 0 tot {maximum:g} zijn in cijfers "
                         f"(bijvoorbeeld 10 of 2.5), niet '{value}'.")
    return float(text)


# --- kern members ---------------------------------------------------------------------


LID_VORMEN = ('"Naam <e-mail> [telefoon] [rol]", "Naam e-mail [telefoon] [rol]" of "Naam <> telefoon [rol]" '
              f"(rol: {', '.join(model.ROLLEN)})")
_LID_HOEK = re.compile(r"(?P<naam>[^<>]*)<(?P<email>[^<>]*)>(?P<telefoon>[^<>]*)")
_LID_VRIJ = re.compile(r"(?P<naam>[^<>@]*?)\s+(?P<email>[^\s<>@]+@[^\s<>@]+)(?P<telefoon>[^<>@]*)")
_LID_VELDEN = (("naam", "naam", "naam"), ("email", "email", "e-mailadres"), ("telefoon", "telefoon", "telefoonnummer"))


_ROL = re.compile(r"\s+\[?(?P<rol>[^\W\d_]+)\]?\s*$")


def _rol(text: str) -> tuple[str, str | None]:
    """`text` without a trailing role (`... [voorzitter]` or `... voorzitter`), and that role;
    a bracketed word that is no role is exit 2 naming the roles."""
    m = _ROL.search(text)
    if m is None or "@" in m.group("rol"):
        return text, None
    rol = m.group("rol").casefold()
    if rol in model.ROLLEN:
        return text[:m.start()], rol
    if m.group(0).strip().startswith("["):
        raise UsageError(f"'{m.group('rol')}' is geen rol in de kern; kies uit {', '.join(model.ROLLEN)}.")
    return text, None


def met_rol(lid_: model.KernLid, rol: str | None) -> model.KernLid:
    """`lid_` with the role given by `--role` (exit 2 for one that is no role)."""
    if rol is None:
        return lid_
    if rol.strip().casefold() not in model.ROLLEN:
        raise UsageError(f"--role: '{rol}' is geen rol in de kern; kies uit {', '.join(model.ROLLEN)}.")
    return dataclasses.replace(lid_, rol=rol.strip().casefold())


def lid(text: str) -> model.KernLid:
    """A kern member from `"Naam <email> [telefoon] [rol]"`, `"Naam email [telefoon] [rol]"`
    or, phone only, `"Naam <> telefoon [rol]"`: a name and at least one of e-mail and phone,
    each in the format its declaration (and so `check`) demands; the role (CONTRACT §1,
    wijken versie 3) bracketed or as the last word."""
    text, rol = _rol(text)
    m = _LID_HOEK.fullmatch(text) or _LID_VRIJ.fullmatch(text)
    if not m or not m.group("naam").strip():
        raise UsageError(f"Kernlid '{text}' heeft niet de vorm {LID_VORMEN}.")
    waarden = {"naam": m.group("naam").strip(), "email": m.group("email").strip() or None,
               "telefoon": " ".join(m.group("telefoon").split()) or None}
    if waarden["email"] is None and waarden["telefoon"] is None:
        raise UsageError(f"Kernlid '{waarden['naam']}' heeft een e-mailadres of telefoonnummer nodig: {LID_VORMEN}.")
    for key, fmt, label in _LID_VELDEN:
        klacht = complaint(label, waarden[key], fmt) if waarden[key] is not None else None
        if klacht is not None:
            wie = waarden["naam"] if key != "naam" else text.strip()
            raise UsageError(f"Kernlid '{wie}': {klacht}." if key != "naam" else f"Kernlid: {klacht}.")
    return model.KernLid(**waarden, rol=rol)
