"""What operators read: correlation ids, one JSON log line per request and per write, /metrics."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.api.main import create_app
from app.observability.logs import JsonFormatter
from app.projections.rebuild import rebuild
from tests.conftest import make_ledger
from tests.e2e.api import API, CLUSTER, PACT, events, log_position, ok, pact_with_target, result

STANDINGS = f"{API}/clusters/{CLUSTER}/standings"
STANDINGS_ROUTE = "/api/v1/clusters/{cluster_id}/standings"


def _metrics(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(metrics: dict, name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


def _lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[dict]:
    """The records of one logger, as the JSON formatter writes them."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


def test_the_correlation_id_sent_is_echoed_logged_and_stored(client, caplog):
    pact_with_target(client)
    caplog.set_level(logging.INFO)

    response = client.post(
        f"{API}/pacts/{PACT}/results",
        json={
            "unit_id": "nghe-an",
            "target_code": "T1",
            "value": 80,
            "reported_on": "2022-12-15",
            "source": "Báo cáo",
        },
        headers={"X-Correlation-ID": "so-ct-nghe-an/2022-001"},
    )

    ok(response)
    assert response.headers["x-correlation-id"] == "so-ct-nghe-an/2022-001"
    assert events(client)[-1]["metadata"]["correlation_id"] == "so-ct-nghe-an/2022-001"
    request = _lines(caplog, "pacts.http")[0]
    assert (request["route"], request["correlation_id"]) == (
        "/api/v1/pacts/{pact_id}/results",
        "so-ct-nghe-an/2022-001",
    )
    (write,) = _lines(caplog, "pacts.write")
    assert write["correlation_id"] == "so-ct-nghe-an/2022-001"


def test_without_one_a_correlation_id_is_made_up_and_is_the_same_everywhere(client, caplog):
    pact_with_target(client)
    caplog.set_level(logging.INFO)

    response = result(client, PACT, "thanh-hoa", "T1", 90)

    made_up = response.headers["x-correlation-id"]
    assert uuid.UUID(made_up)
    assert events(client)[-1]["metadata"]["correlation_id"] == made_up
    assert _lines(caplog, "pacts.write")[-1]["correlation_id"] == made_up
    # A read gets one too, a new one.
    assert client.get(f"{API}/units").headers["x-correlation-id"] not in ("", made_up)


def test_one_line_per_request_and_per_write(client, caplog):
    pact_with_target(client)
    position = log_position(client)
    caplog.set_level(logging.INFO)

    ok(result(client, PACT, "hue", "T1", 75))
    client.get(STANDINGS, params={"year": 2022})
    client.get(f"{API}/pacts/gu-1999")

    requests = _lines(caplog, "pacts.http")
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("POST", "/api/v1/pacts/{pact_id}/results", 200),
        ("GET", STANDINGS_ROUTE, 200),
        ("GET", "/api/v1/pacts/{pact_id}", 404),
    ]
    assert all(r["duration_ms"] > 0 and r["level"] == "INFO" for r in requests)
    assert requests[1]["path"] == STANDINGS
    (write,) = _lines(caplog, "pacts.write")
    assert write["message"] == "write"
    assert (write["command"], write["stream"], write["version"], write["position"], write["events"]) == (
        "RecordResult",
        f"pact:{PACT}",
        3,
        position + 1,
        1,
    )


def test_metrics_count_requests_per_route_events_and_show_the_log_head(client):
    pact_with_target(client)
    before = _metrics(client)

    for _ in range(3):
        client.get(STANDINGS, params={"year": 2022})
    ok(result(client, PACT, "hue", "T1", 75))
    client.get(f"{API}/nowhere/{uuid.uuid4()}")
    after = _metrics(client)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    labels = {"method": "GET", "route": STANDINGS_ROUTE}
    assert grew("pacts_http_requests_total", status="200", **labels) == 3
    assert grew("pacts_http_request_duration_seconds_count", **labels) == 3
    assert grew("pacts_http_request_duration_seconds_sum", **labels) > 0
    assert grew("pacts_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert grew("pacts_events_appended_total", type="ResultRecorded") == 1
    assert _value(after, "pacts_log_head_position") == log_position(client)
    assert _value(after, "pacts_database_up") == 1


def test_a_rebuild_is_timed_and_moves_the_read_model_generation(client):
    pact_with_target(client)
    before = _metrics(client)
    ledger = client.app.state.ledger

    rebuild(ledger.engine, ledger.store)

    after = _metrics(client)
    assert _value(after, "pacts_rebuild_duration_seconds_count") == (
        _value(before, "pacts_rebuild_duration_seconds_count") + 1
    )
    assert _value(after, "pacts_read_model_generation") == _value(before, "pacts_read_model_generation") + 1
    # Another branch observes it; it is exposed from the start.
    assert ("pacts_verify_duration_seconds_count", ()) in after


def test_a_server_error_is_logged_counted_and_echoes_its_correlation_id(caplog):
    ledger = make_ledger("postgresql+psycopg://postgres@127.0.0.1:1/pacts")  # refuses at once
    caplog.set_level(logging.INFO)
    try:
        with TestClient(create_app(ledger), raise_server_exceptions=False) as client:
            response = client.get(f"{API}/units", headers={"X-Correlation-ID": "c-500"})
            metrics = _metrics(client)
    finally:
        ledger.close()

    # The database refusing: a 503 with Retry-After since issue 11 (it was a 500).
    assert response.status_code == 503
    assert response.headers["x-correlation-id"] == "c-500"
    request = _lines(caplog, "pacts.http")[0]
    assert (request["route"], request["status"], request["correlation_id"]) == ("/api/v1/units", 503, "c-500")
    labels = {"method": "GET", "route": "/api/v1/units", "status": "503"}
    assert _value(metrics, "pacts_http_requests_total", **labels) >= 1
    assert _value(metrics, "pacts_database_up") == 0
