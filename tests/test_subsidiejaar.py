"""The subsidy year (CONTRACT §7) as pure rules: records, derived state, each step, check, due."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest

from wijkctl import model, subsidiecheck, subsidiedue, subsidy
from wijkctl import subsidiejaar as sj
from wijkctl import subsidiemodel as sm
from wijkctl.errors import Refused, UsageError
from wijkctl.schema import schema_of

D = dt.date
MOLEN = "wijkplatform-molenwijk"


def regeling(plafond=None, aanvragen_voor="10-01", **procedure):
    return model.Regeling(jaar=2024, naam="Regeling", status="vastgesteld", basisbedrag=5000, maximum=10000,
                          aanvragen_voor=aanvragen_voor, plafond=plafond, **procedure,
                          toeslagen=[model.Toeslag(naam="Inwoners", maatstaf="inwoners", boven_gemiddelde=1500)])


def dataset(plafond=None, **procedure):
    molen = model.Organisatie(id=MOLEN, soort="wijkplatform", naam="Wijkplatform Molenwijk", van=D(2024, 7, 1))
    raad = model.Organisatie(id="wijkraad-molenwijk", soort="wijkraad", naam="Wijkraad Molenwijk",
                             van=D(1995, 1, 1), tot=D(2024, 7, 1))
    europa = model.Organisatie(id="wijkplatform-europawijk", soort="wijkplatform", naam="Wijkplatform Europawijk",
                               van=D(2020, 1, 1))
    wijken = [
        model.Wijk(code="molenwijk", naam="Molenwijk", gebied="schalkwijk", organisaties=[raad, molen],
                   cijfers=model.Cijfers(peiljaar=2024, inwoners=8135, woningen=3974)),
        model.Wijk(code="europawijk", naam="Europawijk", gebied="schalkwijk", organisaties=[europa],
                   cijfers=model.Cijfers(peiljaar=2024, inwoners=5000, woningen=2500, uitkeringen=100)),
    ]
    return model.Dataset(wijken, [model.Gebied(code="schalkwijk", naam="Schalkwijk")], [regeling(plafond, **procedure)])


def aanvraag(ontvangen=D(2024, 11, 12), **extra):
    return sm.Aanvraag(ontvangen=ontvangen, **extra)


def applied(data=None, ontvangen=D(2024, 11, 12), wijk=0, jaar=2025):
    data = data or dataset()
    w = data.wijken[wijk]
    return sj.aanvragen(None, data, w, w.organisaties[-1], jaar, aanvraag(ontvangen), ontvangen)


def verleend(data=None, **kw):
    data = data or dataset()
    s = applied(data).record
    return sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 20), **kw).record


def vastgesteld(uitgaven=6100, betaald=5000):
    s = verleend()
    s = sj.betalen(s, D(2025, 1, 15), betaald).record
    s = sj.verantwoorden(s, D(2026, 2, 10), uitgaven).record
    return sj.vaststellen(s, D(2026, 4, 1)).record


# -- records -------------------------------------------------------------------------------

NEW_RECORDS = (sm.Subsidie, sm.Aanvraag, sm.Berekening, sm.Besluit, sm.Betaling,
               sm.Verantwoording, sm.Vaststelling, sm.Correctie)


@pytest.mark.parametrize("cls", NEW_RECORDS, ids=lambda c: c.__name__)
def test_every_subsidy_field_is_declared_in_canonical_order(cls):
    fields = [f for f in dataclasses.fields(cls) if f.name not in ("regel", "regels")]
    assert all(f.metadata.get("label") for f in fields)
    assert [f.key for f in schema_of(cls).fields] == [f.name for f in fields]


def test_the_subsidie_keys_are_those_of_the_contract_in_its_order():
    keys = [f.key for f in schema_of(sm.Subsidie).fields]
    assert keys == ["id", "jaar", "wijk", "organisatie", "aanvraag", "berekening", "besluit", "betalingen",
                    "verantwoording", "vaststelling", "correcties", "opmerking"]
    assert schema_of(sm.Betaling).flow and [f.key for f in schema_of(sm.Berekening).fields][:4] == [
        "datum", "regeling", "maanden", "bedrag"]


def test_the_regeling_procedure_fields_sit_where_the_contract_puts_them():
    keys = [f.key for f in schema_of(model.Regeling).fields]
    assert keys[keys.index("aanvragen_voor"):keys.index("plafond") + 1] == [
        "aanvragen_voor", "aanvragen_vanaf", "beslistermijn_weken", "verantwoording_voor", "vaststelling_weken",
        "plafond"]


def test_regeling_terms_default_and_unknown():
    r = regeling()
    assert r.venster_open(2025) == D(2024, 11, 1) and r.venster_dicht(2025) == D(2025, 10, 1)
    assert r.besluit_uiterlijk(D(2024, 11, 12)) == D(2025, 1, 7)  # 8 weeks (Awb 4:13 lid 2)
    assert r.verantwoording_uiterlijk(2025) is None and r.vaststelling_uiterlijk(D(2026, 2, 10)) is None


def test_regeling_terms_as_set():
    r = regeling(aanvragen_vanaf="09-15", beslistermijn_weken=13, verantwoording_voor="04-01", vaststelling_weken=4)
    assert r.venster_open(2025) == D(2024, 9, 15)
    assert r.besluit_uiterlijk(D(2024, 11, 12)) == D(2025, 2, 11)
    assert r.verantwoording_uiterlijk(2025) == D(2026, 4, 1)
    assert r.vaststelling_uiterlijk(D(2026, 2, 10)) == D(2026, 3, 10)
    assert regeling(aanvragen_voor=None).venster_dicht(2025) is None


# -- derived -------------------------------------------------------------------------------


def test_a_whole_year_status_betaald_saldo_and_next_step():
    r = regeling(verantwoording_voor="04-01", vaststelling_weken=13)
    s = applied().record
    assert (sj.status(s), sj.saldo(s), sj.volgende(s, r)) == ("aangevraagd", None, ("besluit", D(2025, 1, 7), None))
    s = sj.verlenen(s, [s], r, D(2024, 12, 20)).record
    assert (sj.status(s), sj.saldo(s), sj.volgende(s, r).stap) == ("verleend", 6500, "verantwoording")
    assert sj.volgende(s, r).datum == D(2026, 4, 1)
    s = sj.betalen(s, D(2025, 1, 15), 6500).record
    assert (sj.betaald(s), sj.saldo(s)) == (6500, 0)
    s = sj.verantwoorden(s, D(2026, 2, 10), 6100).record
    assert sj.status(s) == "verantwoord" and sj.volgende(s, r) == ("vaststelling", D(2026, 5, 12), None)
    s = sj.vaststellen(s, D(2026, 4, 1)).record
    assert (sj.status(s), s.vaststelling.bedrag, sj.saldo(s)) == ("vastgesteld", 6100, -400)
    assert sj.saldo_tekst(sj.saldo(s)) == "€ 400 terug te vorderen"
    assert sj.volgende(s, r) == ("terugbetaling", D(2026, 4, 1), None)
    s = sj.betalen(s, D(2026, 5, 1), 400, "terugbetaling").record
    assert (sj.status(s), sj.saldo(s), sj.volgende(s, r)) == ("afgerond", 0, (None, None, None))


def test_an_unknown_term_gives_no_date_but_a_reason():
    r = regeling()  # the bundled Haarlem regeling leaves both terms absent
    s = verleend()
    nxt = sj.volgende(s, r)
    assert nxt.stap == "verantwoording" and nxt.datum is None and "verantwoording_voor" in nxt.reden
    s = sj.verantwoorden(s, D(2026, 2, 10), 100).record
    nxt = sj.volgende(s, r)
    assert nxt.stap == "vaststelling" and nxt.datum is None and "vaststelling_weken" in nxt.reden


# -- apply ---------------------------------------------------------------------------------


def test_apply_freezes_the_berekening_as_the_data_stands():
    data = dataset()
    stap = applied(data)
    s = stap.record
    w = data.wijken[0]
    r = data.regelingen[0]
    expected = subsidy.bereken(w, 2025, r, subsidy.gemiddelden(data.wijken, r), w.organisaties[-1])
    assert stap.veranderd and not stap.waarschuwingen
    assert s.id == "2025-wijkplatform-molenwijk" and (s.wijk, s.organisatie, s.jaar) == ("molenwijk", MOLEN, 2025)
    b = s.berekening
    assert (b.datum, b.regeling, b.maanden, b.bedrag) == (D(2024, 11, 12), 2024, 12, expected.bedrag)
    assert b.cijfers == w.cijfers and b.cijfers is not w.cijfers
    w.cijfers.inwoners = 99999  # figures imported later do not move what was frozen
    assert s.berekening.cijfers.inwoners == 8135


def test_the_berekening_of_a_platform_with_buurten_keeps_the_peiljaar():
    data = dataset()
    w = data.wijken[0]
    w.buurten = [model.Buurt(naam="Noord", cijfers=model.Cijfers(woningen=4))]
    w.organisaties[-1].buurten = ["Noord"]
    b = applied(data).record.berekening
    assert (b.cijfers.woningen, b.cijfers.inwoners, b.cijfers.peiljaar, b.onvolledig) == (4, None, 2024, True)


def test_a_late_application_gives_0_with_the_reason_and_a_warning():
    stap = applied(ontvangen=D(2025, 10, 1))
    b = stap.record.berekening
    assert (b.bedrag, b.toelichting) == (0, "aanvraagtermijn verstreken")
    assert "aanvraagtermijn verstreken" in stap.waarschuwingen[0]


def test_an_early_application_is_computed_as_usual_with_a_warning():
    stap = applied(ontvangen=D(2024, 10, 31))
    assert stap.record.berekening.bedrag == applied().record.berekening.bedrag > 0
    assert stap.record.berekening.toelichting is None
    assert "vóór de aanvraagtermijn voor 2025 opent (1 november 2024)" in stap.waarschuwingen[0]


def test_apply_again_is_no_change_and_a_different_application_is_refused():
    data = dataset()
    s = applied(data).record
    w = data.wijken[0]
    again = sj.aanvragen(s, data, w, w.organisaties[-1], 2025, aanvraag(), D(2024, 11, 20))
    assert not again.veranderd and again.record is s
    with pytest.raises(Refused, match="subsidie 2025-wijkplatform-molenwijk is aangevraagd: er is al een aanvraag "
                                      "ontvangen op 12 november 2024; de stap die nu past is "
                                      "'correct --step aanvraag'"):
        sj.aanvragen(s, data, w, w.organisaties[-1], 2025, aanvraag(D(2024, 11, 13)), D(2024, 11, 20))


def test_apply_for_a_wijkraad_or_an_inactive_year_is_refused():
    data = dataset()
    w = data.wijken[0]
    with pytest.raises(Refused, match="geen actief wijkplatform"):
        sj.aanvragen(None, data, w, w.organisaties[0], 2025, aanvraag(), D(2024, 11, 12))
    with pytest.raises(Refused, match="in 2023 geen actief wijkplatform"):
        sj.aanvragen(None, data, w, w.organisaties[-1], 2023, aanvraag(), D(2022, 11, 12))


# -- award, refuse -------------------------------------------------------------------------


def test_award_grants_the_frozen_berekening():
    s = verleend()
    assert s.besluit == sm.Besluit(soort="verleend", datum=D(2024, 12, 20), bedrag=s.berekening.bedrag)


def test_award_of_another_amount_needs_a_reason():
    data = dataset()
    s = applied(data).record
    with pytest.raises(UsageError, match="vraagt een reden"):
        sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 20), bedrag=6000)
    done = sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 20), bedrag=6000, reden="begroting lager").record
    assert (done.besluit.bedrag, done.besluit.reden) == (6000, "begroting lager")


def test_award_of_a_berekening_of_0_points_to_refuse():
    data = dataset()
    s = applied(data, ontvangen=D(2025, 10, 2)).record
    with pytest.raises(Refused, match=r"aangevraagd: de berekening geeft € 0 "
                                      r"\(aanvraagtermijn verstreken\).*'refuse'"):
        sj.verlenen(s, [s], data.regelingen[0], D(2025, 11, 1))


def test_award_past_the_plafond_is_refused_saying_by_how_much():
    data = dataset(plafond=10000)
    a = applied(data).record
    b = applied(data, wijk=1).record
    a = sj.verlenen(a, [a, b], data.regelingen[0], D(2024, 12, 20)).record
    before = copy.deepcopy(b)
    with pytest.raises(Refused) as e:
        sj.verlenen(b, [a, b], data.regelingen[0], D(2024, 12, 20))
    over = a.besluit.bedrag + b.berekening.bedrag - 10000
    assert f"gaat € {over:,} over het subsidieplafond".replace(",", ".") in e.value.message
    assert "Awb 4:25 lid 2" in e.value.message and b == before
    within = sj.verlenen(b, [a, b], data.regelingen[0], D(2024, 12, 20), bedrag=10000 - a.besluit.bedrag,
                         reden="plafond").record
    assert within.verleend == 10000 - a.besluit.bedrag


def test_award_twice_is_no_change_and_another_decision_is_refused():
    data = dataset()
    s = verleend(data)
    assert not sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 20)).veranderd
    with pytest.raises(Refused, match="verleend: er is al besloten op 20 december 2024.*'correct --step besluit'"):
        sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 21))
    with pytest.raises(Refused, match="er is al besloten"):
        sj.weigeren(s, D(2024, 12, 21), "te laat")


def test_award_before_the_application_is_refused():
    data = dataset()
    s = applied(data).record
    with pytest.raises(Refused, match="vóór de aanvraag"):
        sj.verlenen(s, [s], data.regelingen[0], D(2024, 11, 1))


def test_refuse_needs_a_reason_and_twice_is_no_change():
    s = applied().record
    with pytest.raises(UsageError):
        sj.weigeren(s, D(2024, 12, 20), "  ")
    done = sj.weigeren(s, D(2024, 12, 20), "geen plan").record
    assert sj.status(done) == "geweigerd" and done.besluit.bedrag == 0 and sj.saldo(done) == 0
    assert not sj.weigeren(done, D(2024, 12, 20), "geen plan").veranderd


def test_award_with_recompute_takes_the_new_berekening():
    data = dataset()
    s = applied(data).record
    w = data.wijken[0]
    w.organisaties[-1].van = D(2025, 7, 1)
    fresh, _ = sj.bevries(data, w, w.organisaties[-1], 2025, D(2024, 11, 12), D(2024, 12, 1))
    done = sj.verlenen(s, [s], data.regelingen[0], D(2024, 12, 20), berekening=fresh).record
    assert done.berekening.maanden == 6 and done.besluit.bedrag == fresh.bedrag


# -- pay, account, settle ------------------------------------------------------------------


def test_pay_before_a_decision_is_refused_naming_the_step_that_fits():
    s = applied().record
    with pytest.raises(Refused, match="is aangevraagd: betalen kan alleen .*'award of refuse'"):
        sj.betalen(s, D(2025, 1, 15), 100)


def test_pay_above_the_verleend_amount_is_refused():
    s = sj.betalen(verleend(), D(2025, 1, 15), 6000).record
    with pytest.raises(Refused, match=r"€ 6.600 betaald, meer dan verleend \(€ 6.500\)"):
        sj.betalen(s, D(2025, 2, 15), 600)


def test_the_same_payment_again_is_already_recorded_another_on_that_day_is_not():
    s = sj.betalen(verleend(), D(2025, 1, 15), 3000).record
    assert not sj.betalen(s, D(2025, 1, 15), 3000).veranderd
    s = sj.betalen(s, D(2025, 1, 15), 2000).record
    assert [(b.bedrag, b.soort) for b in s.betalingen] == [(3000, "voorschot"), (2000, "voorschot")]


def test_payments_stay_in_date_order_and_amounts_are_positive():
    s = sj.betalen(verleend(), D(2025, 3, 1), 100).record
    s = sj.betalen(s, D(2025, 1, 1), 200).record
    assert [b.datum for b in s.betalingen] == [D(2025, 1, 1), D(2025, 3, 1)]
    for bad in (0, -5, True, "5"):
        with pytest.raises(UsageError):
            sj.betalen(s, D(2025, 4, 1), bad)


def test_after_the_vaststelling_a_payment_is_a_nabetaling_up_to_the_vastgesteld_amount():
    s = vastgesteld(uitgaven=6100, betaald=5000)
    assert sj.saldo_tekst(sj.saldo(s)) == "€ 1.100 nog te betalen"
    with pytest.raises(Refused, match="meer dan vastgesteld"):
        sj.betalen(s, D(2026, 4, 10), 1200)
    s = sj.betalen(s, D(2026, 4, 10), 1100).record
    assert s.betalingen[-1].soort == "nabetaling" and sj.status(s) == "afgerond"
    with pytest.raises(Refused, match="voorschot .* na de vaststelling"):
        sj.betalen(vastgesteld(), D(2026, 4, 10), 10, "voorschot")


def test_a_repayment_never_takes_back_more_than_was_paid():
    with pytest.raises(Refused, match="niets betaald"):
        sj.betalen(verleend(), D(2025, 1, 15), 100, "terugbetaling")
    s = sj.betalen(verleend(), D(2025, 1, 15), 100).record
    with pytest.raises(Refused, match="meer dan er betaald is"):
        sj.betalen(s, D(2025, 2, 15), 101, "terugbetaling")


def test_account_and_settle_in_their_order():
    s = applied().record
    with pytest.raises(Refused, match="aangevraagd: een verantwoording hoort bij een verleende subsidie"):
        sj.verantwoorden(s, D(2026, 2, 10), 10)
    s = verleend()
    with pytest.raises(Refused, match="verleend: vaststellen kan pas na de verantwoording.*'account'"):
        sj.vaststellen(s, D(2026, 4, 1))
    with pytest.raises(Refused, match="vóór het besluit"):
        sj.verantwoorden(s, D(2024, 12, 1), 10)
    s = sj.verantwoorden(s, D(2026, 2, 10), 9000).record
    assert not sj.verantwoorden(s, D(2026, 2, 10), 9000).veranderd
    with pytest.raises(Refused, match="correct --step verantwoording"):
        sj.verantwoorden(s, D(2026, 2, 11), 9000)
    with pytest.raises(Refused, match="meer dan verleend"):
        sj.vaststellen(s, D(2026, 4, 1), 7000)
    done = sj.vaststellen(s, D(2026, 4, 1)).record
    assert done.vaststelling.bedrag == 6500  # min(verleend, uitgaven)
    assert not sj.vaststellen(done, D(2026, 4, 1)).veranderd
    with pytest.raises(Refused, match="correct --step vaststelling"):
        sj.vaststellen(done, D(2026, 4, 2))


# -- correct -------------------------------------------------------------------------------


def test_correct_a_mistyped_payment_keeps_the_reason_and_what_it_was():
    s = sj.betalen(verleend(), D(2025, 1, 15), 650).record
    done = sj.corrigeren(s, "betaling", op=D(2025, 1, 20), reden="tikfout", betaling=(D(2025, 1, 15), 650, "voorschot"),
                         bedrag=6500).record
    assert [b.bedrag for b in done.betalingen] == [6500]
    c = done.correcties[0]
    assert (c.datum, c.stap, c.reden) == (D(2025, 1, 20), "betaling", "tikfout") and "bedrag: 650" in c.was
    struck = sj.corrigeren(done, "betaling", op=D(2025, 1, 21), reden="dubbel", betaling=(D(2025, 1, 15), 6500,
                           "voorschot"), vervalt=True).record
    assert struck.betalingen == [] and len(struck.correcties) == 2
    with pytest.raises(UsageError, match="geen betaling"):
        sj.corrigeren(done, "betaling", op=D(2025, 1, 21), reden="x", betaling=(D(2025, 1, 16), 1, "voorschot"))


def test_correct_a_decision_after_bezwaar():
    data = dataset()
    s = sj.weigeren(applied(data).record, D(2024, 12, 20), "geen plan").record
    done = sj.corrigeren(s, "besluit", op=D(2025, 2, 1), reden="bezwaar gegrond", records=[s],
                         regeling=data.regelingen[0], soort="verleend", bedrag=s.berekening.bedrag).record
    assert sj.status(done) == "verleend" and done.correcties[0].reden == "bezwaar gegrond"
    assert "soort: geweigerd" in done.correcties[0].was
    lower = sj.corrigeren(done, "besluit", op=D(2025, 2, 2), reden="herzien", records=[done], bedrag=3000).record
    assert lower.besluit.reden == "herzien"  # an amount off the berekening carries its reden
    paid = sj.betalen(lower, D(2025, 3, 1), 3000).record
    with pytest.raises(Refused, match="meer dan verleend"):
        sj.corrigeren(paid, "besluit", op=D(2025, 3, 2), reden="nog lager", bedrag=2000)


def test_withdraw_an_application():
    s = applied().record
    done = sj.corrigeren(s, "aanvraag", op=D(2024, 11, 20), reden="platform trekt in",
                         ingetrokken=D(2024, 11, 20)).record
    assert sj.status(done) == "ingetrokken" and sj.volgende(done, regeling()) == (None, None, None)
    with pytest.raises(Refused, match="ingetrokken aanvraag met een besluit"):
        sj.corrigeren(verleend(), "aanvraag", op=D(2025, 1, 1), reden="x", ingetrokken=D(2025, 1, 1))
    with pytest.raises(Refused, match="is ingetrokken: er valt niets te besluiten"):
        sj.verlenen(done, [done], regeling(), D(2024, 12, 1))


def test_a_correction_needs_a_reason_a_known_step_and_field_and_the_same_again_is_no_change():
    s = verleend()
    with pytest.raises(UsageError, match="reden"):
        sj.corrigeren(s, "besluit", op=D(2025, 1, 1), reden="", bedrag=1)
    with pytest.raises(UsageError, match="onbekende stap"):
        sj.corrigeren(s, "uitbetaling", op=D(2025, 1, 1), reden="x")
    with pytest.raises(UsageError, match="besluit heeft geen prijs"):
        sj.corrigeren(s, "besluit", op=D(2025, 1, 1), reden="x", prijs=1)
    with pytest.raises(Refused, match="geen vaststelling om te corrigeren"):
        sj.corrigeren(s, "vaststelling", op=D(2025, 1, 1), reden="x", bedrag=1)
    same = sj.corrigeren(s, "besluit", op=D(2025, 1, 1), reden="x", bedrag=s.besluit.bedrag)
    assert not same.veranderd and same.record is s


# -- check ---------------------------------------------------------------------------------


def ids(records, data=None):
    return sorted({p.rule for p in subsidiecheck.problems(records, data or dataset()) if p.ernst == "fout"})


def test_a_valid_year_has_no_problems():
    assert subsidiecheck.problems([vastgesteld()], dataset()) == []


def test_payments_above_the_verleend_amount_are_found_with_file_and_line():
    s = verleend()
    s.betalingen = [sm.Betaling(datum=D(2025, 1, 15), bedrag=7000, soort="voorschot", regel=14)]
    (p,) = subsidiecheck.problems([s], dataset())
    assert (p.bestand, p.regel, p.rule, p.wijk) == ("subsidies.yaml", 14, "subsidie-betaling", "molenwijk")
    assert str(p).startswith("subsidies.yaml:14: 2025-wijkplatform-molenwijk: met de betaling op 2025-01-15")


def test_a_besluit_without_aanvraag_and_a_vaststelling_without_verantwoording():
    s = vastgesteld()
    s.aanvraag = None
    s.verantwoording = None
    s.besluit.regels = {"soort": 9}
    found = subsidiecheck.problems([s], dataset())
    assert {"subsidie-volgorde"} == {p.rule for p in found}
    assert any(p.regel == 9 and "besluit zonder aanvraag" in p.melding for p in found)


def test_an_unknown_organisation_a_wijkraad_and_an_unknown_wijk():
    s = verleend()
    assert ids([dataclasses.replace(s, organisatie="nergens", id="2025-nergens")]) == ["subsidie-organisatie"]
    assert ids([dataclasses.replace(s, organisatie="wijkraad-molenwijk", id="2025-wijkraad-molenwijk")]) == [
        "subsidie-organisatie"]
    assert ids([dataclasses.replace(s, wijk="atlantis")]) == ["subsidie-wijk"]
    assert ids([dataclasses.replace(s, jaar=2023, id="2023-wijkplatform-molenwijk")]) == ["subsidie-organisatie"]


def test_one_record_per_organisation_and_year_and_the_id():
    s = verleend()
    assert ids([s, copy.deepcopy(s)]) == ["subsidie-id-uniek", "subsidie-uniek"]
    assert ids([dataclasses.replace(s, id="molenwijk-2025")]) == ["subsidie-id"]


def test_the_plafond_across_the_records_of_a_year():
    data = dataset(plafond=8000)
    a, b = verleend(data), applied(data, wijk=1).record
    b.besluit = sm.Besluit(soort="verleend", datum=D(2024, 12, 20), bedrag=b.berekening.bedrag)
    problems = [p for p in subsidiecheck.problems([a, b], data) if p.rule == "subsidie-plafond"]
    assert len(problems) == 1 and problems[0].melding.startswith("2025-wijkplatform-europawijk")


def test_vastgesteld_above_verleend_and_missing_reasons():
    s = vastgesteld()
    s.vaststelling.bedrag = 7000
    assert "subsidie-bedrag" in ids([s])
    s = verleend()
    s.besluit.bedrag = 100
    assert ids([s]) == ["subsidie-reden"]
    s.besluit = sm.Besluit(soort="geweigerd", datum=D(2024, 12, 20), bedrag=0)
    assert ids([s]) == ["subsidie-reden"]


def test_an_application_outside_its_window_is_a_warning():
    s = applied(ontvangen=D(2024, 10, 1)).record
    (p,) = subsidiecheck.problems([s], dataset())
    assert (p.ernst, p.rule) == ("waarschuwing", "subsidie-aanvraagtermijn")


# -- due -----------------------------------------------------------------------------------


def soorten(data, records, on, within=14):
    return [(i.soort, i.datum, i.organisatie) for i in subsidiedue.due(data, records, on, within)]


def test_a_missing_application_as_the_deadline_nears():
    data = dataset()
    items = soorten(data, [verleend(data)], D(2025, 9, 20))
    assert items == [("aanvraag_ontbreekt", D(2025, 10, 1), "wijkplatform-europawijk")]
    assert soorten(data, [], D(2025, 8, 1)) == []


def test_the_beslistermijn_and_an_open_saldo():
    data = dataset()
    s = applied(data).record
    assert soorten(data, [s], D(2024, 12, 1)) == []
    assert soorten(data, [s], D(2025, 1, 1)) == [("besluit_termijn", D(2025, 1, 7), MOLEN)]
    assert soorten(data, [s], D(2025, 2, 1)) == [("besluit_termijn", D(2025, 1, 7), MOLEN)]  # overdue stays
    done = vastgesteld(uitgaven=6100, betaald=6500)
    (item,) = subsidiedue.due(data, [done], D(2026, 4, 2), 0)
    assert item.soort == "saldo_open" and "€ 400 terug te vorderen" in item.melding
    assert item.melding.startswith("Wijkplatform Molenwijk (Molenwijk), 2025: vastgesteld")


def test_unknown_terms_are_no_nightly_item_known_ones_are():
    data = dataset()
    s = verleend()
    accounted = sj.verantwoorden(s, D(2026, 2, 10), 100).record
    assert soorten(data, [s, accounted], D(2026, 3, 30), 60) == []
    data = dataset(verantwoording_voor="04-01", vaststelling_weken=4)
    assert soorten(data, [s], D(2026, 3, 30)) == [("verantwoording", D(2026, 4, 1), MOLEN)]
    assert soorten(data, [accounted], D(2026, 3, 1)) == [("vaststelling_termijn", D(2026, 3, 10), MOLEN)]


# -- properties ----------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

START = D(2024, 11, 1)
days = st.integers(0, 900).map(lambda n: START + dt.timedelta(days=n))
later = st.integers(0, 120).map(lambda n: dt.timedelta(days=n))  # a step's day: this many days after the last
amounts = st.integers(1, 9000)
_AWARD = st.tuples(st.just("award"), later, st.none() | amounts, st.sampled_from([None, "reden"]))
_PAY = st.tuples(st.just("pay"), later, st.integers(1, 3000), st.none())
_ACCOUNT = st.tuples(st.just("account"), later, st.integers(0, 9000))
_SETTLE = st.tuples(st.just("settle"), later, st.none())
STEPS = st.one_of(  # the usual steps weigh more, so that sequences reach the settlement
    _AWARD, _AWARD, _PAY, _PAY, _ACCOUNT, _ACCOUNT, _SETTLE, _SETTLE,
    st.tuples(st.just("refuse"), later, st.sampled_from(["geen plan", ""])),
    st.tuples(st.just("pay"), later, amounts, st.sampled_from([None, *sm.BETALINGSSOORTEN])),
    st.tuples(st.just("settle"), later, st.integers(0, 9000)),
    st.tuples(st.just("fix-pay"), later, st.integers(0, 1), st.none() | st.integers(1, 3000)),
    st.tuples(st.just("fix-besluit"), later, st.sampled_from(sm.BESLUITEN), amounts),
)


def take(s, step, data):
    kind, op, *rest = step
    r = data.regelingen[0]
    if kind == "award":
        return sj.verlenen(s, [s], r, op, bedrag=rest[0], reden=rest[1])
    if kind == "refuse":
        return sj.weigeren(s, op, rest[0])
    if kind == "pay":
        return sj.betalen(s, op, rest[0], rest[1])
    if kind == "account":
        return sj.verantwoorden(s, op, rest[0])
    if kind == "settle":
        return sj.vaststellen(s, op, rest[0])
    if kind == "fix-pay":
        if rest[0] >= len(s.betalingen):
            raise UsageError("geen betaling")
        b = s.betalingen[rest[0]]
        return sj.corrigeren(s, "betaling", op=op, reden="tikfout", betaling=(b.datum, b.bedrag, b.soort),
                             vervalt=rest[1] is None, **({} if rest[1] is None else {"bedrag": rest[1]}))
    if kind == "fix-besluit":
        return sj.corrigeren(s, "besluit", op=op, reden="bezwaar", records=[s], regeling=r, soort=rest[0],
                             bedrag=rest[1])
    raise AssertionError(kind)


@settings(max_examples=150, deadline=None)
@given(received=days.filter(lambda d: d < D(2025, 12, 1)), steps=st.lists(STEPS, max_size=16))
def test_accepted_steps_keep_every_rule_refused_ones_change_nothing(received, steps):
    data = dataset(plafond=9000)
    s = applied(data, ontvangen=received).record
    for step in steps:
        before = copy.deepcopy(s)
        received += step[1]
        step = (step[0], received, *step[2:])
        try:
            stap = take(s, step, data)
        except (Refused, UsageError) as e:
            assert s == before and e.message  # a refusal changes nothing, and says why
            continue
        s = stap.record
        assert stap.veranderd or s is before or s == before
        assert sj.regels_van(s) == []
        assert [p for p in subsidiecheck.problems([s], data) if p.ernst == "fout"] == []
        assert sj.status(s) in sj.STATUSSEN
        paid = sum(b.bedrag * (-1 if b.soort == "terugbetaling" else 1) for b in s.betalingen)
        assert sj.betaald(s) == paid
        if s.vaststelling is not None:
            assert sj.saldo(s) == s.vaststelling.bedrag - paid
        elif s.besluit is not None:
            assert sj.saldo(s) == (s.verleend or 0) - paid
        assert (sj.status(s) == "afgerond") == (s.vaststelling is not None and sj.saldo(s) == 0)
        again = take(s, step, data) if step[0] in ("award", "refuse", "pay", "account", "settle") else None
        assert again is None or not again.veranderd  # a repeated identical step is no change


@settings(max_examples=60, deadline=None)
@given(plafond=st.integers(1000, 15000), asked=st.lists(st.none() | amounts, min_size=2, max_size=2))
def test_awards_never_pass_the_plafond_together(plafond, asked):
    data = dataset(plafond=plafond)
    records = [applied(data, wijk=i).record for i in (0, 1)]
    for i, bedrag in enumerate(asked):
        try:
            records[i] = sj.verlenen(records[i], records, data.regelingen[0], D(2024, 12, 20), bedrag=bedrag,
                                     reden="r").record
        except Refused as e:
            assert "subsidieplafond" in e.message
    assert sum(r.verleend or 0 for r in records) <= plafond
    assert not [p for p in subsidiecheck.problems(records, data) if p.rule == "subsidie-plafond"]


def test_due_announces_next_years_window_on_the_regelings_aanvragen_vanaf():
    from wijkctl import due

    data = dataset(aanvragen_vanaf="09-15")  # the regeling of 2024 is in force for 2026 too
    assert [i.datum for i in due.due(data, D(2025, 9, 10), 14) if i.soort == "aanvraag_volgend_jaar"] == [
        D(2025, 9, 15)]
    data = dataset()
    assert [i.datum for i in due.due(data, D(2025, 10, 25), 14) if i.soort == "aanvraag_volgend_jaar"] == [
        D(2025, 11, 1)]


def test_a_corrected_application_date_keeps_the_frozen_berekening_and_says_so():
    s = applied().record
    stap = sj.corrigeren(s, "aanvraag", op=D(2024, 11, 20), reden="datumstempel", ontvangen=D(2024, 11, 11))
    assert stap.record.berekening == s.berekening and "award --recompute" in stap.waarschuwingen[0]


def test_a_decided_record_answers_award_as_decided_even_when_its_berekening_is_0():
    data = dataset()
    s = sj.weigeren(applied(data, ontvangen=D(2025, 10, 2)).record, D(2025, 11, 1), "te laat").record
    with pytest.raises(Refused, match="geweigerd: er is al besloten op 1 november 2025.*'correct --step besluit'"):
        sj.verlenen(s, [s], data.regelingen[0], D(2025, 11, 2))


def test_what_grants_json_adds_and_finding_a_record():
    s = verleend()
    assert sj.afgeleid(s, regeling(verantwoording_voor="04-01")) == {
        "status": "verleend", "betaald": 0, "saldo": 6500, "volgende_stap": "verantwoording",
        "volgende_datum": "2026-04-01"}
    assert "verantwoording_voor" in sj.afgeleid(s, regeling())["volgende_datum_onbekend"]
    assert sj.vind([s], 2025, MOLEN) is s and sj.vind([s], 2026, MOLEN) is None
