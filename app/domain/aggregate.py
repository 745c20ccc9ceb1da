"""What an aggregate kind is: the type of its streams, its state class and its fold.

Each domain module declares its own (``PACT = Aggregate("pact", Pact)``), and
everything outside the domain names a kind by that object: ``uow.get(PACT, id)``
is typed as returning a ``Pact``, and a stream id is built here and nowhere else.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from app.domain.state import Folds

S = TypeVar("S")


class Aggregate(Generic[S]):
    """A kind of aggregate: ``stream_type`` names its streams, ``state`` is its state
    class, ``apply`` folds one of its events into a state (None before the first)."""

    __slots__ = ("apply", "state", "stream_type")

    def __init__(self, stream_type: str, state: type[S]) -> None:
        if not stream_type or ":" in stream_type:
            raise ValueError(f"a stream type is a non-empty name without ':' ({stream_type!r})")
        self.stream_type = stream_type
        self.state = state
        self.apply: Folds[S] = Folds(stream_type)

    def stream_id(self, entity_id: str) -> str:
        """The id of the stream that holds this aggregate's events."""
        return f"{self.stream_type}:{entity_id}"

    def entity_id(self, stream_id: str) -> str | None:
        """The entity id in one of this kind's stream ids; None for another kind's."""
        kind, sep, entity_id = stream_id.partition(":")
        return entity_id if sep and kind == self.stream_type else None

    def __repr__(self) -> str:
        return f"Aggregate({self.stream_type!r}, {self.state.__name__})"


def stream_type_of(stream_id: str) -> str:
    """The stream type a stream id was built with (Aggregate.stream_id)."""
    return stream_id.partition(":")[0]
