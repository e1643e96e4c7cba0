"""One declaration per fact: the coverage of every declaration is itself tested."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from wijkctl import formats, model, yamlio
from wijkctl import subsidiemodel as sm
from wijkctl.schema import FILES, Schema, schema_of

from .conftest import MEMBERS

RECORDS = (model.KernLid, model.Organisatie, model.Cijfers, model.Buurt, model.Wijk, model.Verbinder, model.Gemeente,
           model.Gebied, model.Staffel, model.Toeslag, model.Regeling, sm.Aanvraag, sm.Berekening, sm.Besluit,
           sm.Betaling, sm.Verantwoording, sm.Vaststelling, sm.Correctie, sm.Subsidie)
KINDS = {"str", "int", "num", "bool", "date", "mmdd", "strlist", "record", "records"}


def all_schemas() -> list[Schema]:
    seen: list[Schema] = []

    def walk(schema: Schema) -> None:
        if any(s.cls is schema.cls for s in seen):
            return
        seen.append(schema)
        for f in schema.fields:
            if f.schema is not None:
                walk(f.schema)

    for schema in (s for f in FILES.values() for s in (f.schema, *f.heads.values())):
        walk(schema)
    return seen


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_every_model_field_is_declared_and_every_declaration_is_a_field(cls):
    data_fields = [f for f in dataclasses.fields(cls) if f.name not in ("regel", "regels")]
    for f in data_fields:
        assert "kind" in f.metadata, f"{cls.__name__}.{f.name} has no declaration (model.decl)"
        assert f.metadata["kind"] in KINDS and f.metadata["label"], f"{cls.__name__}.{f.name}"
        if f.metadata["kind"] in ("record", "records"):
            assert f.metadata["of"] in RECORDS, f"{cls.__name__}.{f.name} names no record class"
    assert [f.key for f in schema_of(cls).fields] == [f.name for f in data_fields]


def test_every_record_class_is_reachable_from_a_file():
    assert {s.cls for s in all_schemas()} == set(RECORDS)


def test_formats_are_declared_once_and_all_used():
    used = {f.fmt for s in all_schemas() for f in s.fields if f.fmt}
    assert used == set(formats.FORMATS)


def test_every_maatstaf_reads_declared_figures():
    cijfers = {f.key for f in schema_of(model.Cijfers).fields}
    for m in model.MAATSTAF.values():
        assert m.teller in cijfers and (m.noemer is None or m.noemer in cijfers), m.naam
        assert m.label and m.schaal >= 1
    toeslag = next(f for f in schema_of(model.Toeslag).fields if f.key == "maatstaf")
    assert toeslag.keuze == model.MAATSTAVEN


def test_every_older_version_has_its_migration_step():
    for name, current in yamlio.CURRENT_VERSIE.items():
        assert name in FILES
        for versie in range(1, current):
            assert (name, versie) in yamlio.MIGRATIONS, (name, versie)
    for name, versie in yamlio.MIGRATIONS:
        assert 1 <= versie < yamlio.CURRENT_VERSIE[name], (name, versie)


def _rename_key(items: yaml.Node) -> None:
    """A stand-in migration: in this imagined versie 4, versie 3's `wijknaam` is `naam`."""
    for item in items.value:
        for key_node, _value in item.value:
            if key_node.value == "wijknaam":
                key_node.value = "naam"


def test_the_migration_seam_reads_an_older_file_and_its_next_change_writes_the_current(run, datadir, monkeypatch):
    monkeypatch.setitem(yamlio.CURRENT_VERSIE, "wijken.yaml", 4)  # a stand-in versie 4
    monkeypatch.setitem(yamlio.MIGRATIONS, ("wijken.yaml", 3), _rename_key)
    path = datadir / "wijken.yaml"
    old = path.read_text().replace("\n  naam: ", "\n  wijknaam: ")
    path.write_text(old)
    result = run("check")
    assert result.exit_code == 0 and "wijken.yaml is versie 3" in result.stderr
    assert json.loads(run("verbinder", "molenwijk", "-o", "json").stdout)["wijk_naam"] == "Molenwijk"
    assert run("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01",
               *MEMBERS).exit_code == 0
    new = path.read_text()
    assert new.startswith("versie: 4\n") and "wijknaam" not in new and "Wijkplatform Molenwijk" in new
    # against the migrated old text the change only adds lines: the diff is the migration and the change
    import difflib

    migrated = old.replace("versie: 3\n", "versie: 4\n", 1).replace("wijknaam", "naam").splitlines()
    assert not [d for d in difflib.ndiff(migrated, new.splitlines()) if d.startswith("- ")]
    assert run("check").stderr.count("versie 3") == 0


def test_a_newer_version_is_refused_with_its_line(run, datadir):
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("versie: 2", "versie: 7"))
    result = run("check")
    assert result.exit_code == 5 and "verbinders.yaml:1: versie 7 is nieuwer dan deze wijkctl kent" in result.stdout
