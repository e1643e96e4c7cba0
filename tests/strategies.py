"""Hypothesis strategies derived from the declarations: a record of any schema in
`schema.FILES`, each field drawn by its declared kind, format (`formats.FORMATS`) or
choices, so a new field or file is covered without a line here."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import strategies as st

from wijkctl.formats import FORMATS
from wijkctl.schema import Field, Schema

_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -'éë:#&!,?", min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s.strip())


def _printable(s: str) -> bool:
    return s.isprintable() and s.strip() == s


def text_of(f: Field) -> st.SearchStrategy:
    """A text the field accepts: one of its choices, a match of its format's pattern, or a name."""
    if f.keuze is not None:
        return st.sampled_from(f.keuze)
    rule = FORMATS.get(f.fmt) if f.fmt else None
    if rule is not None and rule.pattern is not None:
        return st.from_regex(rule.pattern, fullmatch=True).filter(_printable)
    if rule is not None and rule.toets is not None:
        return _TEXT.filter(lambda s: rule.toets(s) is None)
    return _TEXT


def value_of(f: Field) -> st.SearchStrategy:
    rule = FORMATS.get(f.fmt) if f.fmt else None
    kind = f.kind
    if kind == "str":
        return text_of(f)
    if kind == "int":
        return st.integers(*rule.bereik) if rule is not None and rule.bereik else st.integers(0, 10**6)
    if kind == "num":
        return st.integers(0, 10**6) | st.integers(1, 10**6).map(lambda n: n / 100)
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31))
    if kind == "bool":
        return st.booleans()
    if kind == "mmdd":
        return st.dates(dt.date(2001, 1, 1), dt.date(2001, 12, 31)).map(lambda d: d.strftime("%m-%d"))
    if kind == "strlist":
        return st.lists(text_of(f), min_size=1, max_size=3, unique=True)
    if kind == "record":
        assert f.schema is not None
        return records_of(f.schema)
    if kind == "records":
        assert f.schema is not None
        return st.lists(records_of(f.schema), min_size=1, max_size=3)
    raise AssertionError(f"no strategy for the kind {kind!r} of {f.key}: add one here")


def records_of(schema: Schema) -> st.SearchStrategy:
    """A record of `schema`: every required field, and each optional one present or absent."""
    parts = {f.key: value_of(f) if f.required else st.none() | value_of(f) for f in schema.fields}
    return st.fixed_dictionaries(parts).map(lambda values: schema.cls(**values))
