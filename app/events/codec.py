"""Turns domain events into JSON-ready dicts and back, upcasting old shapes on read."""

from __future__ import annotations

import dataclasses
import operator
import typing
from collections.abc import Callable
from datetime import date
from types import UnionType

from app.domain.events import EVENT_TYPES, Event

Upcaster = Callable[[dict], dict]

# (type, schema_version) -> a function lifting data one version up. Empty until
# the first event shape changes; rows in the log are never rewritten.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


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
    # Every field's value in one C call (encode runs once per event appended).
    values: Callable[[Event], tuple]


def _shape(cls: type[Event]) -> _Shape:
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    dates = frozenset(n for n in names if date in _plain_types(hints[n]))
    tuples = frozenset(n for n in names if tuple in _plain_types(hints[n]))
    getter = operator.attrgetter(*names)
    values = getter if len(names) > 1 else (lambda event: (getter(event),))
    return _Shape(cls, names, dates, tuples, values)


_SHAPES = {name: _shape(cls) for name, cls in EVENT_TYPES.items()}


def encode(event: Event) -> dict:
    shape = _SHAPES[type(event).__name__]
    data = dict(zip(shape.fields, shape.values(event)))
    for name in shape.dates:
        value = data[name]
        if value is not None:
            data[name] = value.isoformat()
    for name in shape.tuples:
        value = data[name]
        if value is not None:
            data[name] = list(value)
    return data


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
    return shape.cls(**kwargs)
