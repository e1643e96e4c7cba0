"""One exception family; each subclass carries the contract's exit code (CONTRACT §4)."""

from __future__ import annotations

from typing import NamedTuple

OK = 0
INTERNAL = 1
USAGE = 2
NOT_FOUND = 3
REFUSED = 4
INVALID_DATA = 5
BUSY = 6


class WijkctlError(Exception):
    """Base of every error wijkctl reports to the user; `message` is Dutch."""

    exit_code = INTERNAL

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class WriteFailed(WijkctlError):
    """The system refused a write (disk full, permissions, file too large)."""

    exit_code = INTERNAL


class UsageError(WijkctlError):
    exit_code = USAGE


class NotFound(WijkctlError):
    exit_code = NOT_FOUND


class Refused(WijkctlError):
    exit_code = REFUSED


class InvalidData(WijkctlError):
    exit_code = INVALID_DATA


class Busy(WijkctlError):
    exit_code = BUSY


class OutputFailed(Exception):
    """stdout refused a write (closed, full, a reader that stopped reading). `landed`: the
    run had already replaced data files (`commands.common.after_write`), so it is still a
    success: "De wijziging is wel opgeslagen"."""

    def __init__(self, error: OSError, landed: bool = False):
        super().__init__(str(error))
        self.error = error
        self.landed = landed


class Problem(NamedTuple):
    """One finding of the loader or the validator, at a place in a file."""

    bestand: str
    regel: int
    melding: str
    ernst: str = "fout"  # fout | waarschuwing
    rule: str = "vorm"  # the stable name of the rule broken (`regel_id` in JSON), for scripts
    wijk: str | None = None  # the code of the wijk it concerns, if one
    tot: str | None = None  # a warning: the first day (ISO) it no longer holds; None: it lasts

    def __str__(self) -> str:
        return f"{self.bestand}:{self.regel}: {self.melding}"
