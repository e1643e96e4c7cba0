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
            assert set(item) == {"soort", "datum", "wijk", "organisatie", "melding", "gebied", "verbinder_email"}
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


# --- issue 25 item 1: a quiet due ---------------------------------------------------


def test_state_items_are_summed_up_per_soort_beyond_three(run):
    lines = run("due", "--on", "2028-03-01").stdout.splitlines()
    (line,) = [x for x in lines if "oude cijfers" in x]  # 21 wijken with CBS 2024 figures: one line
    assert line.startswith("2028-03-01  oude cijfers  21 wijken met oude cijfers; werk ze bij met 'wijkctl import-cbs'")
    assert "en nog 18; allemaal: --kind cijfers_oud)." in line
    asked = run("due", "--on", "2028-03-01", "--kind", "cijfers_oud").stdout.splitlines()
    assert len(asked) == 21 and "Molenwijk: de cijfers zijn van 2024" in "\n".join(asked)
    # scripts get every item, summed up or not
    assert len(json.loads(run("due", "--on", "2028-03-01", "-o", "json").stdout)) == 21


def test_three_of_a_soort_stay_one_line_each():
    from wijkctl.due import lines
    from wijkctl.dueitem import Item

    day = dt.date(2026, 1, 1)
    items = [Item("kern_te_klein", day, f"w{n}", f"p{n}", f"P{n} heeft 2 kernleden") for n in range(3)]
    assert lines(items) == [f"2026-01-01  kern te klein  P{n} heeft 2 kernleden" for n in range(3)]
    (one,) = lines([*items, Item("kern_te_klein", day, "w9", "p9", "P9")])
    assert one == ("2026-01-01  kern te klein  4 wijkplatforms met minder dan 3 kernleden (w0, w1, w2 en nog 1; "
                   "allemaal: --kind kern_te_klein).")


def test_a_recorded_conversion_needs_no_advice(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "onbekend")
    assert "wijkraad actief" in run("due", "--on", "2026-01-05").stdout
    assert run("convert", "meerwijk", "--from", "2026-02-01", *MEMBERS3).exit_code == 0
    night = run("due", "--on", "2026-01-05", "--within", "30").stdout
    assert "wijkraad actief" not in night and "convert" not in night
    assert "2026-02-01  einde  Wijkraad Meerwijk (Meerwijk) stopt op 1 februari 2026." in night


def test_a_kern_not_recorded_is_no_due_item(tmp_path):
    from .conftest import BUNDLED, Run, copy_data

    bundled = Run(copy_data(BUNDLED, tmp_path))  # its two platforms have no kern recorded
    items = json.loads(bundled("due", "--on", "2025-01-15", "-o", "json").stdout)
    assert not [i for i in items if i["soort"] == "kern_te_klein"]


def test_due_filters_by_gebied_and_kind_and_names_the_verbinder(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "onbekend")  # schalkwijk
    add_wijkraad(datadir, "vondelkwartier", "Wijkraad Vondel", "onbekend")  # another gebied
    items = json.loads(run("due", "--on", "2025-09-25", "-o", "json").stdout)
    raad = {i["wijk"]: i for i in items if i["soort"] == "wijkraad_actief"}
    assert raad["meerwijk"]["gebied"] == "schalkwijk" and raad["meerwijk"]["verbinder_email"] == "iphamer@haarlem.nl"
    city = [i for i in items if i["soort"] == "aanvraagtermijn"]
    assert city and city[0]["gebied"] is None and city[0]["verbinder_email"] is None
    only = json.loads(run("due", "--on", "2025-09-25", "--gebied", "Schalkwijk", "-o", "json").stdout)
    assert {i["wijk"] for i in only} == {"meerwijk", None}  # its own, and what concerns the whole gemeente
    kinds = json.loads(run("due", "--on", "2025-09-25", "--kind", "wijkraad_actief", "--kind", "aanvraagtermijn",
                           "-o", "json").stdout)
    assert {i["soort"] for i in kinds} == {"wijkraad_actief", "aanvraagtermijn"}


def test_due_refuses_an_unknown_kind_or_gebied(run, unchanged):
    with unchanged():
        bad = run("due", "--kind", "kern")
        assert bad.exit_code == 2 and "'kern' is geen soort; kies uit aanvraagtermijn" in bad.stderr
        assert run("due", "--gebied", "Atlantis").exit_code == 3


def test_missing_applications_of_one_deadline_are_one_line():
    from wijkctl.due import lines
    from wijkctl.dueitem import Item

    deadline = dt.date(2027, 10, 1)
    items = [Item("aanvraag_ontbreekt", deadline, f"w{n}", f"p{n}", f"P{n} heeft nog geen subsidie") for n in range(4)]
    assert lines(items) == ["2027-10-01  aanvraag ontbreekt  4 wijkplatforms zonder subsidieaanvraag; aanvragen "
                            "vóór 1 oktober 2027 (w0, w1, w2 en nog 1; allemaal: --kind aanvraag_ontbreekt)."]
    other = Item("aanvraag_ontbreekt", dt.date(2028, 10, 1), "w9", "p9", "P9 heeft nog geen subsidie 2029")
    assert lines([*items, other])[1] == "2028-10-01  aanvraag ontbreekt  P9 heeft nog geen subsidie 2029"
