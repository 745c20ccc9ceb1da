"""Signed checkpoints and verification over HTTP, as an auditor and a monitor use them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.audit.signing import Checkpoint, PublicKey, generate
from app.demo import load_demo
from app.domain import commands as c
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.api import API, ok, problem
from tests.integration.tamper import rewriting, unguarded


@pytest.fixture
def signed(store_url, tmp_path):
    """An admin key (event 1, before any signing), then the demo (2..103) on a ledger that
    signs a checkpoint every 10 events: the first at 94."""
    unsigned = make_ledger(store_url)
    token = issue_key(unsigned, "admin")
    unsigned.close()
    generate(tmp_path / "key.pem")
    ledger = make_ledger(store_url, signing_key_path=str(tmp_path / "key.pem"), checkpoint_every_events=10)
    load_demo(ledger)
    with TestClient(create_app(ledger), headers=bearer(token)) as client:
        client.ledger = ledger
        yield client
    ledger.close()


def rename(client: TestClient, year: int) -> dict:
    body = {"name": f"Sở Công Thương Hà Tĩnh {year}", "province": "Hà Tĩnh", "effective_on": f"{year}-01-01"}
    return ok(client.post(f"{API}/units/ha-tinh/rename", json=body))


def test_checkpoints_are_signed_listed_and_checkable_with_the_published_key(signed, tmp_path):
    latest = ok(signed.get(f"{API}/checkpoints/latest"))
    key = ok(signed.get(f"{API}/checkpoints/public-key"))
    (tmp_path / "public.json").write_text(json.dumps(key))
    (tmp_path / "public.pem").write_text(key["pem"])
    head = ok(signed.get(f"{API}/events", params={"after": 102}))["items"][0]

    assert latest["position"] == 103 and latest["hash"] == head["hash"] and latest["key_id"] == key["key_id"]
    assert (
        key["algorithm"] == "Ed25519"
        and key["jwk"]["crv"] == "Ed25519"
        and key["jwk"]["kid"] == key["key_id"]
    )
    for published in ("public.json", "public.pem"):
        checker = PublicKey.from_file(tmp_path / published)
        assert checker.key_id == key["key_id"] and checker.verifies(Checkpoint.from_dict(latest))
    forged = Checkpoint.from_dict({**latest, "position": 102})
    assert not PublicKey.from_file(tmp_path / "public.pem").verifies(forged)


def test_checkpoints_follow_the_log_and_page_like_it(signed):
    for year in range(2030, 2055):
        rename(signed, year)  # 25 more events: checkpoints at 113 and 123
    first = ok(signed.get(f"{API}/checkpoints", params={"limit": 2}))
    rest = ok(signed.get(first["next"]))

    assert [cp["position"] for cp in first["items"] + rest["items"]] == [103, 113, 123]
    assert rest["next"] is None and "after=113" in first["next"]
    assert ok(signed.get(f"{API}/checkpoints", params={"after": 123}))["items"] == []


def test_a_checkpoint_is_signed_on_demand(signed):
    covered = signed.post(f"{API}/checkpoints")
    rename(signed, 2030)
    made = signed.post(f"{API}/checkpoints")

    assert covered.status_code == 200 and covered.json()["position"] == 103
    assert made.status_code == 201 and made.json()["position"] == 104
    assert ok(signed.get(f"{API}/checkpoints/latest")) == made.json()


def test_without_a_key_nothing_is_signed_and_the_key_is_404(client):
    ok(
        client.post(
            f"{API}/units", json={"id": "tha", "name": "Sở Công Thương Thanh Hóa", "province": "Thanh Hóa"}
        ),
        201,
    )

    problem(client.get(f"{API}/checkpoints/latest"), 404)
    problem(client.get(f"{API}/checkpoints/public-key"), 404)
    assert problem(client.post(f"{API}/checkpoints"), 409)["type"].endswith("/no-signing-key")
    assert ok(client.get(f"{API}/checkpoints"))["items"] == []
    assert ok(client.get(f"{API}/verify"))["intact"] is True


def test_verification_for_monitoring_resumes_from_the_last_verified_checkpoint(signed):
    first = ok(signed.get(f"{API}/verify"))
    for year in range(2030, 2035):
        rename(signed, year)
    second = ok(signed.get(f"{API}/verify"))
    full = ok(signed.get(f"{API}/verify", params={"full": True}))

    assert (first["from_position"], first["to_position"], first["checkpoints"], first["signatures"]) == (
        1,
        103,
        1,
        1,
    )
    assert (second["from_position"], second["to_position"], second["events"]) == (104, 108, 5)
    assert (full["from_position"], full["to_position"], full["events"]) == (1, 108, 108)
    assert full["head_hash"] == second["head_hash"] and full["summary"].startswith("intact: positions 1..108")


def test_verification_names_the_first_bad_position(signed):
    ok(signed.get(f"{API}/verify"))
    rename(signed, 2030)
    with unguarded(signed.ledger.engine) as conn:
        conn.exec_driver_sql('UPDATE events SET metadata = \'{"actor":"x"}\' WHERE position = 104')

    failed = problem(signed.get(f"{API}/verify"), 500)

    assert failed["type"].endswith("/log-not-intact") and failed["first_bad_position"] == 104
    assert "hash mismatch" in failed["reason"]


def test_a_consistent_rewrite_is_caught_by_the_stored_checkpoint(signed):
    ledger = signed.ledger
    ledger.bus.handle(
        c.RenameUnit(
            unit_id="ha-tinh",
            name="Sở Công Thương tỉnh Hà Tĩnh",
            province="Hà Tĩnh",
            effective_on=date(2026, 1, 1),
        )
    )
    with rewriting(ledger.engine) as conn:  # every hash recomputed: the chain alone looks fine
        conn.exec_driver_sql('UPDATE events SET metadata = \'{"actor":"x"}\' WHERE position = 5')

    failed = problem(signed.get(f"{API}/verify", params={"full": True}), 500)

    assert failed["first_bad_position"] == 103 and "rewritten" in failed["reason"]
