"""Vietnamese number text: read the Vietnamese way, or refused, never guessed."""

from decimal import Decimal

import pytest

from app.domain.numbers import NotAVietnameseNumber, parse_vietnamese_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("370.461", Decimal("370461")),  # thousands dot (370.461 tỷ đồng)
        ("11,64", Decimal("11.64")),  # decimal comma (11,64%)
        ("11,64%", Decimal("11.64")),
        ("1.318,5", Decimal("1318.5")),
        ("-2,5", Decimal("-2.5")),
        ("2", Decimal("2")),
    ],
)
def test_vietnamese_forms_are_read(text, expected):
    assert parse_vietnamese_number(text) == expected


@pytest.mark.parametrize("text", ["11.64", "1,318.5", "1.31", "", "abc", "١٢", "１２", "1..000"])
def test_anything_else_is_refused(text):
    with pytest.raises(NotAVietnameseNumber):
        parse_vietnamese_number(text)
