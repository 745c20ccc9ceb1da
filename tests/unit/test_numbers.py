"""Number text: read in the declared format; undeclared, only when every reading agrees."""

from decimal import Decimal

import pytest

from app.domain.numbers import AmbiguousNumber, NotANumber, parse_number, read_number

D = Decimal

# text, as vi, as en, undeclared (None: refused; "ambiguous": refused as ambiguous)
TABLE = [
    ("2", D("2"), D("2"), D("2")),
    ("-2,5", D("-2.5"), None, D("-2.5")),
    ("+7", D("7"), D("7"), D("7")),
    ("0", D("0"), D("0"), D("0")),
    ("370.461", D("370461"), D("370.461"), "ambiguous"),  # 370.461 tỷ đồng in the seed article
    ("1.850", D("1850"), D("1.85"), "ambiguous"),
    ("1,850", D("1.85"), D("1850"), "ambiguous"),
    ("-1.850", D("-1850"), D("-1.85"), "ambiguous"),
    ("1,85", D("1.85"), None, D("1.85")),  # en groups are 3 digits: only vi reads it
    ("11,64", D("11.64"), None, D("11.64")),
    ("11,64%", D("11.64"), None, D("11.64")),
    ("12,5 %", D("12.5"), None, D("12.5")),
    ("11.64", None, D("11.64"), D("11.64")),  # vi groups are 3 digits: only en reads it
    ("12.5%", None, D("12.5"), D("12.5")),
    ("1.5", None, D("1.5"), D("1.5")),
    ("1.234,5", D("1234.5"), None, D("1234.5")),
    ("1 234,5", D("1234.5"), None, D("1234.5")),
    ("1\u00a0234,5", D("1234.5"), None, D("1234.5")),  # no-break space, as word processors write it
    ("1\u202f234", D("1234"), None, D("1234")),
    ("1.318,5", D("1318.5"), None, D("1318.5")),
    ("1.234.567", D("1234567"), None, D("1234567")),
    ("1,234.5", None, D("1234.5"), D("1234.5")),
    ("1,234,567", None, D("1234567"), D("1234567")),
    ("0,850", D("0.85"), None, D("0.85")),  # a group never starts with 0: not en 850
    ("0.850", None, D("0.85"), D("0.85")),
    ("1,8500", D("1.85"), None, D("1.85")),
    ("1000", D("1000"), D("1000"), D("1000")),
    (" 105.091 ", D("105091"), D("105.091"), "ambiguous"),
    ("1.234 567", None, None, None),  # two kinds of group mark
    ("1 234.5", None, None, None),
    ("1.31", None, D("1.31"), D("1.31")),
    ("1..000", None, None, None),
    ("1,234,5", None, None, None),
    ("12.34.56", None, None, None),
    (",5", None, None, None),
    ("5,", None, None, None),
    ("", None, None, None),
    ("%", None, None, None),
    ("abc", None, None, None),
    ("1e3", None, None, None),
    ("١٢", None, None, None),  # Arabic-Indic digits
    ("１２", None, None, None),  # full-width digits
    ("1" * 101, None, None, None),
]


@pytest.mark.parametrize(("text", "vi", "en", "undeclared"), TABLE)
def test_the_table_of_forms(text, vi, en, undeclared):
    for number_format, expected in (("vi", vi), ("en", en)):
        if expected is None:
            with pytest.raises(NotANumber) as refused:
                parse_number(text, number_format)
            assert not isinstance(refused.value, AmbiguousNumber)
        else:
            assert parse_number(text, number_format) == expected, number_format
    if undeclared == "ambiguous":
        with pytest.raises(AmbiguousNumber, match="declare number_format"):
            parse_number(text)
    elif undeclared is None:
        with pytest.raises(NotANumber):
            parse_number(text)
    else:
        assert parse_number(text) == undeclared


def test_an_ambiguous_text_says_both_readings():
    with pytest.raises(AmbiguousNumber) as error:
        parse_number("1.850")
    assert "1850 in the vi format" in str(error.value) and "1.85 in the en format" in str(error.value)


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown number format"):
        parse_number("1", "fr")


@pytest.mark.parametrize(("text", "vi", "en", "undeclared"), TABLE)
def test_the_text_form_is_the_same_number(text, vi, en, undeclared):
    for number_format, expected in (("vi", vi), ("en", en), (None, undeclared)):
        if isinstance(expected, Decimal):
            assert Decimal(read_number(text, number_format)) == expected
            assert float(read_number(text, number_format)) == float(expected)
