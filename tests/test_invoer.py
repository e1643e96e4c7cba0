"""What a person types (CONTRACT §3): the one parser, directly and as properties."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wijkctl import invoer
from wijkctl.errors import UsageError

D = dt.date
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize("text,day", [
    ("2025-07-01", D(2025, 7, 1)), ("1-7-2025", D(2025, 7, 1)), ("01-07-2025", D(2025, 7, 1)),
    (" 2025-07-01 ", D(2025, 7, 1)), ("31-12-2200", D(2200, 12, 31)), ("1900-01-01", D(1900, 1, 1)),
    ("29-2-2024", D(2024, 2, 29)),
])
def test_a_date_in_either_form(text, day):
    assert invoer.datum(text, "--on") == day


@pytest.mark.parametrize("text,says", [
    ("20250701", "JJJJ-MM-DD of D-M-JJJJ"), ("2024W271", "JJJJ-MM-DD of D-M-JJJJ"),
    ("２０２５-０７-０１", "JJJJ-MM-DD of D-M-JJJJ"), ("2025-7-1", "JJJJ-MM-DD of D-M-JJJJ"),
    ("1/7/2025", "JJJJ-MM-DD of D-M-JJJJ"), ("2025-07-01T00:00", "JJJJ-MM-DD of D-M-JJJJ"), ("", "JJJJ-MM-DD"),
    ("morgen", "JJJJ-MM-DD"), ("2025-02-30", "bestaat niet"), ("29-2-2025", "bestaat niet"),
    ("9999-12-31", "1900 tot en met 2200"), ("1899-12-31", "1900 tot en met 2200"), ("1-1-0001", "1900"),
])
def test_any_other_date_is_refused_naming_both_forms(text, says):
    with pytest.raises(UsageError, match=says) as exc:
        invoer.datum(text, "--on")
    assert "--on" in exc.value.message


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_every_date_in_range_reads_back_from_both_forms(day):
    assert invoer.datum(day.isoformat(), "--on") == day
    assert invoer.datum(f"{day.day}-{day.month}-{day.year}", "--on") == day
    assert invoer.datum(f"{day.day:02d}-{day.month:02d}-{day.year}", "--on") == day


@given(st.dates().filter(lambda d: not 1900 <= d.year <= 2200))
def test_every_date_out_of_range_is_refused(day):
    with pytest.raises(UsageError):
        invoer.datum(f"{day.year:04d}-{day.month:02d}-{day.day:02d}", "--on")


@given(st.text(max_size=20))
def test_any_text_is_a_date_in_range_or_a_usage_error(text):
    try:
        day = invoer.datum(text, "--on")
    except UsageError:
        return
    assert 1900 <= day.year <= 2200 and text.strip(" ").isascii()


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_full_width_digits_are_never_a_date(day):
    with pytest.raises(UsageError):
        invoer.datum(day.isoformat().translate(FULL_WIDTH), "--on")


# --- years, days, numbers from the environment ----------------------------------------


def test_years_and_days_in_ascii_digits_only():
    assert invoer.jaar("2025", "--year") == 2025
    assert invoer.dagen("0", "--within", 10) == 0 and invoer.dagen("10", "--within", 10) == 10
    for bad in ("２０２５", "2_025", "+2025", "-2025", "1899", "2201", "20 25", "", "2025.0"):
        with pytest.raises(UsageError, match="--year"):
            invoer.jaar(bad, "--year")
    for bad in ("１", "1_0", "-1", "+1", "11", "1e1", "", "0x1"):
        with pytest.raises(UsageError, match="--within"):
            invoer.dagen(bad, "--within", 10)


@given(st.text(max_size=8))
def test_a_year_is_four_ascii_digits_in_range(text):
    try:
        year = invoer.jaar(text, "--year")
    except UsageError:
        return
    assert 1900 <= year <= 2200 and text.strip(" ") == str(year)


def test_an_environment_number():
    assert invoer.omgeving_getal("X", "10", 100) == 10.0
    assert invoer.omgeving_getal("X", "2.5", 100) == 2.5
    for bad in ("1_0", "1e3", "inf", "nan", "-1", "１０", "101", "2,5", "0x10"):
        with pytest.raises(UsageError, match="X moet"):
            invoer.omgeving_getal("X", bad, 100)


# --- KvK numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["87654321", "8765 4321", "87.65.43.21", " 8765 4321 ", "8 7 6 5 4 3 2 1"])
def test_a_kvk_number_may_hold_spaces_or_dots(text):
    assert invoer.kvk(text) == "87654321"


@pytest.mark.parametrize("text", ["8765432", "876543210", "８７６５４３２１", "8765-4321", "8765  4321", "KvK 87654321",
                                  ".87654321", ""])
def test_any_other_kvk_number_is_refused(text):
    with pytest.raises(UsageError, match="8 cijfers"):
        invoer.kvk(text)


@given(st.text(alphabet="0123456789 .", max_size=20))
def test_a_kvk_number_is_stored_as_its_eight_digits(text):
    try:
        stored = invoer.kvk(text)
    except UsageError:
        return
    assert len(stored) == 8 and stored.isdigit() and stored == "".join(c for c in text if c.isdigit())


# --- amounts -------------------------------------------------------------------------


@pytest.mark.parametrize("text,amount", [
    ("6500", 6500), ("6.500", 6500), ("€ 6.500", 6500), ("€6.500", 6500), ("€ 6500", 6500), ("0", 0),
    ("1.000.000", 1_000_000), (" 6.500 ", 6500),
])
def test_an_amount_in_whole_euros(text, amount):
    assert invoer.bedrag(text, "--amount") == amount


@pytest.mark.parametrize("text,says", [
    ("6.100,50", "alleen hele euro's"), ("6500,00", "alleen hele euro's"), ("-6500", "nooit negatief"),
    ("€ -6.500", "nooit negatief"), ("6.50", "hele euro's"), ("65.00.0", "hele euro's"), ("６５００", "hele euro's"),
    ("6_500", "hele euro's"), ("", "hele euro's"), ("EUR 6500", "hele euro's"), ("6500 euro", "hele euro's"),
])
def test_any_other_amount_is_refused(text, says):
    with pytest.raises(UsageError, match=says):
        invoer.bedrag(text, "--amount")


@given(st.integers(min_value=0, max_value=10**12))
def test_every_amount_reads_back_in_each_form(amount):
    grouped = f"{amount:,}".replace(",", ".")
    for text in (str(amount), grouped, f"€ {grouped}"):
        assert invoer.bedrag(text, "--amount") == amount


@given(st.text(alphabet="0123456789.,€ -", max_size=16))
def test_an_amount_is_never_negative_and_never_cents(text):
    try:
        amount = invoer.bedrag(text, "--amount")
    except UsageError:
        return
    assert amount >= 0 and "," not in text and "-" not in text


# --- kern members ----------------------------------------------------------------------


@pytest.mark.parametrize("text,naam,email,telefoon", [
    ("Anna de Vries <anna@example.org>", "Anna de Vries", "anna@example.org", None),
    ("Anna de Vries <anna@example.org> 0612345678", "Anna de Vries", "anna@example.org", "0612345678"),
    ("Anna de Vries <anna@example.org> +31 6 1234 5678", "Anna de Vries", "anna@example.org", "+31 6 1234 5678"),
    ("Anna de Vries anna@example.org", "Anna de Vries", "anna@example.org", None),
    ("Anna de Vries anna@example.org 023 531 2345", "Anna de Vries", "anna@example.org", "023 531 2345"),
    ("Anna de Vries <> 023 531 2345", "Anna de Vries", None, "023 531 2345"),
    ("  Anna   <anna@example.org>  ", "Anna", "anna@example.org", None),
])
def test_a_member_in_each_form(text, naam, email, telefoon):
    lid = invoer.lid(text)
    assert (lid.naam, lid.email, lid.telefoon, lid.rol) == (naam, email, telefoon, None)


@pytest.mark.parametrize("text,says", [
    ("Anna de Vries", "niet de vorm"), ("<anna@example.org>", "niet de vorm"),
    ("Anna <>", "e-mailadres of telefoonnummer"),
    ("Anna <anna-at-example.org>", "ongeldig e-mailadres"),
    ("Anna <anna@example.org> bel me", "ongeldig telefoonnummer"),
    ("Anna <a@b.nl> <c@d.nl>", "niet de vorm"), ("Anna a@b.nl c@d.nl", "niet de vorm"),
    ("An\u200bna <anna@example.org>", "onzichtbaar teken (U+200B)"), ("Anna\u202e <anna@example.org>", "U+202E"),
    ("Mоlenaar <anna@example.org>", "Latijnse en Cyrillische"),
])
def test_a_malformed_member_is_refused(text, says):
    with pytest.raises(UsageError, match=re.escape(says)):
        invoer.lid(text)


@given(st.text(max_size=40))
def test_a_member_read_has_a_name_and_a_way_to_reach_them(text):
    try:
        lid = invoer.lid(text)
    except UsageError:
        return
    assert lid.naam.strip() == lid.naam and lid.naam and (lid.email or lid.telefoon)


@given(st.dates(min_value=D(2023, 1, 1), max_value=D(2023, 12, 31)))
def test_every_day_of_a_common_year_reads_back_as_mm_dd(day):
    assert invoer.maanddag(day.strftime("%m-%d"), "--x") == day.strftime("%m-%d")


@given(st.text(max_size=8))
def test_a_day_of_the_year_is_mm_dd_or_a_usage_error(text):
    try:
        value = invoer.maanddag(text, "--x")
    except UsageError as e:
        assert "MM-DD" in str(e)
    else:
        assert re.fullmatch(r"[0-9]{2}-[0-9]{2}", value) and value != "02-29"


@given(st.text(max_size=6))
def test_weeks_are_ascii_digits_from_1_to_104(text):
    try:
        value = invoer.weken(text, "--x")
    except UsageError as e:
        assert "weken" in str(e)
    else:
        assert 1 <= value <= 104 and value == int(text.strip(" ")) and text.strip(" ").isascii()
