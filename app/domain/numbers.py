"""Numbers written as text, read in a declared format and never guessed.

Two formats are known:

- ``vi``, as Vietnamese documents write them: "." or a space groups thousands,
  "," marks the decimals: 370.461 · 1.234,5 · 1 234,5 · 11,64 · 12,5%
- ``en``: "," groups thousands, "." marks the decimals: 1,234.5 · 11.64 · 12.5%

A grouped number has groups of exactly three digits after a first group of one
to three that does not start with 0 (so "0.850" is not vi for 850), and one kind
of group mark. A trailing "%" is dropped: the value is the percentage itself.

Without a declared format a text is read only if every format that can read it
gives the same number: "2", "1,85" (en cannot read it) and "11.64" (vi cannot)
are read; "1.850" (vi 1850, en 1.85) and "1,850" (vi 1.85, en 1850) are
refused as ambiguous rather than guessed. Machine clients send JSON numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal

FORMATS = ("vi", "en")
MAX_LENGTH = 100

# ASCII digits only: \d would also take Arabic-Indic or full-width digits.
_SHAPES = {
    "vi": re.compile(r"[+-]?(?:[1-9][0-9]{0,2}(?:(?:\.[0-9]{3})+|(?: [0-9]{3})+)|[0-9]+)(?:,[0-9]+)?"),
    "en": re.compile(r"[+-]?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"),
}
# (group marks to drop, decimal mark) per format.
_MARKS = {"vi": (". ", ","), "en": (",", ".")}
_EXAMPLES = {"vi": "1.234,5 or 1 234,5 or 12,5%", "en": "1,234.5 or 12.5%"}
# No-break and thin spaces group thousands as a plain space does.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class NotANumber(ValueError):
    pass


class AmbiguousNumber(NotANumber):
    """The text is a number in more than one format, and they disagree on which."""


def _read(cleaned: str, number_format: str) -> str | None:
    """The number as plain decimal text ("1234.5"), if it has the format's shape."""
    if not _SHAPES[number_format].fullmatch(cleaned):
        return None
    groups, decimal = _MARKS[number_format]
    for mark in groups:
        cleaned = cleaned.replace(mark, "")
    return cleaned.replace(decimal, ".")


def read_number(text: str, number_format: str | None = None) -> str:
    """``text`` read in ``number_format`` ("vi" or "en"), or in whichever format
    reads it when none is declared, as plain decimal text: "1.234,5" in vi is
    "1234.5". NotANumber (or AmbiguousNumber) when it cannot be read so.

    An import reads thousands of values: ``float()`` of this text is the same
    number as ``float(parse_number(...))`` at a fifth of the cost."""
    if number_format is not None and number_format not in FORMATS:
        raise ValueError(f"unknown number format {number_format!r}; use one of {', '.join(FORMATS)}")
    if len(text) > MAX_LENGTH:
        raise NotANumber(f"is {len(text)} characters long, too long for a number")
    # No-break spaces are the only non-ASCII a number may hold; translate is slow.
    spaced = text if text.isascii() else text.translate(_SPACES)
    cleaned = spaced.strip().removesuffix("%").rstrip()
    if number_format is not None:
        value = _read(cleaned, number_format)
        if value is None:
            raise NotANumber(
                f"{text!r} is not a number in the {number_format} format ({_EXAMPLES[number_format]})"
            )
        return value
    readings = {f: v for f in FORMATS if (v := _read(cleaned, f)) is not None}
    values = {Decimal(v) for v in readings.values()}
    if len(values) == 1:
        return next(iter(readings.values()))
    if not values:
        raise NotANumber(
            f"{text!r} is not a number (vi: {_EXAMPLES['vi']}; en: {_EXAMPLES['en']}); "
            "send a JSON number for machine values"
        )
    meanings = " and ".join(f"{Decimal(v).normalize():f} in the {f} format" for f, v in readings.items())
    raise AmbiguousNumber(f"{text!r} reads {meanings}: declare number_format (vi or en)")


def parse_number(text: str, number_format: str | None = None) -> Decimal:
    """``read_number`` as an exact Decimal."""
    return Decimal(read_number(text, number_format))
