"""Canonical JSON (RFC 8785, JCS): the exact text an event's hash is computed over.

JCS writes a JSON value one way only: no whitespace, object members sorted by
their names' UTF-16 code units, strings with the fewest escapes, and numbers as
ECMAScript's ``Number.prototype.toString`` writes an IEEE 754 double (``95.0``
is ``95``, ``1e21`` is ``1e+21``, ``1e-7`` is ``1e-7``). docs/audit.md gives the
rules for a verifier in another language; tests check this module against the
independent ``rfc8785`` package and the RFC's own number examples.
"""

from __future__ import annotations

import json
import math
from typing import Any

from app.db import dumps

quote = json.encoder.encode_basestring  # the JCS string form for well-formed text
_MAX_EXACT = 2**53
_SORTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


class NotCanonical(ValueError):
    """A value JCS cannot write: NaN, an infinity, a non-string key, a foreign type."""


def number(value: float) -> str:
    """A finite double as ECMAScript writes it (ES2023, 6.1.6.1.20 Number::toString)."""
    if not math.isfinite(value):
        raise NotCanonical(f"{value!r} is not a JSON number")
    if value == 0:
        return "0"  # -0 too
    text = float.__repr__(value)
    # Python's repr and ECMAScript agree on the digits (the shortest that read
    # back to the same double). Without an exponent (1e-4 <= |value| < 1e16)
    # they write the same text, but for the ".0" of an integral value.
    if "e" not in text:
        return text[:-2] if text.endswith(".0") else text
    sign = "-" if value < 0 else ""
    mantissa, _, exp = text.lstrip("-").partition("e")
    digits = mantissa.replace(".", "")  # repr's mantissa is one digit, a point, the rest
    point = int(exp) + 1  # where the decimal point goes, counted from the first digit
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    tail = f"e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + tail


def integer(value: int) -> str:
    # JSON numbers are doubles to JCS: past 2**53 an integer is written as the double it reads as.
    return str(value) if -_MAX_EXACT <= value <= _MAX_EXACT else number(float(value))


def dumps_canonical(value: object) -> str:
    """``value`` (parsed JSON: dict, list, str, int, float, bool, None) as JCS text."""
    plain, fast = _plain(value)
    if fast:
        try:
            return _SORTED.encode(plain)
        except ValueError as error:  # NaN or an infinity
            raise NotCanonical(str(error)) from None
    return _slow(value)


def _plain(value: Any) -> tuple[Any, bool]:
    """The value with every float JCS writes differently from Python replaced by an
    equal int, so the json module's C encoder (sort_keys) writes JCS; False when
    that cannot work (a float in exponent form, a key past the BMP, a big int...)."""
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return value, False
            plain, fast = _plain(item)
            if not fast:
                return value, False
            out[key] = plain
        return out, True
    if kind is list or kind is tuple:
        items = []
        for item in value:
            plain, fast = _plain(item)
            if not fast:
                return value, False
            items.append(plain)
        return items, True
    if kind is float:
        if value.is_integer():  # python writes 10.0, JCS 10: the int writes the same digits
            return int(value), -_MAX_EXACT <= value <= _MAX_EXACT
        return value, "e" not in float.__repr__(value)  # NaN and infinities: the encoder refuses
    if kind is int:
        return value, -_MAX_EXACT <= value <= _MAX_EXACT
    return value, kind is str or kind is bool or value is None


def _slow(value: Any) -> str:
    if value is None or value is True or value is False:
        return dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise NotCanonical(f"object key {key!r} is not a string")
        # JCS sorts member names by UTF-16 code units, which big-endian UTF-16 bytes compare as.
        names = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(f"{quote(k)}:{_slow(value[k])}" for k in names) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_slow(item) for item in value) + "]"
    raise NotCanonical(f"{type(value).__name__} is not a JSON value")
