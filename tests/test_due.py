"""`wijkctl due` for cron: what needs attention, nothing at all when nothing does."""

from __future__ import annotations

import datetime as dt
import json

from .conftest import add_wijkraad

MEMBERS3 = ("-m", "A <a@x.nl>", "-m", "B <b@x.nl>", "-m", "C <c@x.nl>")


def test_nothing_due_prints_nothing(run):
    result = run("due", "--on", "2025-01-15")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(run("due", "--on", "2025-01-15", "-o", "json").stdout) == []


def test_a_simulated_year_nightly(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "onbekend")
    assert run("register", "europawijk", "--name", "P Europa", "--from", "2025-01-01", "--to", "2025-07-01",
               *MEMBERS3).exit_code == 0
    assert run("register", "molenwijk", "--name", "P Molen", "--from", "2025-02-01", *MEMBERS3).exit_code == 0
    assert run("update", "molenwijk", "--on", "2025-03-01", "--remove-member", "a@x.nl").exit_code == 0
    seen: dict[str, set[str]] = {}
    day = dt.date(2025, 1, 1)
    while day.year == 2025:
        for item in json.loads(run("due", "--on", day.isoformat(), "--within", "14", "-o", "json").stdout):
            assert set(item) == {"soort", "datum", "wijk", "organisatie", "melding"}
            seen.setdefault(item["soort"], set()).add(item["datum"])
        day += dt.timedelta(days=7)
    assert seen["aanvraagtermijn"] == {"2025-10-01"}
    assert seen["aanvraag_volgend_jaar"] == {"2025-11-01"}
    assert seen["einde"] == {"2025-07-01"}
    assert "2025-01-01" in seen["wijkraad_actief"] and "kern_te_klein" in seen
    assert "cijfers_oud" not in seen  # CBS 2024 figures are current in 2025
    lines = run("due", "--on", "2025-09-20").stdout.splitlines()
    assert ("2025-10-01  aanvraagtermijn  De aanvraagtermijn voor subsidie 2025 sluit: "
            "aanvragen vóór 1 oktober 2025.") in lines
    old = json.loads(run("due", "--on", "2028-01-01", "-o", "json").stdout)
    assert {i["wijk"] for i in old if i["soort"] == "cijfers_oud"} >= {"molenwijk", "spaarndam"}


def test_due_refuses_a_bad_window(run):
    assert run("due", "--within", "-1").exit_code == 2
    assert run("due", "--on", "morgen").exit_code == 2


def test_due_carries_the_subsidy_years_items_beside_the_others():
    from wijkctl import due, model
    from wijkctl import subsidiejaar as sj

    from .test_subsidiejaar import MOLEN, D, applied, dataset, vastgesteld

    base = dataset()
    records = [applied(base).record]
    data = model.Dataset(base.wijken, base.gebieden, base.regelingen, subsidies=records)
    items = due.due(data, D(2025, 1, 1), 14)
    assert ("besluit_termijn", D(2025, 1, 7), MOLEN) in [(i.soort, i.datum, i.organisatie) for i in items]
    assert items == sorted(items, key=lambda i: (i.datum, due.SOORTEN.index(i.soort)))
    settled = vastgesteld(uitgaven=6100, betaald=6500)
    data = model.Dataset(base.wijken, base.gebieden, base.regelingen, subsidies=[settled])
    (saldo,) = [i for i in due.due(data, D(2026, 4, 2), 0) if i.soort == "saldo_open"]
    assert saldo.wijk == "molenwijk" and "€ 400 terug te vorderen" in saldo.melding
    assert sj.status(settled) == "vastgesteld"
    assert set(due.SOORTEN) >= {"aanvraag_ontbreekt", "besluit_termijn", "verantwoording", "vaststelling_termijn",
                                "saldo_open"}


def test_due_stays_quiet_about_terms_the_regeling_leaves_unknown():
    from wijkctl import due, model
    from wijkctl import subsidiejaar as sj

    from .test_subsidiejaar import D, dataset, verleend

    base = dataset()  # no verantwoording_voor, no vaststelling_weken
    accounted = sj.verantwoorden(verleend(base), D(2026, 2, 10), 100).record
    for records in ([verleend(base)], [accounted]):
        data = model.Dataset(base.wijken, base.gebieden, base.regelingen, subsidies=records)
        soorten = {i.soort for i in due.due(data, D(2026, 1, 1), 365)}
        assert not soorten & {"verantwoording", "vaststelling_termijn"}
