"""An immutable mapping whose changed copies share most of their storage.

A pact's results are an immutable mapping, and each ResultRecorded folds into a
new pact. Copying a plain dict per event costs O(results): a year's import of
10,000 distinct unit-target results copied about 50 million entries (0.5 s).
``PersistentMap.set`` and ``.delete`` cost O(√n) amortized instead (about 2 µs
for a pact of 10,000 results): a changed
copy shares the previous copy's plain dict (its base, never mutated) and
carries only what changed since, which is folded into a new base once it
grows past about √n entries.

It iterates exactly as a plain dict that had the same assignments and
deletions would (tests/unit/test_persistent.py checks it against dict): keys
keep their first position when their value changes, and a key deleted and set
again moves to the end. Snapshots and the rebuild depend on that order.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
_MIN_CHANGES = 32
_MISSING = object()


class PersistentMap(Mapping[K, V], Generic[K, V]):
    __slots__ = ("_base", "_dropped", "_len", "_tail", "_updates")

    def __init__(self, base: Mapping[K, V] | None = None) -> None:
        # The base is shared by the copies: it must not be changed afterwards.
        self._base: Mapping[K, V] = base if base is not None else {}
        self._updates: dict[K, V] = {}  # base keys at their base position, with a new value
        self._dropped: frozenset[K] = frozenset()  # base keys no longer at their base position
        self._tail: dict[K, V] = {}  # keys after the base's, in order
        self._len = len(self._base)

    @classmethod
    def of(cls, mapping: Mapping[K, V]) -> PersistentMap[K, V]:
        return mapping if isinstance(mapping, PersistentMap) else cls(mapping)

    def _in_base(self, key: K) -> bool:
        return key in self._base and key not in self._dropped

    # Lookups and iteration are on the projector's and scoring's path: each
    # part is consulted only when it holds anything.
    def __getitem__(self, key: K) -> V:
        if self._tail:
            value = self._tail.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
        if self._dropped and key in self._dropped:
            raise KeyError(key)
        if self._updates:
            value = self._updates.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
        return self._base[key]

    def get(self, key: K, default: V | None = None) -> V | None:  # type: ignore[override]
        # Mapping.get would go through a KeyError on every miss: scoring asks for each target.
        if self._tail:
            value = self._tail.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
        if self._dropped and key in self._dropped:
            return default
        if self._updates:
            value = self._updates.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[return-value]
        return self._base.get(key, default)

    def items(self) -> ItemsView[K, V]:
        return _Items(self)

    def __contains__(self, key: object) -> bool:
        return key in self._tail or (key in self._base and key not in self._dropped)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[K]:
        dropped = self._dropped
        for key in self._base:
            if key not in dropped:
                yield key
        yield from self._tail

    def __repr__(self) -> str:
        return f"PersistentMap({dict(self.items())!r})"

    def _copy(
        self, updates: dict[K, V], dropped: frozenset[K], tail: dict[K, V], length: int
    ) -> PersistentMap[K, V]:
        if len(updates) + len(dropped) + len(tail) > max(_MIN_CHANGES, int((2 * length) ** 0.5)):
            # Fold the changes into a new plain dict: O(n), once per ~√(2n) changes.
            if dropped:
                merged = {k: v for k, v in self._base.items() if k not in dropped}
            else:
                merged = dict(self._base)  # copied in C
            merged.update(updates)  # a key already there keeps its position, as in a dict
            merged.update(tail)
            return PersistentMap(merged)
        new = PersistentMap.__new__(PersistentMap)
        new._base, new._updates, new._dropped, new._tail, new._len = (
            self._base,
            updates,
            dropped,
            tail,
            length,
        )
        return new

    def set(self, key: K, value: V) -> PersistentMap[K, V]:
        """A copy with ``key`` set to ``value``."""
        if key in self._tail or not self._in_base(key):
            length = self._len + (key not in self._tail)
            return self._copy(self._updates, self._dropped, {**self._tail, key: value}, length)
        return self._copy({**self._updates, key: value}, self._dropped, self._tail, self._len)

    def delete(self, key: K) -> PersistentMap[K, V]:
        """A copy without ``key`` (KeyError if it has none)."""
        if key in self._tail:
            tail = {k: v for k, v in self._tail.items() if k != key}
            return self._copy(self._updates, self._dropped, tail, self._len - 1)
        if not self._in_base(key):
            raise KeyError(key)
        updates = {k: v for k, v in self._updates.items() if k != key}
        return self._copy(updates, self._dropped | {key}, self._tail, self._len - 1)


class _Items(ItemsView[K, V]):
    """A PersistentMap's items, walked without a lookup per key."""

    _mapping: PersistentMap[K, V]

    def __iter__(self) -> Iterator[tuple[K, V]]:
        m = self._mapping
        dropped, updates = m._dropped, m._updates
        if dropped or updates:
            for key, value in m._base.items():
                if key not in dropped:
                    yield key, updates.get(key, value)
        else:
            yield from m._base.items()
        yield from m._tail.items()
