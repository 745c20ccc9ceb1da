"""Turns domain events into JSON-ready dicts and back, upcasting old shapes on read."""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from collections.abc import Callable
from datetime import date
from types import UnionType
from typing import Any, cast

from app.db import dumps
from app.domain.events import EVENT_TYPES, Event
from app.events.canonical import dumps_canonical, number
from app.events.nested import from_plain, record_type, records_plain

Upcaster = Callable[[dict], dict]


def _result_recorded_v1(data: dict) -> dict:
    """Version 1 results kept only the number: what the source sent is unknown."""
    return {**data, "reported_as": None}


# (type, schema_version) -> a function lifting data one version up, applied in a
# chain until the current version. Rows in the log are never rewritten: the hash
# chain and the exports keep them as written; only their reading is lifted.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ResultRecorded", 1): _result_recorded_v1,
}


class UnknownEventType(Exception):
    pass


def _plain_types(hint: object) -> set[object]:
    if typing.get_origin(hint) in (typing.Union, UnionType):
        return {t for arg in typing.get_args(hint) for t in _plain_types(arg)}
    return {typing.get_origin(hint) or hint}


@dataclasses.dataclass(frozen=True, slots=True)
class _Shape:
    cls: type[Event]
    fields: tuple[str, ...]
    dates: frozenset[str]
    tuples: frozenset[str]
    # Generated per event type (an import encodes every event it appends):
    # the JSON-ready dict, and the same dict's JSON text, straight from the
    # event's attributes with no dict walked in between.
    to_dict: Callable[[Event], dict]
    to_json: Callable[[Event], str]
    # What the store writes of an event, in one pass: see encode_for_log.
    to_log: Callable[[Event], tuple[dict[str, Any], str, str, str, date | None]]
    # (field, record class) of the fields holding nested records (app.events.nested).
    records: tuple[tuple[str, type], ...] = ()


def _value_code(name: str, hint: object, dates: frozenset[str], tuples: frozenset[str]) -> tuple[str, str]:
    """For one field: the expression of its JSON-ready value, and of its JSON text.

    The text equals ``dumps`` of the value: strings through the encoder's own
    escaping, finite floats through float.__repr__ (what json writes), tuples
    as the list the dict holds, anything else (None, ints, NaN, a subclass)
    through ``dumps`` itself.
    """
    v = f"v_{name}"
    if record_type(hint) is not None:
        return f"None if {v} is None else nested({v})", f"'null' if {v} is None else dumps(nested({v}))"
    if name in dates:
        return (
            f"None if {v} is None else {v}.isoformat()",
            f"'null' if {v} is None else quote({v}.isoformat())",
        )
    if name in tuples:
        return f"None if {v} is None else list({v})", f"'null' if {v} is None else dumps(list({v}))"
    plain = _plain_types(hint)
    # An optional field's None is written as null without a call to the encoder.
    none = f"'null' if {v} is None else " if type(None) in plain else ""
    if str in plain:
        return v, f"{none}quote({v}) if type({v}) is str else dumps({v})"
    if float in plain:
        return v, f"{none}float_repr({v}) if type({v}) is float and -INF < {v} < INF else dumps({v})"
    return v, f"{none}dumps({v})"


def _log_code(name: str, hint: object, dates: frozenset[str], tuples: frozenset[str]) -> list[str]:
    """For one field, statements setting ``d_<name>`` (its JSON-ready value),
    ``j_<name>`` (its JSON text, as ``_value_code`` writes it) and ``c_<name>``
    (its JCS text, app.events.canonical), each value's text made once."""
    v, d, j, c = (f"{p}_{name}" for p in "vdjc")
    if record_type(hint) is not None:
        return [
            f"{d} = None if {v} is None else nested({v})",
            f"{j} = 'null' if {d} is None else dumps({d})",
            f"{c} = 'null' if {d} is None else canon({d})",
        ]
    if name in dates:
        return [
            f"{d} = None if {v} is None else {v}.isoformat()",
            f"{j} = {c} = 'null' if {d} is None else quote({d})",
        ]
    if name in tuples:
        return [
            f"{d} = None if {v} is None else list({v})",
            f"{j} = 'null' if {d} is None else dumps({d})",
            f"{c} = 'null' if {d} is None else canon({d})",
        ]
    plain = _plain_types(hint)
    if str in plain:
        fast = [f"if type({v}) is str:", f"    {j} = {c} = quote({v})"]
    elif float in plain:
        fast = [
            f"if type({v}) is float and -INF < {v} < INF:",
            f"    {j} = float_repr({v})",
            # JCS writes 95.0 as 95, and exponents and -0 its own way.
            f"    {c} = number({v}) if 'e' in {j} or not {v} else {j}[:-2] if {j}[-2:] == '.0' else {j}",
        ]
    else:
        fast = [f"if type({v}) is int and -MAX < {v} < MAX:", f"    {j} = {c} = int_repr({v})"]
    return [
        f"{d} = {v}",
        *fast,
        f"elif {v} is None:",
        f"    {j} = {c} = 'null'",
        "else:",
        f"    {j} = dumps({v})",
        f"    {c} = canon({v})",
    ]


def _generate(
    cls: type[Event], names: tuple[str, ...], hints: dict, dates: frozenset[str], tuples: frozenset[str]
) -> tuple[Callable, Callable, Callable]:
    codes = {n: _value_code(n, hints[n], dates, tuples) for n in names}
    load = [f"    v_{n} = event.{n}" for n in names]
    to_dict = [
        "def to_dict(event):",
        *load,
        "    return {" + ", ".join(f"{n!r}: {codes[n][0]}" for n in names) + "}",
    ]
    # One f-string (BUILD_STRING, no join): '{"key":' literals around each text.
    body = ",".join(f"{dumps(n)}:{{{codes[n][1]}}}" for n in names)
    to_json = ["def to_json(event):", *load, f'    return f"""{{{{{body}}}}}"""']
    # JCS orders members by name; the names are ASCII identifiers, so sorted() does.
    jcs = ",".join(f"{dumps(n)}:{{c_{n}}}" for n in sorted(names))
    text = ",".join(f"{dumps(n)}:{{j_{n}}}" for n in names)
    when = cls.DATE_FIELD
    to_log = [
        "def to_log(event):",
        *load,
        *(f"    {line}" for n in names for line in _log_code(n, hints[n], dates, tuples)),
        "    return (",
        "        {" + ", ".join(f"{n!r}: d_{n}" for n in names) + "},",
        f'        f"""{{{{{text}}}}}""",',
        f'        f"""{{{{{jcs}}}}}""",',
        f"        {f'j_{when}' if when else repr('null')},",
        f"        {f'v_{when}' if when else 'None'},",
        "    )",
    ]
    namespace = {
        "quote": json.encoder.encode_basestring,
        "dumps": dumps,
        "float_repr": float.__repr__,
        "INF": math.inf,
        "canon": dumps_canonical,
        "number": number,
        "int_repr": int.__repr__,
        "MAX": 2**53 + 1,
        "nested": records_plain,
    }
    for name in names:
        if not name.isidentifier():
            raise TypeError(f"{cls.__name__}.{name} is not an identifier")
    exec("\n\n".join("\n".join(source) for source in (to_dict, to_json, to_log)), namespace)
    made = [cast(Callable[..., Any], namespace[name]) for name in ("to_dict", "to_json", "to_log")]
    return made[0], made[1], made[2]


def _shape(cls: type[Event]) -> _Shape:
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    dates = frozenset(n for n in names if date in _plain_types(hints[n]))
    tuples = frozenset(n for n in names if tuple in _plain_types(hints[n]))
    to_dict, to_json, to_log = _generate(cls, names, hints, dates, tuples)
    records = tuple((n, r) for n in names if (r := record_type(hints[n])) is not None)
    return _Shape(cls, names, dates, tuples, to_dict, to_json, to_log, records)


_SHAPES = {name: _shape(cls) for name, cls in EVENT_TYPES.items()}


def encode(event: Event) -> dict:
    """The event's data as the log stores it: dates as ISO text, tuples as lists."""
    return _SHAPES[type(event).__name__].to_dict(event)


def encode_json(event: Event) -> str:
    """``dumps(encode(event))``, made in one step (tested equal on every event type)."""
    return _SHAPES[type(event).__name__].to_json(event)


def encode_for_log(event: Event) -> tuple[dict[str, Any], str, str, str, date | None]:
    """What the store writes of an event, made in one pass over its fields:
    ``encode(event)``, ``encode_json(event)``, the data's JCS text (the hash
    chain's, app.events.canonical), and ``event.occurred_on`` as JSON text and as is.
    Tested equal to those definitions on every event type."""
    return _SHAPES[type(event).__name__].to_log(event)


def decode(type_name: str, schema_version: int, data: dict) -> Event:
    shape = _SHAPES.get(type_name)
    if shape is None:
        raise UnknownEventType(type_name)
    while schema_version < shape.cls.SCHEMA_VERSION:
        data = UPCASTERS[(type_name, schema_version)](data)
        schema_version += 1
    kwargs = dict(data)
    for name in shape.dates:
        value = kwargs.get(name)
        if value is not None:
            kwargs[name] = date.fromisoformat(value)
    for name in shape.tuples:
        value = kwargs.get(name)
        if value is not None:
            kwargs[name] = tuple(value)
    for name, record in shape.records:
        value = kwargs.get(name)
        if value is not None:
            kwargs[name] = tuple(from_plain(record, item) for item in value)
    return shape.cls(**kwargs)
