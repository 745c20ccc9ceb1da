"""PACTS_PUBLIC_READS=false: every read route of the route table asks for a key; probes stay open."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.services import keys
from tests.conftest import bearer, issue_key, make_ledger
from tests.e2e.api import route_table
from tests.integration import world

# Open whatever the setting: the probes, and the metrics a Prometheus scraper reads
# (operational counts only; keep /metrics off the public front, see README Operations).
PROBES = {"/healthz", "/readyz", "/api/v1/healthz", "/api/v1/readyz", "/metrics"}
# What this world lacks, and answers 404: it signs nothing (no checkpoint, no public key).
NOT_HERE = {"/api/v1/checkpoints/latest": 404, "/api/v1/checkpoints/public-key": 404}
# This world scores by flat targets: no score sheet to show, no pact assessed on one.
NOT_HERE |= {
    "/api/v1/score-sheets/bang-diem": 404,
    "/api/v1/score-sheets/bang-diem/versions/1": 404,
    f"/api/v1/pacts/{world.PACT}/assessments/ha-tinh": 404,
}
IDS = {
    "cluster_id": world.CLUSTER,
    "pact_id": world.PACT,
    "unit_id": "ha-tinh",
    "code": "bang-diem",
    "version": "1",
}


def read_urls(app) -> list[str]:
    """Every GET route, its path parameters filled from the small world."""
    paths = sorted(path for method, path in route_table(app) if method == "GET")
    assert "/api/v1/clusters/{cluster_id}/standings" in paths
    urls = [re.sub(r"\{(\w+)\}", lambda m: IDS[m.group(1)], path) for path in paths]
    required = {  # the reads' required parameters
        "/standings": "?year=2022",
        "/rankings": "?year=2022",
        "/indicators": "?year=2022",
        "/search": "?q=ha",
    }
    return [url + next((q for end, q in required.items() if url.endswith(end)), "") for url in urls]


@pytest.fixture
def keyed(store_url):
    ledger = make_ledger(store_url, public_reads=False)
    world.build(ledger.bus)
    yield ledger
    ledger.close()


def test_every_read_needs_a_usable_key_and_the_probes_and_docs_do_not(keyed):
    token = issue_key(keyed, "auditor")
    with TestClient(create_app(keyed)) as client:
        urls = read_urls(client.app)
        assert len(urls) >= 12
        for url in urls:
            anonymous = client.get(url)
            if url.split("?")[0] in PROBES:
                assert anonymous.status_code == 200, url
                continue
            assert anonymous.status_code == 401, url
            assert anonymous.headers["www-authenticate"] == 'Bearer realm="pact-ledger"'
            assert client.get(url, headers=bearer("pl_" + "0" * 12 + "_" + "x" * 43)).status_code == 401, url
            assert client.get(url, headers=bearer(token)).status_code == NOT_HERE.get(url, 200), url
        for page in ("/docs", "/openapi.json"):
            assert client.get(page).status_code == 200


def test_a_revoked_key_stops_reading_at_the_next_request(keyed):
    token = issue_key(keyed, "auditor")
    url = f"/api/v1/clusters/{world.CLUSTER}/standings?year=2022"
    with TestClient(create_app(keyed)) as client:
        assert client.get(url, headers=bearer(token)).status_code == 200
        console = make_ledger(keyed.settings.database_url)  # `pacts keys revoke`, another process
        try:
            keys.revoke(console.bus, keys.parse(token)[0])
        finally:
            console.close()

        refused = client.get(url, headers=bearer(token))

    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert refused.headers["www-authenticate"].endswith('error="invalid_token"')


def is_log(url: str) -> bool:
    """The log's routes: every stream's events, the export, checkpoints, verification."""
    path = url.split("?")[0]
    return (
        path.endswith("/events") or "/events/" in path or "/checkpoints" in path or path.endswith("/verify")
    )


def test_reads_are_public_by_default_but_the_log_is_for_auditors(ledger):
    world.build(ledger.bus)
    integration = issue_key(ledger, "integration")
    with TestClient(create_app(ledger)) as client:
        urls = read_urls(client.app)
        assert sum(map(is_log, urls)) >= 6
        for url in urls:
            if not is_log(url):
                assert client.get(url).status_code == NOT_HERE.get(url, 200), url
                continue
            assert client.get(url).status_code == 401, url
            refused = client.get(url, headers=bearer(integration))
            assert refused.status_code == 403 and refused.json()["right"] == "log:read", url
