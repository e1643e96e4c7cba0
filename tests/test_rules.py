"""The lifecycle rules as pure functions on records, without the CLI."""

from __future__ import annotations

import datetime as dt

import pytest

from wijkctl import model, rules
from wijkctl.errors import NotFound, Refused, UsageError

D = dt.date
KERN = [model.KernLid(naam=n, email=f"{n.lower()}@example.org") for n in ("Anna", "Bram", "Cor")]


BUURTEN = ("Noord", "Midden", "Zuid")


def wijk(*orgs: model.Organisatie) -> model.Wijk:
    return model.Wijk(code="molenwijk", naam="Molenwijk", gebied="schalkwijk", organisaties=list(orgs),
                      buurten=[model.Buurt(naam=b) for b in BUURTEN])


def area(van, tot=None, buurten=()):
    return rules.Area(van, tot, tuple(buurten))


def register(w, van, members=None, details=None, naam="P", buurten=(), tot=None):
    return rules.register(w, naam=naam, area=area(van, tot, buurten),
                          members=list(KERN if members is None else members),
                          details=details or rules.Details(), taken=w.ids())


def convert(w, van, raden=(), members=None, buurten=()):
    return rules.convert(w, van=van, raden=list(raden), naam=None, members=list(KERN if members is None else members),
                         details=rules.Details(), buurten=list(buurten), taken=w.ids())


def raad(van=D(1990, 1, 1), tot=None):
    return model.Organisatie(id="wijkraad-molenwijk", soort="wijkraad", naam="Wijkraad Molenwijk", van=van, tot=tot)


def platform(van=D(2024, 1, 1), tot=None, kern=None):
    return model.Organisatie(id="wijkplatform-molenwijk", soort="wijkplatform", naam="Wijkplatform Molenwijk", van=van,
                             tot=tot,
                             kern=list(KERN if kern is None else kern))


def test_register_adds_platform_in_date_order():
    w = wijk(raad(tot=D(2020, 1, 1)))
    change = register(w, D(2025, 3, 1))
    assert [o.naam for o in w.organisaties] == ["Wijkraad Molenwijk", "P"] and w.organisaties[1].id == "p"
    assert change.commit_bericht == "register: P (molenwijk) per 2025-03-01"
    assert "per 1 maart 2025" in change.samenvatting


def test_register_refuses_overlap_and_points_to_convert_for_active_wijkraad():
    w = wijk(raad())
    with pytest.raises(Refused, match="wijkctl convert molenwijk"):
        register(w, D(2025, 3, 1))
    w = wijk(raad(van=D(2026, 1, 1)))  # a future wijkraad would overlap an open-ended platform
    with pytest.raises(Refused, match="één organisatie tegelijk"):
        register(w, D(2025, 3, 1))


def test_register_before_an_ended_organisation_is_refused_too():
    w = wijk(raad(van=D(2010, 1, 1), tot=D(2020, 1, 1)))
    with pytest.raises(Refused):
        register(w, D(2005, 1, 1))


def test_register_needs_three_members_and_kvk_for_stichting():
    with pytest.raises(Refused, match="minstens 3"):
        register(wijk(), D(2025, 1, 1), KERN[:2])
    with pytest.raises(UsageError, match="KvK"):
        register(wijk(), D(2025, 1, 1), details=rules.Details({"rechtsvorm": "stichting"}))
    with pytest.raises(UsageError, match="8 cijfers"):
        register(wijk(), D(2025, 1, 1), details=rules.Details({"rechtsvorm": "stichting", "kvk": "123"}))
    with pytest.raises(UsageError, match="twee keer"):
        register(wijk(), D(2025, 1, 1), [*KERN, KERN[0]])


def test_platforms_on_separate_buurten_live_side_by_side():
    w = wijk()
    register(w, D(2025, 1, 1), naam="Noord", buurten=["noord"])  # names are matched folded
    register(w, D(2025, 1, 1), naam="Zuid", buurten=["Zuid", "Midden"])
    assert [o.buurten for o in w.organisaties] == [["Noord"], ["Zuid", "Midden"]]
    with pytest.raises(Refused, match="Midden"):
        register(w, D(2026, 1, 1), naam="Midden", buurten=["Midden"])
    with pytest.raises(Refused):  # the whole wijk covers every buurt
        register(w, D(2026, 1, 1), naam="Heel")
    with pytest.raises(UsageError, match="geen buurt van Molenwijk"):
        register(w, D(2026, 1, 1), naam="X", buurten=["Elders"])


def test_a_wijkraad_with_an_unknown_start_counts_as_active_before_any_known_date():
    w = wijk()
    rules.register_wijkraad(w, naam="Wijkraad Noord", area=area(None, None, ["Noord"]), taken=w.ids())
    assert w.organisaties[0].van is None and w.organisaties[0].actief_op(D(1900, 1, 1))
    with pytest.raises(Refused):
        register(w, D(1950, 1, 1), buurten=["Noord"])
    register(w, D(1950, 1, 1), buurten=["Zuid"])


def test_convert_ends_wijkraad_and_links_successor():
    w = wijk(raad())
    convert(w, D(2024, 7, 1))
    r, p = w.organisaties
    assert r.tot == D(2024, 7, 1) == p.van
    assert p.naam == "Wijkplatform Molenwijk" and p.opvolger_van == ["wijkraad-molenwijk"] and p.buurten == []


def test_convert_of_several_wijkraden_covers_the_union_of_their_areas():
    w = wijk()
    for naam, buurt in (("Raad Noord", "Noord"), ("Raad Zuid", "Zuid")):
        rules.register_wijkraad(w, naam=naam, area=area(None, None, [buurt]), taken=w.ids())
    with pytest.raises(NotFound, match="meerdere actieve wijkraden"):
        convert(w, D(2024, 7, 1))
    convert(w, D(2024, 7, 1), raden=["raad-noord", "Raad Zuid"])
    p = w.organisaties[-1]
    assert p.opvolger_van == ["raad-noord", "raad-zuid"] and p.buurten == ["Noord", "Zuid"]
    assert all(o.tot == D(2024, 7, 1) for o in w.organisaties[:2])


@pytest.mark.parametrize("orgs", [(), (raad(tot=D(2024, 1, 1)),), (platform(),)])
def test_convert_without_active_wijkraad_is_refused(orgs):
    with pytest.raises(Refused, match="geen actieve wijkraad"):
        convert(wijk(*orgs), D(2024, 7, 1))


def test_convert_on_the_wijkraads_first_day_is_refused():
    with pytest.raises(Refused):
        convert(wijk(raad(van=D(2024, 7, 1))), D(2024, 7, 1))


def test_update_members_and_minimum():
    w = wijk(platform())
    rules.update(w, on=D(2025, 1, 1), add=[model.KernLid(naam="Dirk", email="d@example.org")], remove=["anna"])
    assert [lid.naam for lid in w.organisaties[0].kern] == ["Bram", "Cor", "Dirk"]
    change = rules.update(w, on=D(2025, 1, 1), remove=["Bram"])  # reality: recorded, with a warning
    assert "Let op" in change.samenvatting and len(w.organisaties[0].kern) == 2
    with pytest.raises(NotFound, match="Bedoelde je Cor"):
        rules.update(w, on=D(2025, 1, 1), remove=["Corr"])
    assert "Niets te wijzigen" in rules.update(w, on=D(2025, 1, 1), remove=["Nobody"]).samenvatting
    with pytest.raises(Refused, match="zit al"):
        rules.update(w, on=D(2025, 1, 1), add=[model.KernLid(naam="cor")])


def test_update_rename_keeps_the_successor_link_and_reports_nothing_to_change():
    w = wijk(platform(tot=D(2025, 1, 1)))
    w.organisaties.append(model.Organisatie(id="nieuw", soort="wijkplatform", naam="Nieuw", van=D(2025, 1, 1),
                                            opvolger_van=["wijkplatform-molenwijk"], kern=list(KERN)))
    rules.update(w, on=D(2024, 6, 1), naam="Platform Molenwijk")
    assert w.organisaties[1].opvolger_van == ["wijkplatform-molenwijk"]  # ids do not follow names
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
grond = st.lists(st.sampled_from(BUURTEN), max_size=2, unique=True)
operations = st.lists(st.one_of(
    st.tuples(st.just("register"), days, st.lists(names, min_size=2, max_size=5, unique=True), grond),
    st.tuples(st.just("convert"), days, st.lists(names, min_size=2, max_size=5, unique=True), grond),
    st.tuples(st.just("end"), days, st.none(), grond),
    st.tuples(st.just("add"), days, names, grond),
    st.tuples(st.just("remove"), days, names, grond),
    st.tuples(st.just("raad"), st.none() | days, st.none(), grond),
), max_size=12)


def _covered_twice(w: model.Wijk) -> list[tuple[str, str, str]]:
    """(buurt, a, b) for every two organisations covering one buurt on a common day."""
    out = []
    for i, a in enumerate(w.organisaties):
        for b in w.organisaties[i + 1:]:
            for buurt in BUURTEN:
                if a.dekt(buurt) and b.dekt(buurt) and a.overlapt(b.van, b.tot):
                    out.append((buurt, a.id, b.id))
    return out


@settings(max_examples=300, deadline=None)
@given(operations)
def test_any_sequence_of_accepted_commands_never_covers_a_buurt_twice(ops):
    w = wijk()
    data = model.Dataset(wijken=[w], gebieden=[model.Gebied(code="schalkwijk", naam="Schalkwijk")])
    for op, day, arg, buurten in ops:
        kern = [model.KernLid(naam=n, email=f"{n.lower()}@example.org") for n in arg] if isinstance(arg, list) else []
        try:
            if op == "register":
                register(w, day, kern, buurten=buurten, naam=f"P{day}")
            elif op == "convert":
                convert(w, day, members=kern, buurten=buurten)
            elif op == "end":
                rules.end(w, on=day, org_query=w.actief_op(day)[0].id if w.actief_op(day) else None)
            elif op == "add":
                rules.update(w, on=day, add=[model.KernLid(naam=arg, email="x@example.org")])
            elif op == "remove":
                rules.update(w, on=day, remove=[arg])
            else:
                rules.register_wijkraad(w, naam=f"Wijkraad {day}", area=area(day, None, buurten), taken=w.ids())
        except WijkctlError:
            continue  # refused: the rules say no, and the data must still be valid
        assert _covered_twice(w) == [], (op, day, arg, buurten)
        errors = [p for p in validate(data) if p.ernst == "fout"]
        assert errors == [], (op, day, arg, buurten, errors)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_fold_of_ascii_is_the_full_fold(name):
    import unicodedata

    from wijkctl.text import fold

    decomposed = unicodedata.normalize("NFKD", name.casefold()).lstrip()
    if decomposed.startswith("'t "):  # the Dutch rules on top of the Unicode fold: 't is het, ij is y
        decomposed = "het" + decomposed[2:]
    assert fold(name) == "".join(ch for ch in decomposed if ch.isalnum()).replace("ij", "y")
