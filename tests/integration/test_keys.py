"""API keys on real stores: kept as a keyed hash only, checked in constant time, revoked at once."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest
import sqlalchemy as sa

from app.domain import errors
from app.domain.apikey import APIKEY
from app.projections import tables as t
from app.projections.rebuild import rebuild
from app.services import keys
from app.services.bus import Meta
from app.services.tables import api_key_hashes
from tests.conftest import KEY_SECRET, issue_key, make_ledger
from tests.integration import world


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _position(ledger) -> int:
    with ledger.engine.connect() as conn:
        return ledger.store.last_position(conn)


def test_a_key_is_kept_as_a_keyed_hash_and_never_enters_the_log(ledger):
    world.build(ledger.bus)
    token = issue_key(ledger, "unit", name="so-ct-ha-tinh", unit_id="ha-tinh")
    key_id, secret = keys.parse(token)

    with ledger.engine.connect() as conn:
        stored = conn.execute(sa.select(api_key_hashes)).all()
        log = conn.execute(sa.text("select data, metadata from events")).all()
        row = conn.execute(sa.select(t.api_keys)).one()
    expected = hmac.new(KEY_SECRET.encode(), f"{key_id}:{secret}".encode(), sha256).hexdigest()
    assert [tuple(r) for r in stored] == [(key_id, expected)]
    text = repr(log)
    assert secret not in text and expected not in text
    assert key_id in text and "so-ct-ha-tinh" in text  # who holds it is in the log
    assert (row.name, row.role, row.unit_id, row.revoked_on) == ("so-ct-ha-tinh", "unit", "ha-tinh", None)


def test_the_ring_knows_a_good_key_and_refuses_everything_else(ledger):
    token = issue_key(ledger, "integration", name="he-thong-bao-cao")
    key_id, secret = keys.parse(token)
    other_secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    key = ledger.keys.authenticate(_bearer(token))

    assert (key.id, key.name, key.role) == (key_id, "he-thong-bao-cao", "integration")
    assert ledger.keys.cached(f"bearer  {token} ") == key  # the scheme is case-insensitive
    refused = {
        None: "needs a key",
        "": "needs a key",
        f"Basic {token}": "Bearer",
        "Bearer pl_nonsense": "not a key",
        _bearer(f"pl_{key_id}_{other_secret}"): "unknown key",
        _bearer(f"pl_{'0' * 12}_{secret}"): "unknown key",
    }
    for header, reason in refused.items():
        with pytest.raises(errors.Unauthenticated, match=reason):
            ledger.keys.authenticate(header)
    elsewhere = make_ledger(ledger.settings.database_url, key_secret="another-server-secret-" + "x" * 20)
    try:
        with pytest.raises(errors.Unauthenticated, match="unknown key"):
            elsewhere.keys.authenticate(_bearer(token))
    finally:
        elsewhere.close()


def test_a_revocation_elsewhere_stops_writes_at_once_and_reads_at_the_next_head(ledger):
    world.build(ledger.bus)
    token = issue_key(ledger, "admin")
    key = ledger.keys.authenticate(_bearer(token))
    console = make_ledger(ledger.settings.database_url)  # `pacts keys revoke`, another process
    try:
        keys.revoke(console.bus, key.id, reason="lộ khóa")
    finally:
        console.close()
    before = _position(ledger)

    # This process's memory of the key is stale, but the bus reads the key's
    # state under the log lock before any command:
    assert ledger.keys.cached(_bearer(token)) == key
    with pytest.raises(errors.Unauthenticated, match="revoked"):
        ledger.bus.handle(world.result(), Meta(principal=key))
    assert _position(ledger) == before
    # A read asks with the current head, which the revocation moved:
    with ledger.engine.connect() as conn:
        head = ledger.store.last_position(conn)
    assert ledger.keys.cached(_bearer(token), head) is None
    with pytest.raises(errors.Unauthenticated, match="revoked"):
        ledger.keys.authenticate(_bearer(token), head)


def test_an_expired_key_is_refused_by_the_ring_and_the_bus(ledger):
    world.build(ledger.bus)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    token, _ack = keys.issue(
        ledger.bus,
        KEY_SECRET.encode(),
        name="tam-thoi",
        role="admin",
        created_on=yesterday - timedelta(days=30),
        expires_on=yesterday,
    )
    key_id, _secret = keys.parse(token)

    with pytest.raises(errors.Unauthenticated, match="expired"):
        ledger.keys.authenticate(_bearer(token))
    with ledger.unit_of_work() as uow:
        state = uow.load(APIKEY, key_id)
    with pytest.raises(errors.Unauthenticated, match="expired"):
        ledger.bus.handle(world.result(), Meta(principal=state))


def test_every_row_of_a_batch_is_checked_and_one_refusal_writes_nothing(ledger):
    world.build(ledger.bus)
    key = ledger.keys.authenticate(_bearer(issue_key(ledger, "unit", unit_id="ha-tinh")))
    before = _position(ledger)

    with pytest.raises(errors.Forbidden, match="for unit nghe-an"):
        ledger.bus.handle_many([world.result("ha-tinh"), world.result("nghe-an")], Meta(principal=key))

    assert _position(ledger) == before
    acks = ledger.bus.handle_many([world.result("ha-tinh"), world.result("ha-tinh", 99)], Meta(principal=key))
    assert [a.position for a in acks] == [before + 2, before + 2]


def test_the_actor_is_the_key_and_x_actor_is_kept_as_on_behalf_of(ledger):
    world.build(ledger.bus)
    key = ledger.keys.authenticate(
        _bearer(issue_key(ledger, "cluster", name="van-phong-cum", cluster_id=world.CLUSTER))
    )

    ack = ledger.bus.handle(world.result("nghe-an"), Meta(principal=key, on_behalf_of="Nguyễn Văn A"))

    with ledger.engine.connect() as conn:
        (event,) = [e for e in ledger.store.read_stream(conn, "pact:" + ack.id) if e.position == ack.position]
    assert event.metadata == {
        "actor": "van-phong-cum",
        "actor_role": "cluster",
        "actor_key": key.id,
        "actor_scope": f"cluster:{world.CLUSTER}",
        "on_behalf_of": "Nguyễn Văn A",
        "source": "api",
        "correlation_id": None,
        "reason": None,
        "command": "RecordResult",
    }


def test_a_rebuild_replays_the_keys_and_leaves_their_hashes_alone(ledger):
    world.build(ledger.bus)
    kept = issue_key(ledger, "integration")
    gone = issue_key(ledger, "auditor")
    keys.revoke(ledger.bus, keys.parse(gone)[0])
    with ledger.engine.connect() as conn:
        before = (conn.execute(sa.select(t.api_keys)).all(), conn.execute(sa.select(api_key_hashes)).all())

    rebuild(ledger.engine, ledger.store)

    with ledger.engine.connect() as conn:
        after = (conn.execute(sa.select(t.api_keys)).all(), conn.execute(sa.select(api_key_hashes)).all())
    assert sorted(after[0]) == sorted(before[0]) and sorted(after[1]) == sorted(before[1])
    assert [r.revoked_on is not None for r in sorted(after[0], key=lambda r: r.role)] == [True, False]
    fresh = make_ledger(ledger.settings.database_url)
    try:
        assert fresh.keys.authenticate(_bearer(kept)).role == "integration"
    finally:
        fresh.close()
