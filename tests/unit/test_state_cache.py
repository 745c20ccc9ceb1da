"""The state cache trusts its entries only at the log head it knows them complete for."""

from app.services.state_cache import StateCache


def test_at_the_known_head_nothing_is_asked_or_evicted():
    cache = StateCache(10)
    cache.catch_up(5, lambda after: set())
    cache.put("pact:a", 3, "state-a")

    asked = []
    cache.catch_up(5, lambda after: asked.append(after) or set())

    assert asked == [] and cache.get("pact:a") == (3, "state-a")


def test_streams_written_by_others_since_the_known_head_are_evicted():
    cache = StateCache(10)
    cache.catch_up(5, lambda after: set())
    cache.put("pact:a", 3, "a")
    cache.put("pact:b", 1, "b")

    cache.catch_up(8, lambda after: {"pact:b"} if after == 5 else set())

    assert cache.get("pact:a") == (3, "a")
    assert cache.get("pact:b") == (0, None)
    assert cache.known_head == 8


def test_a_stream_written_by_others_keeps_its_state_marked_behind_until_a_newer_one_is_put():
    cache = StateCache(10)
    cache.catch_up(5, lambda after: set())
    cache.put("pact:b", 1, "b")

    cache.catch_up(8, lambda after: {"pact:b", "pact:never-cached"})

    assert cache.lookup("pact:b") == (1, "b", True)  # read the events after version 1
    assert cache.lookup("pact:never-cached") == (0, None, False)
    cache.put("pact:b", 1, "b-again")  # not newer: still behind
    assert cache.lookup("pact:b") == (1, "b", True)
    cache.put("pact:b", 3, "b3")
    assert cache.lookup("pact:b") == (3, "b3", False)


def test_a_state_put_after_the_cache_caught_up_past_its_commit_is_kept_behind():
    """Thread A commits pact:a at head 6 and puts it late: meanwhile thread B locked the
    log at head 9 (another process wrote pact:a at 7). A's state must not be trusted."""
    cache = StateCache(10)
    cache.catch_up(5, lambda after: set())
    cache.put("pact:a", 1, "a1", head=5)
    cache.catch_up(9, lambda after: {"pact:a"})  # B: written after 5 (by A and the other)

    cache.put("pact:a", 2, "a2", head=6)  # A's late put

    assert cache.lookup("pact:a") == (2, "a2", True)
    cache.put("pact:a", 4, "a4", head=9)
    assert cache.lookup("pact:a") == (4, "a4", False)


def test_an_unknown_history_drops_everything():
    cache = StateCache(10)
    cache.put("pact:a", 3, "a")

    cache.catch_up(100, lambda after: set())

    assert cache.get("pact:a") == (0, None)


def test_a_commit_advances_the_known_head_only_from_where_it_started():
    cache = StateCache(10)
    cache.catch_up(5, lambda after: set())

    cache.advance(5, 7)
    assert cache.known_head == 7

    cache.advance(5, 9)  # a late commit from a head the cache has moved past
    assert cache.known_head == 7


def test_an_older_version_never_replaces_a_newer_one():
    cache = StateCache(10)
    cache.put("pact:a", 4, "newer")
    cache.put("pact:a", 3, "older")
    assert cache.get("pact:a") == (4, "newer")
