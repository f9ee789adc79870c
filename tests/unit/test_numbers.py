"""Numbers as typed on any keyboard: every Unicode decimal digit, separators, the country prefix."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from simotui.dialing import check_campaign_dial, check_dial
from simotui.numbers import ascii_digits, clean_number, is_ascii_number, normalise_number

ALL_DECIMAL_DIGITS = [
    chr(code) for code in range(sys.maxunicode + 1) if unicodedata.decimal(chr(code), None) is not None
]
digits = st.sampled_from(ALL_DECIMAL_DIGITS)
separators = st.sampled_from([" ", "-", ".", "(", ")", "[", "]", "\u00a0", "\u200e", "\u200f", "–", "‐"])


def test_every_decimal_digit_of_every_script_is_known() -> None:
    # Persian, Arabic-Indic, fullwidth among some 700 others (Unicode 15 has 68 sets of ten).
    assert {"۵", "٥", "５", "5"} <= set(ALL_DECIMAL_DIGITS)
    assert len(ALL_DECIMAL_DIGITS) >= 600


@given(digits)
def test_each_digit_becomes_its_ascii_digit(digit: str) -> None:
    assert ascii_digits(digit) == str(unicodedata.decimal(digit))


@given(st.lists(st.tuples(digits, st.lists(separators, max_size=2)), min_size=1, max_size=20))
def test_a_pasted_number_in_any_script_becomes_its_ascii_digits(parts: list[tuple[str, list[str]]]) -> None:
    typed = "".join(digit + "".join(seps) for digit, seps in parts)
    expected = "".join(str(unicodedata.decimal(digit)) for digit, _ in parts)
    assert clean_number(typed) == expected
    assert is_ascii_number(clean_number(typed))


@given(st.lists(digits, min_size=4, max_size=12), st.sampled_from(["+98", "0098", "+۹۸", "۰۰۹۸", "+98 "]))
def test_the_country_prefix_becomes_the_trunk_prefix(number: list[str], prefix: str) -> None:
    body = "".join(number)
    ascii_body = ascii_digits(body)
    expected = ascii_body if ascii_body.startswith("0") else "0" + ascii_body
    assert normalise_number(prefix + body, "98") == expected


@given(st.lists(digits, min_size=1, max_size=15))
def test_check_dial_sends_ascii_whatever_the_script(number: list[str]) -> None:
    callee = "".join(number)
    check = check_dial({"caller": "۵۵۷", "callee": callee, "context": "main_routing", "timeout": "۳۰"})
    if len(ascii_digits(callee)) > 20:
        return
    assert check.request is not None, check.errors
    assert check.request.caller == "557" and check.request.caller_id == "557"
    assert check.request.callee == ascii_digits(callee)
    assert check.request.timeout == 30


def test_the_examples_of_the_issue() -> None:
    assert normalise_number("۰۹۱۲ ۱۲۳-۴۵۶۷") == "09121234567"
    assert normalise_number("٠٩١٢١٢٣٤٥٦٧") == "09121234567"
    assert normalise_number("０９１２１２３４５６７") == "09121234567"
    assert normalise_number("+98 912 123 4567") == "09121234567"
    assert normalise_number("0098 (912) 123.4567") == "09121234567"
    assert normalise_number("+98 (0) 912 123 4567") == "09121234567"
    # No country code set: nothing is rewritten.
    assert normalise_number("+98 912 123 4567", "") == "+989121234567"
    assert normalise_number("00989121234567", "") == "00989121234567"


def test_digits_that_are_no_decimal_digits_are_refused() -> None:
    # str.isdigit() is true for these, int() fails on them: no number a person dials.
    for fake in ("²", "①", "⁵"):
        assert fake.isdigit() and ascii_digits(fake) == fake
        check = check_dial(
            {"caller": "55" + fake, "callee": "552", "context": "main_routing", "timeout": "30"}
        )
        assert check.request is None and check.errors["caller"] == "digits only"
        check = check_dial(
            {"caller": "557", "callee": "552", "context": "main_routing", "timeout": "3" + fake}
        )
        assert check.request is None and "timeout" in check.errors


def test_another_countrys_plus_is_refused_with_a_reason() -> None:
    check = check_dial({"caller": "557", "callee": "+44 20 7946 0000", "context": "x", "timeout": "30"})
    assert check.request is None and "country code" in check.errors["callee"]


def test_campaign_numbers_and_counts_are_normalised_too() -> None:
    check = check_campaign_dial(
        {
            "caller": "+98 912 123 4500",
            "callee": "۵۵۲",
            "trunk_manager_id": "m1",
            "interface_context": "simotui",
            "tries": "۲",
            "try_interval": "６０",
        }
    )
    assert check.dial is not None, check.errors
    assert (check.dial.caller, check.dial.callee, check.dial.tries, check.dial.try_interval) == (
        "09121234500",
        "552",
        2,
        60,
    )
