"""Tests that fail on a forgotten place: a schema changed without a new `versie`, a command
module the CLI does not register, a data file whose records do not survive dump → load → dump."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkctl import cli, commands
from wijkctl.schema import FILES, Schema
from wijkctl.yamlio import dump_records, load_text

from .strategies import records_of

# The fingerprint of each data file's record schema at its current `versie`. A change to a
# key, its kind, whether it is required, its choices or its nesting is a change of the
# file format: bump the DataFile's `versie`, add a migration from the old one, and only
# then put the new fingerprint here (the previous release then says "installeer een
# nieuwere wijkctl" instead of "onbekende sleutel").
FINGERPRINTS = {
    ("wijken.yaml", 3): "5af2f3882c5f4c4a",
    ("verbinders.yaml", 1): "5c909adc3d48bf3d",
    ("verbinders.yaml", 2): "f3c997e50b8130ab",  # the gemeente head record (issue 23)
    ("subsidieregeling.yaml", 1): "46acc81bbed33bef",
    ("subsidieregeling.yaml", 2): "90ed37a94a9be258",  # the procedure fields (issue 22)
    ("subsidies.yaml", 1): "e7634721032fc86e",
}


def _shape(schema: Schema) -> list:
    return [schema.flow, *[(f.key, f.kind, f.required, f.keuze and list(f.keuze), f.multiline,
                            f.schema and _shape(f.schema)) for f in schema.fields]]


def fingerprint(schema: Schema, heads: dict[str, Schema] | None = None) -> str:
    """The shape of a file's records and, when it has them, of its head records."""
    shape = [_shape(schema), *[(key, _shape(s)) for key, s in heads.items()]] if heads else _shape(schema)
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


def test_a_schema_change_comes_with_a_new_versie():
    for name, f in FILES.items():
        assert (name, f.versie) in FINGERPRINTS, (
            f"{name} versie {f.versie} has no fingerprint: add a migration from the previous versie, "
            f"then ({name!r}, {f.versie}): {fingerprint(f.schema, f.heads)!r} to FINGERPRINTS")
        assert FINGERPRINTS[name, f.versie] == fingerprint(f.schema, f.heads), (
            f"the schema of {name} changed but its versie is still {f.versie}: bump `versie` in schema.FILES "
            f"and add a migration, then record ({name!r}, {f.versie + 1}): {fingerprint(f.schema, f.heads)!r}")


def test_every_command_module_is_registered_in_the_cli():
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__)} - {"common"}
    for name in sorted(modules):
        declared = getattr(importlib.import_module(f"wijkctl.commands.{name}"), "COMMANDS", None)
        assert declared, f"wijkctl/commands/{name}.py declares no COMMANDS"
        for command, function in declared.items():
            assert cli.COMMANDS.get(command) == name, f"{command} ({name}.py) is missing from cli.COMMANDS"
            # a command with subcommands (`regeling add`) declares them as a dict of functions
            assert all(callable(f) for f in (function.values() if isinstance(function, dict) else [function]))
    assert set(cli.COMMANDS.values()) <= modules


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_file_survives_dump_load_dump(data):
    for name, f in FILES.items():
        records = data.draw(st.lists(records_of(f.schema), max_size=3), label=name)
        text = dump_records(name, records)
        loaded = load_text(name, text)
        assert not loaded.problems, (name, text, loaded.problems)
        assert dump_records(name, loaded.records) == text, name
