"""Canonical JSON is RFC 8785 (JCS): checked against the RFC's own number table and against
an independent implementation (the ``rfc8785`` package) on generated JSON values."""

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from app.events.canonical import NotCanonical, dumps_canonical, number

# RFC 8785, appendix B: IEEE 754 bit patterns and the text JCS writes for each.
RFC_NUMBERS = {
    "0000000000000000": "0",
    "8000000000000000": "0",
    "0000000000000001": "5e-324",
    "8000000000000001": "-5e-324",
    "7fefffffffffffff": "1.7976931348623157e+308",
    "ffefffffffffffff": "-1.7976931348623157e+308",
    "4340000000000000": "9007199254740992",
    "c340000000000000": "-9007199254740992",
    "4430000000000000": "295147905179352830000",
    "44b52d02c7e14af5": "9.999999999999997e+22",
    "44b52d02c7e14af6": "1e+23",
    "44b52d02c7e14af7": "1.0000000000000001e+23",
    "444b1ae4d6e2ef4e": "999999999999999700000",
    "444b1ae4d6e2ef4f": "999999999999999900000",
    "444b1ae4d6e2ef50": "1e+21",
    "3eb0c6f7a0b5ed8c": "9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d": "0.000001",
    "41b3de4355555553": "333333333.3333332",
    "41b3de4355555554": "333333333.33333325",
    "41b3de4355555555": "333333333.3333333",
    "41b3de4355555556": "333333333.3333334",
    "41b3de4355555557": "333333333.33333343",
    "becbf647612f3696": "-0.0000033333333333333333",
    "43143ff3c1cb0959": "1424953923781206.2",
}


@pytest.mark.parametrize(("bits", "text"), RFC_NUMBERS.items())
def test_numbers_are_written_as_the_rfc_table_says(bits, text):
    value = struct.unpack(">d", bytes.fromhex(bits))[0]

    assert number(value) == text
    assert dumps_canonical(value) == dumps_canonical([value])[1:-1] == text


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_is_written_as_the_reference_writes_it(value):
    assert number(value) == rfc8785.dumps(value).decode()


_text = st.text(st.characters(exclude_categories=["Cs"]))  # well-formed Unicode: JCS's domain
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)  # the reference refuses the ends
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=1500, deadline=None)
@given(_json)
def test_json_values_are_written_as_the_reference_writes_them(value):
    text = dumps_canonical(value)

    assert text == rfc8785.dumps(value).decode()
    assert json.loads(text, parse_int=float) == value  # the same values, read as doubles


def test_member_names_are_sorted_by_utf16_code_units_not_code_points():
    # U+1F600 is a surrogate pair (D83D DE00) in UTF-16: before U+FFFD there, after it by code point.
    value = {"\ufffd": 1, "\U0001f600": 2, "a": 3, "ă": 4}

    assert dumps_canonical(value) == '{"a":3,"ă":4,"\U0001f600":2,"\ufffd":1}'
    assert dumps_canonical(value) == rfc8785.dumps(value).decode()


def test_integral_floats_lose_their_point_and_strings_keep_their_letters():
    value = {"weight": 10.0, "value": 1.85, "title": 'Tăng trưởng "GTSX"\n', "n": -0.0, "big": 1e21}

    assert dumps_canonical(value) == (
        '{"big":1e+21,"n":0,"title":"Tăng trưởng \\"GTSX\\"\\n","value":1.85,"weight":10}'
    )


def test_integers_beyond_2_to_the_53_are_written_as_the_double_they_read_as():
    assert dumps_canonical(2**53 + 1) == "9007199254740992"
    assert dumps_canonical({"n": 10**22}) == '{"n":1e+22}'


@pytest.mark.parametrize("value", [math.nan, math.inf, {"a": -math.inf}, {1: "a"}, {"a": object()}])
def test_values_outside_json_are_refused(value):
    with pytest.raises(NotCanonical):
        dumps_canonical(value)
