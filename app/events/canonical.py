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
from collections.abc import Callable
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
    plain = _plain(value)
    if plain is _SLOW:
        return _slow(value)
    try:
        return _encode_sorted(plain)
    except ValueError as error:  # NaN or an infinity
        raise NotCanonical(str(error)) from None


_SLOW = object()


def _plain(value: Any) -> Any:
    """The value with every float that JCS writes differently from Python replaced by an
    equal int, so that the json module's C encoder (sort_keys) writes JCS; ``_SLOW``
    when that cannot work (a float in exponent form, a key past ASCII, a big int...).
    Walks an event's data (a flat object) copying nothing unless a float must change."""
    kind = type(value)
    if kind is dict:
        try:
            if not "".join(value).isascii():
                return _SLOW
        except TypeError:  # a key that is not a string
            return _SLOW
        out = value
        for key, item in value.items():
            kind = type(item)
            if kind is str or item is None or kind is bool:
                continue
            if kind is float:  # (NaN and infinities pass: the encoder refuses them)
                if not item.is_integer():
                    if abs(item) < 1e-4:  # python writes an exponent there
                        return _SLOW
                    continue
                if not -_MAX_EXACT <= item <= _MAX_EXACT:
                    return _SLOW
                plain = int(item)  # python writes 10.0, JCS 10: the int writes the same digits
            elif kind is int:
                if -_MAX_EXACT <= item <= _MAX_EXACT:
                    continue
                return _SLOW
            else:
                plain = _plain(item)
                if plain is _SLOW:
                    return _SLOW
                if plain is item:
                    continue
            if out is value:
                out = dict(value)
            out[key] = plain
        return out
    if kind is float:
        if value.is_integer():  # python writes 10.0, JCS 10: the int writes the same digits
            return int(value) if -_MAX_EXACT <= value <= _MAX_EXACT else _SLOW
        # Below 1e-4 python writes an exponent (NaN and infinities: the encoder refuses them).
        return value if not abs(value) < 1e-4 else _SLOW
    if kind is int:
        return value if -_MAX_EXACT <= value <= _MAX_EXACT else _SLOW
    if kind is list or kind is tuple:
        items = [_plain(item) for item in value]
        return _SLOW if any(item is _SLOW for item in items) else items
    return value if kind is str or kind is bool or value is None else _SLOW


def _sorted_encoder() -> Callable[[object], str]:
    """``_SORTED.encode``, with the json module's C encoder made once instead of per call
    (JSONEncoder.encode builds one each time); tested equal to it."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            chunks = make(None, _SORTED.default, quote, None, ":", ",", True, False, False)
            sample = {"b": [1, 2.5, None, True, "ế"], "a": {"d": 1, "c": "\n"}}
            if "".join(chunks(sample, 0)) == _SORTED.encode(sample):
                return lambda value: "".join(chunks(value, 0))
        except TypeError:  # another interpreter's signature: use the public API
            pass
    return _SORTED.encode


_encode_sorted = _sorted_encoder()


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
