"""What a change touches, for `check --changed [REV]`: errors count anywhere, warnings
only where the change is.

The change is the work tree against REV (default HEAD: what a commit or a merge commit
would add), read from `git diff -U0` per data file. It touches, per file:

- wijken.yaml: the wijken whose lines differ;
- verbinders.yaml: the gebieden whose lines differ, and so every wijk of such a gebied
  (a new verbinder in Noord answers for Noord, not for a kern in Centrum);
- subsidies.yaml: the records whose lines differ;
- subsidieregeling.yaml: the regelingen whose lines differ, and so the subsidy records of
  the years they govern;
- .gitattributes: itself.

A file that REV does not have (or that git does not track yet) is touched whole. A
warning counts when it is about a touched wijk or lies in a touched record's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wijkctl import model
from wijkctl.errors import Problem, UsageError
from wijkctl.gitops import GITATTRIBUTES, git
from wijkctl.schema import FILES, REGELINGEN, SUBSIDIES, VERBINDERS, WIJKEN

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


@dataclass
class Scope:
    """What the change touches: wijk codes, and per file the line spans of touched records
    (first line, first line after) or the whole file."""

    wijken: set[str] = field(default_factory=set)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def concerns(self, p: Problem) -> bool:
        """Whether problem `p` lies where the change is."""
        if p.bestand in self.whole or (p.wijk is not None and p.wijk in self.wijken):
            return True
        return any(start <= p.regel < end for start, end in self.spans.get(p.bestand, []))


def scope(root: Path, rev: str, data: model.Dataset) -> Scope:
    """What the work tree changes against `rev` in the data directory `root`, with the
    records as read now (`data`, with their lines); exit 2 outside git or for an unknown REV."""
    prefix = git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise UsageError(f"--changed: {root} staat niet in een git-werkmap; zonder git is er geen wijziging om "
                         "naar te kijken. Gebruik 'wijkctl check --strict'.")
    if rev.startswith("-") or git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise UsageError(f"--changed: onbekende git-revisie '{rev}'.")
    out = Scope()
    changed = {name: _changed_lines(root, rev, prefix.stdout.strip(), name) for name in (*FILES, GITATTRIBUTES)}
    out.whole = {name for name, lines in changed.items() if lines is None}
    lines = {name: found for name, found in changed.items() if found}
    touched = {name: _touched(_records_of(data, name), lines.get(name, set()))
               for name in (WIJKEN, VERBINDERS, REGELINGEN, SUBSIDIES)}
    gebieden = {g.code for g in touched[VERBINDERS]}
    out.wijken = {w.code for w in touched[WIJKEN]} | {w.code for w in data.wijken if w.gebied in gebieden}
    jaren = [r.jaar for r in touched[REGELINGEN]]
    if jaren:  # a changed regeling governs the subsidy records of its years and later
        touched[SUBSIDIES] += [s for s in data.of("subsidies") if s.jaar >= min(jaren)]
    for name, records in touched.items():
        out.spans[name] = [_span(r, _records_of(data, name)) for r in records]
    if lines.get(GITATTRIBUTES):
        out.whole.add(GITATTRIBUTES)
    return out


def _records_of(data: model.Dataset, name: str) -> list[Any]:
    return data.of(FILES[name].attr)


def _changed_lines(root: Path, rev: str, prefix: str, name: str) -> set[int] | None:
    """The lines of the work tree's `name` that differ from `rev` (a deletion counts as
    the line before it); None when `rev` or the index does not hold the file (all new)."""
    if not (root / name).exists():
        return set()
    tracked = git(root, "ls-files", "--error-unmatch", "--", name).returncode == 0
    if not tracked or git(root, "cat-file", "-e", f"{rev}:{prefix}{name}").returncode != 0:
        return None
    done = git(root, "diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", rev, "--", name)
    lines: set[int] = set()
    for start, count in _HUNK.findall(done.stdout):
        first, n = int(start), int(count) if count else 1
        lines.update(range(first, first + n) if n else (max(first, 1),))
    return lines


def _touched(records: list[Any], lines: set[int]) -> list[Any]:
    """The records (read with their first line, `regel`) whose lines hold one of `lines`."""
    if not lines:
        return []
    ordered = sorted(records, key=lambda r: r.regel)
    starts = [r.regel for r in ordered]
    hit = set()
    for line in lines:
        i = _last_at_or_before(starts, line)
        if i is not None:
            hit.add(i)
    return [ordered[i] for i in sorted(hit)]


def _last_at_or_before(starts: list[int], line: int) -> int | None:
    import bisect

    i = bisect.bisect_right(starts, line) - 1
    return i if i >= 0 else None


def _span(record: Any, records: list[Any]) -> tuple[int, int]:
    """A record's lines: from its first to the first of the next record (or the end)."""
    later = [r.regel for r in records if r.regel > record.regel]
    return record.regel, min(later) if later else 10**12
