"""Records nested in an event (a score sheet's groups and criteria, a grader's entries).

An event field typed ``tuple[Record, ...]``, where the record is a dataclass, is
stored as a list of JSON objects, one member per field in field order, nested
records and tuples likewise; dates as ISO text. Reading it builds the records
back. Anything that is not a record passes as ``list(value)`` would write it, so
such a field holding plain values encodes as any other tuple field.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable
from datetime import date
from types import UnionType
from typing import Any, TypeVar

T = TypeVar("T")


def _members(hint: object) -> list[object]:
    if typing.get_origin(hint) in (typing.Union, UnionType):
        return [m for arg in typing.get_args(hint) for m in _members(arg)]
    return [hint]


def record_type(hint: object) -> type | None:
    """X when ``hint`` is ``tuple[X, ...]`` (or that or None) and X is a dataclass."""
    for member in _members(hint):
        if typing.get_origin(member) is tuple:
            args = typing.get_args(member)
            if len(args) == 2 and args[1] is Ellipsis and dataclasses.is_dataclass(args[0]):
                return typing.cast(type, args[0])
    return None


def to_plain(value: object) -> object:
    """A record as a dict of its fields, recursively; tuples as lists, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def records_plain(values: Iterable[object]) -> list[object]:
    """A record field's JSON-ready value: ``list(values)`` with each record as a dict."""
    return [to_plain(v) for v in values]


_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, object], ...]:
    """(name, type hint) of a record's fields, worked out once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELDS[cls] = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
    return found


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """The record ``to_plain`` wrote; members it lacks take their defaults."""
    kwargs: dict[str, Any] = {}
    for name, hint in _fields(cls):
        if name not in data:
            continue
        value = data[name]
        if value is not None:
            nested, members = record_type(hint), _members(hint)
            if nested is not None:
                value = tuple(from_plain(nested, v) for v in value)
            elif any(typing.get_origin(m) is tuple or m is tuple for m in members):
                value = tuple(value)
            elif date in members:
                value = date.fromisoformat(value)
        kwargs[name] = value
    return cls(**kwargs)
