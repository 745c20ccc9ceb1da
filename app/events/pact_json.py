"""A pact's records as JSON values, derived from their fields (app.domain.pact: RECORD_OF).

A record is the list of its field values in declared order (the snapshots' format 1), or the
data of the event that makes it, keyed by the same names (what the rebuild's PactBuilder
keeps). Dates are ISO text and tuples lists. The converters are generated once per record
class from its fields and their types, one expression per field (as the codec's encoders
are, ADR 5): a loop over the fields doubled the cost of a snapshot of a large pact.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, fields
from datetime import date
from typing import Any, Generic, TypeVar

from app.domain import events as e
from app.domain.pact import PROPOSAL, RECORD_OF, Award, Pact, Result, Signature, Target, field_names

R = TypeVar("R")


def _kind(hint: object) -> tuple[str | None, bool]:
    """("date" | "tuple" | None, whether None is allowed) for a field's type."""
    union = typing.get_origin(hint) in (types.UnionType, typing.Union)
    options = typing.get_args(hint) if union else (hint,)
    kinds = {typing.get_origin(option) or option for option in options}
    optional = type(None) in kinds
    return ("date" if date in kinds else "tuple" if tuple in kinds else None), optional


def _read(kind: str | None, optional: bool, source: str) -> str:
    if kind is None:
        return source
    call = {"date": "day", "tuple": "tuple"}[kind]
    return f"opt({call}, {source})" if optional else f"{call}({source})"


def _write(kind: str | None, optional: bool, source: str) -> str:
    if kind is None:
        return source
    call = {"date": "iso", "tuple": "list"}[kind]
    return f"opt({call}, {source})" if optional else f"{call}({source})"


def _opt(convert: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else convert(value)


_NAMESPACE = {"day": date.fromisoformat, "iso": date.isoformat, "opt": _opt}


class RecordCodec(Generic[R]):
    """One state record to and from JSON values; ``event`` is the event that makes it
    (its defaults answer for a field its stored data lacks)."""

    def __init__(self, cls: type[R], event: type[e.Event]) -> None:
        self.cls = cls
        self.names = field_names(cls)
        hints = typing.get_type_hints(cls)
        kinds = [_kind(hints[name]) for name in self.names]
        defaults = {f.name: f.default for f in fields(event) if f.default is not MISSING}
        held = [f"d.get({n!r}, defaults[{n!r}])" if n in defaults else f"d[{n!r}]" for n in self.names]
        attributes = [
            _write(kind, optional, f"r.{n}") for n, (kind, optional) in zip(self.names, kinds, strict=True)
        ]
        listed = [_read(kind, optional, f"v[{i}]") for i, (kind, optional) in enumerate(kinds)]
        named = [_read(kind, optional, src) for src, (kind, optional) in zip(held, kinds, strict=True)]
        namespace: dict[str, Any] = {**_NAMESPACE, "cls": cls, "defaults": defaults}
        source = [
            f"def to_values(r):\n    return [{', '.join(attributes)}]",
            f"def from_values(v):\n    return cls({', '.join(listed)})",
            f"def from_data(d):\n    return cls({', '.join(named)})",
        ]
        exec("\n".join(source), namespace)
        self.to_values: Callable[[R], list[Any]] = namespace["to_values"]
        self.from_values: Callable[[Sequence[Any]], R] = namespace["from_values"]
        self.from_data: Callable[[dict[str, Any]], R] = namespace["from_data"]


_EVENT_OF = {record: event for event, record in RECORD_OF.items()}
SIGNATURE = RecordCodec(Signature, _EVENT_OF[Signature])
TARGET = RecordCodec(Target, _EVENT_OF[Target])
RESULT = RecordCodec(Result, _EVENT_OF[Result])
AWARD = RecordCodec(Award, _EVENT_OF[Award])

_PROPOSAL_KINDS = [
    (name, *_kind(hint)) for name, hint in typing.get_type_hints(Pact).items() if name in PROPOSAL
]


def proposal_to_data(pact: Pact) -> dict[str, Any]:
    """The pact's own fields (the proposal's), keyed by name."""
    out = {}
    for name, kind, _ in _PROPOSAL_KINDS:
        value = getattr(pact, name)
        out[name] = (
            value if kind is None or value is None else value.isoformat() if kind == "date" else list(value)
        )
    return out


def pact_from_fields(d: Mapping[str, Any], **records: Any) -> Pact:
    """A Pact from the proposal's fields as JSON keyed by name (a snapshot's, or the
    PactProposed data the rebuild keeps; a field it lacks takes the event's default),
    and its records already decoded."""
    proposal = {}
    for name, kind, _ in _PROPOSAL_KINDS:
        value = d[name] if name in d else _PROPOSAL_DEFAULTS[name]
        if kind is not None and value is not None:
            value = date.fromisoformat(value) if kind == "date" else tuple(value)
        proposal[name] = value
    return Pact(**proposal, **records)


_PROPOSAL_DEFAULTS = {f.name: f.default for f in fields(e.PactProposed) if f.default is not MISSING}
