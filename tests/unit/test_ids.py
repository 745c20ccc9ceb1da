"""Event ids are UUIDv7: valid, unique, ordered by time and within a batch."""

import uuid

from app.events.ids import new_ids


def test_ids_are_rfc_9562_version_7_text():
    for text in new_ids(1000):
        parsed = uuid.UUID(text)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == text


def test_a_batch_is_strictly_increasing_and_unique():
    ids = new_ids(20_000)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_the_top_48_bits_are_the_time_in_milliseconds():
    now_ns = 1_795_000_000_123_456_789
    (text,) = new_ids(1, now_ns=now_ns)
    assert uuid.UUID(text).int >> 80 == now_ns // 1_000_000


def test_later_batches_sort_after_earlier_ones():
    early = new_ids(3, now_ns=1_795_000_000_000_000_000)
    late = new_ids(3, now_ns=1_795_000_000_001_000_000)  # one millisecond later
    assert max(early) < min(late)


def test_two_batches_in_the_same_millisecond_do_not_collide():
    now_ns = 1_795_000_000_000_000_000
    first, second = new_ids(5000, now_ns=now_ns), new_ids(5000, now_ns=now_ns)
    assert not set(first) & set(second)


def _counter(text: str) -> int:
    """The 74-bit counter an id carries: rand_a (12 bits) then rand_b (62 bits)."""
    value = uuid.UUID(text).int
    return (value >> 64 & 0xFFF) << 62 | value & (2**62 - 1)


def test_a_batch_carrying_into_rand_a_stays_consecutive_and_ordered(monkeypatch):
    from app.events import ids

    start = 5 * 2**62 - 3  # three ids before rand_a goes from 4 to 5
    monkeypatch.setattr(ids.secrets, "randbits", lambda bits: start)

    batch = new_ids(7, now_ns=1_795_000_000_000_000_000)

    assert [_counter(text) for text in batch] == list(range(start, start + 7))
    assert batch == sorted(batch)
    for text in batch:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
