"""The merge driver on subsidies.yaml (CONTRACT §7): records by `id`, payments known by
date, amount and kind and kept oldest first, and every rule checked on the result (two
awards each within the plafond but together past it are a conflict)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkctl import store
from wijkctl import subsidiejaar as sj
from wijkctl import subsidiemodel as sm
from wijkctl.errors import Refused, UsageError
from wijkctl.merge import merge_text
from wijkctl.schema import FILES, SUBSIDIES
from wijkctl.validate import validate
from wijkctl.yamlio import dump_records, load_text

from .conftest import BASE, MEMBERS, Run, copy_data

D = dt.date
PLAFOND = 12000
WIJKEN = ("molenwijk", "europawijk")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Two platforms active all of 2025 under a regeling with a plafond of € 12.000,
    each with an application for 2025 (berekening € 6.500)."""
    folder = copy_data(BASE, tmp_path_factory.mktemp("subsidies"))
    for wijk in WIJKEN:
        assert Run(folder)("register", wijk, "--name", f"Wijkplatform {wijk}", "--from", "2024-01-01",
                           *MEMBERS).exit_code == 0
    regeling = folder / "subsidieregeling.yaml"
    regeling.write_text(regeling.read_text().replace("  maximum: 10000\n", f"  maximum: 10000\n  plafond: {PLAFOND}\n"))
    data = store.load(folder)
    records = []
    for code in WIJKEN:
        w = next(x for x in data.wijken if x.code == code)
        stap = sj.aanvragen(None, data, w, w.organisaties[-1], 2025, sm.Aanvraag(ontvangen=D(2024, 11, 12)),
                            D(2024, 11, 12))
        records.append(stap.record)
    (folder / SUBSIDIES).write_text(dump_records(SUBSIDIES, records))
    assert Run(folder)("check").exit_code == 0
    return folder


def _others(folder: Path) -> dict:
    data = store.load(folder)
    return {f.attr: data.of(f.attr) for f in FILES.values() if f.name != SUBSIDIES}


def _records(folder: Path) -> list[sm.Subsidie]:
    return load_text(SUBSIDIES, (folder / SUBSIDIES).read_text()).records


def _text(records: list[sm.Subsidie]) -> str:
    return dump_records(SUBSIDIES, records)


def _regeling(folder: Path):
    return store.load(folder).regelingen[0]


def _award(records: list[sm.Subsidie], i: int, regeling, bedrag: int | None = None) -> list[sm.Subsidie]:
    out = list(records)
    reden = "begroting" if bedrag is not None else None
    out[i] = sj.verlenen(out[i], out, regeling, D(2024, 12, 20), bedrag=bedrag, reden=reden).record
    return out


def _merge(folder: Path, a: list, b: list):
    return merge_text(SUBSIDIES, (folder / SUBSIDIES).read_text(), _text(a), _text(b), _others(folder))


def test_two_awards_each_within_the_plafond_but_together_past_it_are_a_conflict(folder):
    base, regeling = _records(folder), _regeling(folder)
    ours, theirs = _award(base, 0, regeling), _award(base, 1, regeling)  # € 6.500 each: € 13.000 > € 12.000
    result = _merge(folder, ours, theirs)
    assert not result.clean
    assert any("subsidie-plafond" in c.melding for c in result.conflicts)
    assert "<<<<<<< ours" in result.text


def test_two_awards_that_fit_the_plafond_together_merge_clean(folder):
    base, regeling = _records(folder), _regeling(folder)
    ours, theirs = _award(base, 0, regeling), _award(base, 1, regeling, bedrag=5500)
    result = _merge(folder, ours, theirs)
    assert result.clean, result.conflicts
    merged = load_text(SUBSIDIES, result.text).records
    assert [r.verleend for r in merged] == [6500, 5500]


def test_payments_are_known_by_date_amount_and_kind_and_kept_oldest_first(folder):
    base, regeling = _records(folder), _regeling(folder)
    granted = _award(base, 0, regeling)
    first = list(granted)
    first[0] = sj.betalen(granted[0], D(2025, 1, 15), 3000).record
    ours, theirs = list(first), list(first)
    ours[0] = sj.betalen(first[0], D(2025, 3, 1), 1000).record
    theirs[0] = sj.betalen(first[0], D(2025, 2, 1), 1500).record
    result = merge_text(SUBSIDIES, _text(first), _text(ours), _text(theirs), _others(folder))
    assert result.clean, result.conflicts
    (merged, _other) = load_text(SUBSIDIES, result.text).records
    assert [(p.datum, p.bedrag) for p in merged.betalingen] == [
        (D(2025, 1, 15), 3000), (D(2025, 2, 1), 1500), (D(2025, 3, 1), 1000)]
    same = merge_text(SUBSIDIES, _text(first), _text(ours), _text(ours), _others(folder))
    assert same.clean and len(load_text(SUBSIDIES, same.text).records[0].betalingen) == 2  # once, not twice


def test_payments_that_together_pass_the_verleend_amount_are_a_conflict(folder):
    base, regeling = _records(folder), _regeling(folder)
    granted = _award(base, 0, regeling)
    ours, theirs = list(granted), list(granted)
    ours[0] = sj.betalen(granted[0], D(2025, 1, 15), 6500).record
    theirs[0] = sj.betalen(granted[0], D(2025, 1, 16), 6500).record  # the voorschot booked twice
    result = merge_text(SUBSIDIES, _text(granted), _text(ours), _text(theirs), _others(folder))
    assert not result.clean and any("subsidie-betaling" in c.melding for c in result.conflicts)


# -- property: random steps on two clones ------------------------------------------------

STEPS = [("award", 0, None), ("award", 1, None), ("award", 1, 5000), ("refuse", 1, None),
         ("pay", 0, 3000), ("pay", 0, 6500), ("pay", 1, 2000), ("pay", 1, 6500),
         ("account", 0, 6000), ("settle", 0, None), ("repay", 0, 500)]
DAYS = {"award": D(2024, 12, 20), "refuse": D(2024, 12, 21), "pay": D(2025, 1, 15), "account": D(2026, 2, 10),
        "settle": D(2026, 4, 1), "repay": D(2026, 5, 1)}


def _step(records: list[sm.Subsidie], step: tuple[str, int, int | None], regeling, n: int) -> list[sm.Subsidie]:
    """One step as its command would take it; a refused step changes nothing (exit 4)."""
    soort, i, bedrag = step
    out = list(records)
    s, dag = out[i], DAYS[soort] + dt.timedelta(days=n)
    try:
        if soort == "award":
            out[i] = sj.verlenen(s, out, regeling, dag, bedrag=bedrag, reden="begroting" if bedrag else None).record
        elif soort == "refuse":
            out[i] = sj.weigeren(s, dag, "plafond").record
        elif soort in ("pay", "repay"):
            out[i] = sj.betalen(s, dag, bedrag or 0, sm.TERUGBETALING if soort == "repay" else None).record
        elif soort == "account":
            out[i] = sj.verantwoorden(s, dag, bedrag or 0).record
        else:
            out[i] = sj.vaststellen(s, dag).record
    except (Refused, UsageError):
        return records
    return out


def _errors(records: list[sm.Subsidie], others: dict) -> set:
    from wijkctl import model

    return {(p.rule, p.melding) for p in validate(model.Dataset(**others, subsidies=records)) if p.ernst == "fout"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(range(len(STEPS))), max_size=4), st.lists(st.sampled_from(range(len(STEPS))),
                                                                           max_size=4))
def test_a_clean_merge_of_random_steps_is_valid_keeps_every_payment_and_is_symmetric(folder, sa, sb):
    base, regeling, others = _records(folder), _regeling(folder), _others(folder)
    ours, theirs = list(base), list(base)
    for n, k in enumerate(sa):
        ours = _step(ours, STEPS[k], regeling, n)
    for n, k in enumerate(sb):
        theirs = _step(theirs, STEPS[k], regeling, n + 7)  # another day: another payment
    result = _merge(folder, ours, theirs)
    swapped = _merge(folder, theirs, ours)
    assert result.clean == swapped.clean
    if not result.clean:
        return
    merged = load_text(SUBSIDIES, result.text).records
    assert [r.id for r in merged] == [r.id for r in base]
    assert merged == load_text(SUBSIDIES, swapped.text).records
    assert not _errors(merged, others)
    for side in (ours, theirs):
        for got, had in zip(merged, side):
            assert {(p.datum, p.bedrag, p.soort) for p in had.betalingen} <= {
                (p.datum, p.bedrag, p.soort) for p in got.betalingen}
