"""PersistentMap behaves as a plain dict would, order included, and never changes a copy."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import persistent
from app.domain.persistent import PersistentMap

KEYS = st.sampled_from([(f"u{i}", f"T{j}") for i in range(6) for j in range(5)])
OPS = st.lists(st.tuples(st.sampled_from(["set", "delete"]), KEYS, st.integers()), max_size=400)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dictionaries(KEYS, st.integers(), max_size=20), ops=OPS, fold_after=st.sampled_from([1, 3, 32])
)
def test_it_iterates_and_answers_as_a_dict_with_the_same_history(start, ops, fold_after):
    with patch.object(persistent, "_MIN_CHANGES", fold_after):  # fold changes in often, or rarely
        _same_as_a_dict(start, ops)


def _same_as_a_dict(start, ops):
    expected = dict(start)
    current = PersistentMap(dict(start))
    copies = [(current, dict(expected))]
    for op, key, value in ops:
        if op == "set":
            expected[key] = value
            current = current.set(key, value)
        elif key in expected:
            del expected[key]
            current = current.delete(key)
        else:
            with pytest.raises(KeyError):
                current.delete(key)
            continue
        copies.append((current, dict(expected)))
        assert list(current.items()) == list(expected.items())
        assert len(current) == len(expected)
        assert current == expected and expected == current
        assert current.get(key) == expected.get(key) and (key in current) == (key in expected)
    # Every earlier copy still holds what it held: nothing is shared that changes.
    for copy, held in copies:
        assert list(copy.items()) == list(held.items())


def test_a_long_run_of_new_keys_stays_cheap_and_in_order():
    keys = [(f"u{i % 100:03d}", f"T{i // 100:03d}") for i in range(10_000)]
    current: PersistentMap = PersistentMap()
    for n, key in enumerate(keys):
        current = current.set(key, n)
    assert list(current) == keys and current[keys[-1]] == 9_999
    assert len(current._tail) + len(current._updates) <= 100  # changes are folded in as they grow


def test_of_wraps_a_plain_dict_and_keeps_a_persistent_map():
    plain = {("a", "b"): 1}
    wrapped = PersistentMap.of(plain)
    assert wrapped == plain and PersistentMap.of(wrapped) is wrapped
    assert wrapped.set(("a", "c"), 2) == {("a", "b"): 1, ("a", "c"): 2} and plain == {("a", "b"): 1}
