"""Copying immutable states cheaply.

``dataclasses.replace`` inspects the fields on every call; folding a pact's
10,000 results made it the largest cost of a replay. The states are frozen,
slotted dataclasses with no __post_init__, so copying the slots is the same.
"""

from __future__ import annotations

from typing import TypeVar

S = TypeVar("S")
_set = object.__setattr__


def evolve(state: S, **changes: object) -> S:
    cls = type(state)
    new = object.__new__(cls)
    for name in cls.__slots__:  # type: ignore[attr-defined]
        _set(new, name, changes[name] if name in changes else getattr(state, name))
    return new
