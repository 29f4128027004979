"""Resident ID numbers (GB 11643-1999) and mainland phone numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.core.validators import (
    id_check_character,
    id_number_facts,
    normalise_id_number,
    normalise_phone,
)

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def with_check(first17):
    return first17 + id_check_character(first17)


def message(excinfo):
    return " ".join(excinfo.value.messages)


# --- ID numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["34052419800101001X", "110101202311012176"])
def test_it_accepts_the_domain_examples(number):
    assert normalise_id_number(number, today=TODAY) == number


def test_it_accepts_lower_case_x_and_stores_upper_case():
    assert normalise_id_number("34052419800101001x", today=TODAY) == "34052419800101001X"
    assert normalise_id_number(" 340524 19800101 001x ", today=TODAY) == "34052419800101001X"


def test_it_reads_sex_and_birth_date():
    assert id_number_facts("34052419800101001X") == ("male", datetime.date(1980, 1, 1))
    assert id_number_facts("110101202311012176") == ("male", datetime.date(2023, 11, 1))
    assert id_number_facts(with_check("34052419800101002"))[0] == "female"


def test_a_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number("340524198001010019", today=TODAY)
    assert excinfo.value.code == "id_check"
    assert "should be X, not 9" in message(excinfo)

    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number("11010120231101217X", today=TODAY)
    assert "should be 6, not X" in message(excinfo)


def test_it_refuses_an_impossible_birth_date():
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number(with_check("34052419800230001"), today=TODAY)
    assert excinfo.value.code == "id_birth_date"
    assert "19800230" in message(excinfo) and "does not exist" in message(excinfo)
    with pytest.raises(ValidationError):
        normalise_id_number(with_check("34052419801301001"), today=TODAY)  # month 13


def test_it_accepts_29_february_of_a_leap_year_only():
    assert normalise_id_number(with_check("34052420000229001"), today=TODAY)
    with pytest.raises(ValidationError, match="does not exist"):
        normalise_id_number(with_check("34052419000229001"), today=TODAY)


def test_it_refuses_a_future_birth_date():
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number(with_check("34052420240602001"), today=TODAY)
    assert "in the future" in message(excinfo)
    assert normalise_id_number(with_check("34052420240601001"), today=TODAY)  # born today
    # Without a given day, today is the real one.
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        normalise_id_number(with_check(f"340524{tomorrow:%Y%m%d}001"))


def test_it_refuses_a_birth_date_too_far_in_the_past():
    with pytest.raises(ValidationError, match="too far in the past"):
        normalise_id_number(with_check("34052418800101001"), today=TODAY)


@pytest.mark.parametrize("number, count", [("34052419800101001", 17), ("34052419800101001X1", 19), ("", 0)])
def test_it_names_a_wrong_length(number, count):
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number(number, today=TODAY)
    assert excinfo.value.code == "id_length"
    assert f"has 18 characters; this one has {count}" in message(excinfo)


@pytest.mark.parametrize(
    "number",
    [
        "3405241980010100XX",
        "34052419800101A01X",
        "X40524198001010010",
        "١١٠١٠١٢٠٢٣١١٠١٢١٧٦",  # Arabic-Indic digits: int() reads them, nobody could look the number up
        "11010120231101217٦",
    ],
)
def test_it_refuses_other_characters(number):
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number(number, today=TODAY)
    assert excinfo.value.code == "id_characters"


def test_it_reads_full_width_input_as_ascii():
    """What a Chinese input method types in full-width mode."""
    assert normalise_id_number("３４０５２４１９８００１０１００１ｘ", today=TODAY) == "34052419800101001X"
    assert normalise_id_number("１１０１０１２０２３１１０１２１７６", today=TODAY) == "110101202311012176"


def test_the_15_digit_form_only_when_allowed():
    old = "340524800101001"
    assert normalise_id_number(old, allow_15=True, today=TODAY) == old
    with pytest.raises(ValidationError) as excinfo:
        normalise_id_number(old, today=TODAY)
    assert "this one has 15" in message(excinfo)
    with pytest.raises(ValidationError, match="does not exist"):
        normalise_id_number("340524800230001", allow_15=True, today=TODAY)
    # An 18-digit number is still checked in full when the old form is allowed.
    assert normalise_id_number("34052419800101001x", allow_15=True, today=TODAY) == "34052419800101001X"
    with pytest.raises(ValidationError, match="check character"):
        normalise_id_number("340524198001010010", allow_15=True, today=TODAY)


@st.composite
def valid_numbers(draw):
    address = draw(st.integers(110000, 829999))
    born = draw(st.dates(min_value=datetime.date(1890, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    return with_check(f"{address}{born:%Y%m%d}{sequence:03d}")


@settings(max_examples=300, database=None, deadline=None)
@given(valid_numbers())
def test_every_well_formed_number_is_accepted(number):
    assert normalise_id_number(number, today=TODAY) == number
    assert normalise_id_number(number.lower(), today=TODAY) == number


@settings(max_examples=300, database=None, deadline=None)
@given(valid_numbers(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_mistyped_character_is_caught(number, position, shift):
    """Change one character to any other allowed one: the number is refused (the point of the check)."""
    alphabet = "0123456789X" if position == 17 else "0123456789"
    shift = 1 + (shift - 1) % (len(alphabet) - 1)  # 1..9 for a digit, 1..10 for the check character
    mistyped = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    typo = number[:position] + mistyped + number[position + 1 :]
    assert typo != number
    with pytest.raises(ValidationError):
        normalise_id_number(typo, today=TODAY)


@settings(max_examples=100, database=None, deadline=None)
@given(valid_numbers(), st.integers(0, 16))
def test_swapping_two_neighbouring_digits_is_caught(number, position):
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        with pytest.raises(ValidationError):
            normalise_id_number(swapped, today=TODAY)


# --- phone numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, stored",
    [
        ("13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("19912345678", "19912345678"),  # 19x, issued from 2017
        ("16612345678", "16612345678"),  # 16x
        ("19212345678", "19212345678"),  # 192, China Broadnet (2019+)
        ("14712345678", "14712345678"),
        ("17012345678", "17012345678"),
        ("0914-2312345", "0914-2312345"),  # 商洛 area code
        ("09142312345", "09142312345"),
        ("(0914) 2312345", "09142312345"),
        ("010-62345678", "010-62345678"),  # Beijing: 3-digit area code, 8 digits
        ("0914-2312345-801", "0914-2312345-801"),  # extension
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("＋８６　１３８００１３８０００", "13800138000"),
        ("（０９１４）２３１２３４５", "09142312345"),
    ],
)
def test_it_accepts_mobiles_and_landlines(given, stored):
    assert normalise_phone(given) == stored


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "12345",
        "1380013800",  # 10 digits
        "138001380000",  # 12 digits
        "12800138000",  # 12x is not a mobile prefix
        "11012345678",
        "23800138000",
        "+8513800138000",  # another country's code
        "86-13800138000x",
        "2312345",  # a landline without its area code
        "0914-0312345",  # local numbers do not start with 0
        "0914-23123",
        "١٣٨٠٠١٣٨٠٠٠",  # Arabic-Indic digits
    ],
)
def test_it_refuses_garbage(value):
    with pytest.raises(ValidationError) as excinfo:
        normalise_phone(value)
    assert excinfo.value.code == "phone"
    assert "0914-2312345" in message(excinfo)  # the message shows what a valid number looks like
