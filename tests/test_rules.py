"""The lifecycle rules as pure functions on records, without the CLI."""

from __future__ import annotations

import datetime as dt

import pytest

from wijkctl import model, rules
from wijkctl.errors import NotFound, Refused, UsageError

D = dt.date
KERN = [model.KernLid(naam=n, email=f"{n.lower()}@example.org") for n in ("Anna", "Bram", "Cor")]


def wijk(*orgs: model.Organisatie) -> model.Wijk:
    return model.Wijk(code="molenwijk", naam="Molenwijk", gebied="schalkwijk", organisaties=list(orgs))


def raad(van=D(1990, 1, 1), tot=None):
    return model.Organisatie(soort="wijkraad", naam="Wijkraad Molenwijk", van=van, tot=tot)


def platform(van=D(2024, 1, 1), tot=None, kern=None):
    return model.Organisatie(soort="wijkplatform", naam="Wijkplatform Molenwijk", van=van, tot=tot,
                             kern=list(KERN if kern is None else kern))


def test_register_adds_platform_in_date_order():
    w = wijk(raad(tot=D(2020, 1, 1)))
    change = rules.register(w, naam="P", van=D(2025, 3, 1), members=list(KERN), details=rules.Details())
    assert [o.naam for o in w.organisaties] == ["Wijkraad Molenwijk", "P"]
    assert change.commit_bericht == "register: P (molenwijk) per 2025-03-01"
    assert "per 1 maart 2025" in change.samenvatting


def test_register_refuses_overlap_and_points_to_convert_for_active_wijkraad():
    w = wijk(raad())
    with pytest.raises(Refused, match="wijkctl convert molenwijk"):
        rules.register(w, naam="P", van=D(2025, 3, 1), members=list(KERN), details=rules.Details())
    w = wijk(raad(van=D(2026, 1, 1)))  # a future wijkraad would overlap an open-ended platform
    with pytest.raises(Refused, match="één organisatie tegelijk"):
        rules.register(w, naam="P", van=D(2025, 3, 1), members=list(KERN), details=rules.Details())


def test_register_before_an_ended_organisation_is_refused_too():
    w = wijk(raad(van=D(2010, 1, 1), tot=D(2020, 1, 1)))
    with pytest.raises(Refused):
        rules.register(w, naam="P", van=D(2005, 1, 1), members=list(KERN), details=rules.Details())


def test_register_needs_three_members_and_kvk_for_stichting():
    with pytest.raises(Refused, match="minstens 3"):
        rules.register(wijk(), naam="P", van=D(2025, 1, 1), members=KERN[:2], details=rules.Details())
    with pytest.raises(UsageError, match="KvK"):
        rules.register(wijk(), naam="P", van=D(2025, 1, 1), members=list(KERN), details=rules.Details("stichting"))
    with pytest.raises(UsageError, match="8 cijfers"):
        rules.register(wijk(), naam="P", van=D(2025, 1, 1), members=list(KERN), details=rules.Details("stichting", "123"))
    with pytest.raises(UsageError, match="twee keer"):
        rules.register(wijk(), naam="P", van=D(2025, 1, 1), members=[*KERN, KERN[0]], details=rules.Details())


@pytest.mark.parametrize("text,ok", [
    ("Anna de Vries <anna@example.org>", True),
    ("Anna de Vries <anna@example.org> 0612345678", True),
    ("Anna de Vries <anna@example.org> +31 6 1234 5678", True),
    ("Anna de Vries", False),
    ("<anna@example.org>", False),
    ("Anna <anna-at-example.org>", False),
    ("Anna <anna@example.org> bel me", False),
])
def test_parse_member(text, ok):
    if ok:
        lid = rules.parse_member(text)
        assert lid.naam == "Anna de Vries" and lid.email == "anna@example.org"
    else:
        with pytest.raises(UsageError):
            rules.parse_member(text)


def test_convert_ends_wijkraad_and_links_successor():
    w = wijk(raad())
    rules.convert(w, van=D(2024, 7, 1), naam=None, members=list(KERN), details=rules.Details())
    r, p = w.organisaties
    assert r.tot == D(2024, 7, 1) == p.van
    assert p.naam == "Wijkplatform Molenwijk" and p.opvolger_van == "Wijkraad Molenwijk"


@pytest.mark.parametrize("orgs", [(), (raad(tot=D(2024, 1, 1)),), (platform(),)])
def test_convert_without_active_wijkraad_is_refused(orgs):
    with pytest.raises(Refused, match="geen actieve wijkraad"):
        rules.convert(wijk(*orgs), van=D(2024, 7, 1), naam=None, members=list(KERN), details=rules.Details())


def test_convert_on_the_wijkraads_first_day_is_refused():
    with pytest.raises(Refused):
        rules.convert(wijk(raad(van=D(2024, 7, 1))), van=D(2024, 7, 1), naam=None, members=list(KERN), details=rules.Details())


def test_update_members_and_minimum():
    w = wijk(platform())
    rules.update(w, on=D(2025, 1, 1), add=[model.KernLid(naam="Dirk", email="d@example.org")], remove=["anna"])
    assert [lid.naam for lid in w.organisaties[0].kern] == ["Bram", "Cor", "Dirk"]
    with pytest.raises(Refused, match="minstens 3"):
        rules.update(w, on=D(2025, 1, 1), remove=["Bram"])
    with pytest.raises(NotFound, match="geen kernlid"):
        rules.update(w, on=D(2025, 1, 1), remove=["Nobody"])
    with pytest.raises(Refused, match="zit al"):
        rules.update(w, on=D(2025, 1, 1), add=[model.KernLid(naam="bram")])


def test_update_rename_follows_successor_link_and_reports_nothing_to_change():
    w = wijk(platform(tot=D(2025, 1, 1)))
    w.organisaties.append(model.Organisatie(soort="wijkplatform", naam="Nieuw", van=D(2025, 1, 1),
                                            opvolger_van="Wijkplatform Molenwijk", kern=list(KERN)))
    rules.update(w, on=D(2024, 6, 1), naam="Platform Molenwijk")
    assert w.organisaties[1].opvolger_van == "Platform Molenwijk"
    change = rules.update(w, on=D(2024, 6, 1), naam="Platform Molenwijk")
    assert change.commit_bericht == "" and "Niets te wijzigen" in change.samenvatting


def test_update_needs_an_active_platform():
    with pytest.raises(Refused, match="geen actieve organisatie"):
        rules.update(wijk(), on=D(2025, 1, 1), naam="x")
    with pytest.raises(Refused, match="wijkraad"):
        rules.update(wijk(raad()), on=D(2025, 1, 1), naam="x")


def test_end_sets_tot_and_reason():
    w = wijk(platform())
    rules.end(w, on=D(2026, 1, 1), reden="opgeheven")
    assert w.organisaties[0].tot == D(2026, 1, 1) and w.organisaties[0].reden_einde == "opgeheven"
    with pytest.raises(Refused, match="geen actieve organisatie"):
        rules.end(w, on=D(2026, 1, 1))
    with pytest.raises(Refused, match="daarna"):
        rules.end(wijk(platform()), on=D(2024, 1, 1))


# --- the rules keep the data valid, whatever sequence of commands is given ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from wijkctl.errors import WijkctlError  # noqa: E402
from wijkctl.validate import validate  # noqa: E402

days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
names = st.sampled_from(["Anna", "Bram", "Cor", "Dirk", "Eva", "Fien"])
operations = st.lists(st.one_of(
    st.tuples(st.just("register"), days, st.lists(names, min_size=2, max_size=5, unique=True)),
    st.tuples(st.just("convert"), days, st.lists(names, min_size=2, max_size=5, unique=True)),
    st.tuples(st.just("end"), days, st.none()),
    st.tuples(st.just("add"), days, names),
    st.tuples(st.just("remove"), days, names),
    st.tuples(st.just("raad"), days, st.none()),
), max_size=12)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_any_sequence_of_accepted_commands_leaves_valid_data(ops):
    w = wijk()
    data = model.Dataset(wijken=[w], gebieden=[model.Gebied(code="schalkwijk", naam="Schalkwijk")])
    for op, day, arg in ops:
        kern = [model.KernLid(naam=n, email=f"{n.lower()}@example.org") for n in arg] if isinstance(arg, list) else []
        try:
            if op == "register":
                rules.register(w, naam=f"P{day}", van=day, members=kern, details=rules.Details())
            elif op == "convert":
                rules.convert(w, van=day, naam=None, members=kern, details=rules.Details())
            elif op == "end":
                rules.end(w, on=day)
            elif op == "add":
                rules.update(w, on=day, add=[model.KernLid(naam=arg, email="x@example.org")])
            elif op == "remove":
                rules.update(w, on=day, remove=[arg])
            elif not any(o.overlapt(day, None) for o in w.organisaties):  # a wijkraad, as data may hold
                w.organisaties.append(model.Organisatie(soort="wijkraad", naam=f"Wijkraad {day}", van=day))
                w.organisaties.sort(key=lambda o: o.van)
        except WijkctlError:
            continue  # refused: the rules say no, and the data must still be valid
        errors = [p for p in validate(data) if p.ernst == "fout"]
        assert errors == [], (op, day, arg, errors)
