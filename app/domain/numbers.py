"""Numbers as Vietnamese documents write them: 370.461 (thousands), 11,64 (decimal).

Machine clients send JSON numbers. Text is read the Vietnamese way only, and
anything that does not fit that form is refused rather than guessed at:
"11.64" is not a Vietnamese number, so it is an error, not 11.64 or 1164.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ASCII digits only: \d would also take Arabic-Indic or full-width digits.
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_PLAIN = re.compile(r"^[+-]?[0-9]+(,[0-9]+)?$")


class NotAVietnameseNumber(ValueError):
    pass


def parse_vietnamese_number(text: str) -> Decimal:
    cleaned = text.strip().removesuffix("%").strip().replace("\u00a0", "").replace(" ", "")
    if not (_GROUPED.match(cleaned) or _PLAIN.match(cleaned)):
        raise NotAVietnameseNumber(
            f"{text!r} is not a number in Vietnamese form (370.461 or 11,64); "
            "send a JSON number for machine values"
        )
    try:
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the patterns exclude this
        raise NotAVietnameseNumber(str(error)) from error
