"""The subsidy engine (CONTRACT §2) by hand-computed cases and properties, and the command."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import model
from wijkctl import subsidy as s
from wijkctl.errors import NotFound

from .conftest import MEMBERS

D = dt.date


def regeling(jaar=2024, basis=5000, maximum=10000, toeslagen=(), plafond=None, deadline="10-01"):
    return model.Regeling(jaar=jaar, naam=f"Regeling {jaar}", basisbedrag=basis, maximum=maximum,
                          status="vastgesteld", aanvragen_voor=deadline, plafond=plafond, toeslagen=list(toeslagen))


def wijk(code="a", van=D(2020, 1, 1), tot=None, gebied="g", **cijfers):
    orgs = [] if van is None else [model.Organisatie(id=f"platform-{code}", soort="wijkplatform",
                                                     naam=f"Platform {code}", van=van, tot=tot)]
    return model.Wijk(code=code, naam=code.upper(), gebied=gebied,
                      cijfers=model.Cijfers(**cijfers) if cijfers else None, organisaties=orgs)


def bedrag(w, r=None, jaar=2025, others=()):
    r = r or regeling()
    return s.bereken(w, jaar, r, s.gemiddelden([w, *others], r))


INWONERS_STAFFELS = model.Toeslag(naam="Inwoners", maatstaf="inwoners",
                                  staffels=[model.Staffel(vanaf=7500, bedrag=1000), model.Staffel(vanaf=10000,
                                                                                                  bedrag=2000)])


@pytest.mark.parametrize("van,tot,maanden,euro", [
    (D(2020, 1, 1), None, 12, 5000),
    (D(2025, 7, 15), None, 6, 2500),          # from 2025-07-15 on: July..December
    (D(2020, 1, 1), D(2025, 4, 1), 3, 1250),  # until tot 2025-04-01: January..March
    (D(2025, 1, 31), D(2025, 2, 1), 1, 417),  # one day is a month: 416.67 -> 417
    (D(2025, 9, 30), None, 4, 1667),          # the day before the deadline: 1666.67 -> 1667
])
def test_months_and_proration(van, tot, maanden, euro):
    u = bedrag(wijk(van=van, tot=tot))
    assert (u.maanden, u.bedrag) == (maanden, euro)


def test_deadline_day_gives_nothing():
    u = bedrag(wijk(van=D(2025, 10, 1)))
    assert u.termijn_verstreken and u.bedrag == 0 and u.maanden == 3
    assert not bedrag(wijk(van=D(2025, 10, 1)), jaar=2026).termijn_verstreken  # next year: full amount
    assert bedrag(wijk(van=D(2025, 10, 1)), jaar=2026).bedrag == 5000


def test_half_up_not_bankers_rounding():
    assert s.round_half_up(Decimal("2500.5")) == 2501
    assert s.round_half_up(Decimal("2501.5")) == 2502
    assert s.round_half_up(Decimal("2500.49")) == 2500
    u = bedrag(wijk(van=D(2025, 7, 1)), regeling(basis=5001))  # 5001 x 6/12 = 2500.50
    assert u.bedrag == 2501


def test_cap():
    r = regeling(basis=5000, maximum=6500, toeslagen=[INWONERS_STAFFELS])
    u = bedrag(wijk(inwoners=12000), r)
    assert (u.som, u.begrensd, u.bedrag) == (7000, 6500, 6500)


@pytest.mark.parametrize("inwoners,toeslag", [(7499, 0), (7500, 1000), (9999, 1000), (10000, 2000), (None, 0)])
def test_staffels_at_the_boundary(inwoners, toeslag):
    u = bedrag(wijk(inwoners=inwoners) if inwoners is not None else wijk(), regeling(toeslagen=[INWONERS_STAFFELS]))
    assert u.toeslagen[0].bedrag == toeslag
    assert u.onvolledig == (inwoners is None)


BOVEN_INWONERS = model.Toeslag(naam="Inwoners", maatstaf="inwoners", boven_gemiddelde=1500)


def test_exactly_at_the_average_is_not_above():
    r = regeling(toeslagen=[BOVEN_INWONERS])
    assert bedrag(wijk("a", inwoners=100), r, others=[wijk("b", inwoners=100)]).bedrag == 5000
    assert bedrag(wijk("a", inwoners=101), r, others=[wijk("b", inwoners=99)]).bedrag == 6500


def test_count_average_is_over_known_values_only():
    r = regeling(toeslagen=[BOVEN_INWONERS])
    gem = s.gemiddelden([wijk("a", inwoners=100), wijk("b"), wijk("c", inwoners=300)], r)
    assert gem["inwoners"] == 200


def test_ratio_average_is_the_city_wide_ratio_not_the_mean_of_ratios():
    toeslag = model.Toeslag(naam="Sociale huur", maatstaf="aandeel_sociale_huur", boven_gemiddelde=1500)
    r = regeling(toeslagen=[toeslag])
    a = wijk("a", sociale_huurwoningen=50, woningen=100)      # 50 %
    b = wijk("b", sociale_huurwoningen=10, woningen=1000)     # 1 %
    c = wijk("c", sociale_huurwoningen=20, woningen=100)      # 20 %: above 80/1200, below the mean of ratios
    unknown = wijk("d", woningen=500)                         # numerator unknown: left out
    gem = s.gemiddelden([a, b, c, unknown], r)
    assert gem["aandeel_sociale_huur"] == Decimal(80) * 100 / 1200
    u = s.bereken(c, 2025, r, gem)
    assert u.toeslagen[0].bedrag == 1500 and u.bedrag == 6500
    assert s.bereken(unknown, 2025, r, gem).onvolledig


def test_uitkeringen_per_1000():
    toeslag = model.Toeslag(naam="Bijstand", maatstaf="uitkeringen_per_1000", staffels=[model.Staffel(vanaf=40,
                                                                                                      bedrag=700)])
    u = bedrag(wijk(uitkeringen=310, inwoners=8060), regeling(toeslagen=[toeslag]))
    assert u.toeslagen[0].waarde == Decimal(310) * 1000 / 8060  # 38.46: below 40
    assert u.bedrag == 5000
    assert bedrag(wijk(uitkeringen=400, inwoners=8060), regeling(toeslagen=[toeslag])).bedrag == 5700


def test_later_regeling_replaces_earlier():
    rs = [regeling(2024, basis=5000), regeling(2026, basis=6000)]
    assert s.regeling_voor(rs, 2025).basisbedrag == 5000
    assert s.regeling_voor(rs, 2026).basisbedrag == 6000
    assert s.regeling_voor(rs, 2030).basisbedrag == 6000
    with pytest.raises(NotFound, match="2023"):
        s.regeling_voor(rs, 2023)


def test_without_platform_the_amount_is_indicative_for_a_full_year():
    u = bedrag(wijk(van=None))
    assert u.indicatief and u.platform is None and u.maanden == 12 and u.bedrag == 5000


def test_overview_only_platforms_sorted_by_gebied_then_name_with_total_and_plafond():
    data = model.Dataset(
        wijken=[wijk("z", gebied="noord"), wijk("b", gebied="zuid"), wijk("a", gebied="zuid"),
                wijk("geen", van=None, gebied="noord"), wijk("oud", van=D(2010, 1, 1), tot=D(2020, 1, 1))],
        gebieden=[model.Gebied(code="zuid", naam="Zuid"), model.Gebied(code="noord", naam="Noord")],
        regelingen=[regeling(plafond=12000)],
    )
    ov = s.overzicht(data, 2025)
    assert [u.wijk.code for u in ov.uitkomsten] == ["a", "b", "z"]
    assert ov.totaal == 15000 and ov.plafond_saldo == -3000


def test_explanation_lets_a_reader_recompute():
    r = regeling(toeslagen=[INWONERS_STAFFELS, BOVEN_INWONERS])
    u = bedrag(wijk(van=D(2025, 7, 15), inwoners=8060), r, others=[wijk("b", inwoners=6000)])
    text = "\n".join(s.uitleg(u))
    for part in ("6 van de 12 maanden", "8.060", "vanaf 7.500", "gemiddelde", "7.030", "€ 5.000 + € 1.000 + € 1.500 "
                                                                                       "= € 7.500",
                 "€ 7.500 × 6/12 = € 3.750,00", "Bedrag: € 3.750"):
        assert part in text, part


# --- properties -------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=20000)
# Staffels as `check` accepts them without a warning: rising thresholds, amounts never falling.
staffels = st.tuples(
    st.lists(st.integers(0, 50000), min_size=1, max_size=4, unique=True),
    st.lists(amounts, min_size=4, max_size=4),
).map(lambda t: [model.Staffel(vanaf=v, bedrag=b) for v, b in zip(sorted(t[0]), sorted(t[1]))])
regelingen = st.builds(
    lambda basis, extra, st_, boven: regeling(basis=basis, maximum=basis + extra, toeslagen=[
        model.Toeslag(naam="Inwoners", maatstaf="inwoners", staffels=st_),
        model.Toeslag(naam="Sociale huur", maatstaf="aandeel_sociale_huur", boven_gemiddelde=boven)]),
    amounts, amounts, staffels, amounts)
days = st.dates(min_value=D(2023, 6, 1), max_value=D(2026, 6, 30))
figures = st.fixed_dictionaries({}, optional={
    "inwoners": st.integers(0, 60000), "woningen": st.integers(1, 30000), "sociale_huurwoningen": st.integers(0, 1)})


@settings(max_examples=300, deadline=None)
@given(regelingen, days, st.none() | days, figures)
def test_amount_is_between_zero_and_maximum(r, van, tot, cijfers):
    if tot is not None and tot <= van:
        tot = None
    u = bedrag(wijk(van=van, tot=tot, **cijfers), r)
    assert 0 <= u.bedrag <= r.maximum


@settings(max_examples=300, deadline=None)
@given(regelingen, days, days, figures)
def test_more_active_months_never_lower_the_amount(r, a, b, cijfers):
    """For platforms active in the year: a platform that starts after it is indicative."""
    earlier, later = sorted((min(a, D(2025, 12, 31)), min(b, D(2025, 12, 31))))
    assert bedrag(wijk(van=earlier, **cijfers), r).bedrag >= bedrag(wijk(van=later, **cijfers), r).bedrag


@settings(max_examples=300, deadline=None)
@given(regelingen, st.integers(0, 60000), st.integers(0, 60000), days)
def test_more_inhabitants_never_lower_the_amount_under_staffels(r, x, y, van):
    r.toeslagen = r.toeslagen[:1]  # staffels only
    low, high = sorted((x, y))
    assert bedrag(wijk(van=van, inwoners=low), r).bedrag <= bedrag(wijk(van=van, inwoners=high), r).bedrag


# --- the command ------------------------------------------------------------------


def test_subsidy_json_shape(run):
    assert run("register", "molenwijk", "--name", "Wijkplatform "
                                                  "Molenwijk", "--from", "2025-03-01", *MEMBERS).exit_code == 0
    data = json.loads(run("subsidy", "--year", "2025", "-o", "json").stdout)
    assert data["jaar"] == 2025 and data["regeling"] == {**data["regeling"], "jaar": 2024, "status": "concept"}
    assert data["totaal"] == 5417 and data["plafond"] is None
    [entry] = data["subsidies"]
    assert {k: entry[k] for k in ("wijk", "naam", "platform", "maanden", "basisbedrag", "maximum", "bedrag",
                                   "onvolledig", "indicatief")} == {
        "wijk": "molenwijk", "naam": "Molenwijk", "platform": "Wijkplatform Molenwijk", "maanden": 10,
        "basisbedrag": 5000, "maximum": 10000, "bedrag": 5417, "onvolledig": True, "indicatief": False}
    assert entry["organisatie"] == "wijkplatform-molenwijk" and entry["buurten"] is None
    assert [t["naam"] for t in entry["toeslagen"]] == ["Inwoners", "Sociale huur", "Bijstand"]
    assert entry["toeslagen"][0] == {**entry["toeslagen"][0], "maatstaf": "inwoners", "waarde": 8135, "bedrag": 1500}
    assert entry["toeslagen"][1]["waarde"] is None


def test_subsidy_table_flags_concept_and_indicative(run):
    result = run("subsidy", "spaarndam", "--year", "2025")
    assert result.exit_code == 0
    assert "indicatief" in result.stdout  # the table's remark
    assert "CONCEPT" in result.stderr and "budget voor bewonersinitiatieven" in result.stderr  # notes


def test_subsidy_explain_is_in_dutch_step_by_step(run):
    result = run("subsidy", "molenwijk", "--year", "2025", "--explain")
    assert ("1. Regeling: Subsidieregeling voor Bewonersinitiatieven en wijkplatforms "
            "(2024, bron CVDR716154)") in result.stdout
    assert "Naar rato" in result.stdout and "afgerond" in result.stdout
    data = json.loads(run("subsidy", "molenwijk", "--year", "2025", "--explain", "-o", "json").stdout)
    assert data["subsidies"][0]["uitleg"][0].startswith("Subsidie 2025 voor Molenwijk")


def test_subsidy_before_any_regeling_is_not_found(run):
    result = run("subsidy", "--year", "2020")
    assert result.exit_code == 3 and "Geen subsidieregeling voor 2020" in result.stderr
    assert run("subsidy", "--year", "twintig").exit_code == 2


def test_plafond_is_reported(run, datadir):
    path = datadir / "subsidieregeling.yaml"
    path.write_text(path.read_text().replace("  aanvragen_voor: 10-01\n", "  aanvragen_voor: 10-01\n  plafond: 4000\n"))
    assert run("register", "molenwijk", "--name", "P", "--from", "2024-01-01", *MEMBERS).exit_code == 0
    result = run("subsidy", "--year", "2025")
    assert "€ 2.500 BOVEN het plafond van € 4.000" in result.stderr
    assert json.loads(run("subsidy", "--year", "2025", "-o", "json").stdout)["plafond_saldo"] == -2500


def _months_by_calendar(org: model.Organisatie, jaar: int) -> int:
    """CONTRACT §2 step 3 read literally: each month of `jaar` with a day the platform is active."""
    count = 0
    for maand in range(1, 13):
        begin = dt.date(jaar, maand, 1)
        einde = dt.date(jaar + (maand == 12), maand % 12 + 1, 1)
        count += org.overlapt(begin, einde)
    return count


_dagen = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(van=st.none() | _dagen, lengte=st.none() | st.integers(1, 2000), jaar=st.integers(2019, 2031))
@settings(max_examples=400, deadline=None)
def test_months_in_closed_form_match_the_calendar(van, lengte, jaar):
    tot = None if lengte is None else (van or dt.date(2020, 1, 1)) + dt.timedelta(days=lengte)
    org = model.Organisatie(id="p", soort=model.WIJKPLATFORM, naam="P", van=van, tot=tot)
    assert s.maanden(org, jaar) == _months_by_calendar(org, jaar)



_all_figures = st.fixed_dictionaries({}, optional={f: st.integers(0, 60000) for f in model.FIGURES})
_boven = st.lists(st.sampled_from(model.MAATSTAVEN), min_size=1, max_size=4).map(lambda names: regeling(
    toeslagen=[model.Toeslag(naam=f"T{i}", maatstaf=n, boven_gemiddelde=1000) for i, n in enumerate(names)]))


def _lazy(wijken: list[model.Wijk], r: model.Regeling) -> model.Dataset:
    """A data set whose wijken are built one at a time, found by an index of their summaries,
    as a cache entry serves them (`store.dataset`)."""
    import copy

    from wijkctl.index import PARTS, Index, summary

    summaries = [summary(w, None) for w in wijken]
    index = Index(len(wijken), {part: [x[part] for x in summaries] for part in range(len(PARTS))})
    return model.Dataset(lazy=(index, lambda pos: copy.deepcopy(wijken[pos])), regelingen=[r])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.none() | _all_figures, st.booleans()), max_size=8), _boven,
       st.lists(st.tuples(st.integers(0, 7), st.none() | _all_figures), max_size=3), st.integers(2024, 2027))
def test_averages_and_platforms_from_the_index_are_those_of_every_wijk(spec, r, changes, jaar):
    """`gemiddelden_van` and `met_organisatie` read the index's columns and build no wijk
    without an organisation; they give what the whole list gives, also after a wijk that
    was built changed its figures (the index holds them as read)."""
    import copy

    wijken = [wijk(code=f"w{i}", van=D(2024, 3, 1) if org else None, **(c or {})) for i, (c, org) in enumerate(spec)]
    lazy = _lazy(wijken, r)
    for pos, c in changes:
        if pos < len(wijken):
            lazy.wijk_at(pos).cijfers = model.Cijfers(**c) if c is not None else None
            wijken[pos].cijfers = copy.deepcopy(lazy.wijk_at(pos).cijfers)
    changed = set(lazy.built)
    assert s.gemiddelden_van(lazy, r) == s.gemiddelden(wijken, r)
    assert [w.code for w in s.met_organisatie(lazy)] == [w.code for i, w in enumerate(wijken)
                                                         if w.organisaties or i in changed]
    assert set(lazy.built) <= changed | {i for i, w in enumerate(wijken) if w.organisaties}
    assert s.overzicht(lazy, jaar).uitkomsten == s.overzicht(model.Dataset(wijken, regelingen=[r]), jaar).uitkomsten
