"""The OpenAPI document lists every endpoint; the interactive docs answer."""

from __future__ import annotations

import pytest

ENDPOINTS = [
    ("post", "/api/v1/units"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{unit_id}"),
    ("post", "/api/v1/units/{unit_id}/rename"),
    ("post", "/api/v1/units/{unit_id}/merge"),
    ("get", "/api/v1/units/{unit_id}/lineage"),
    ("get", "/api/v1/search"),
    ("post", "/api/v1/clusters/{cluster_id}/repartition"),
    ("post", "/api/v1/clusters"),
    ("get", "/api/v1/clusters"),
    ("get", "/api/v1/clusters/{cluster_id}"),
    ("post", "/api/v1/clusters/{cluster_id}/members"),
    ("delete", "/api/v1/clusters/{cluster_id}/members/{unit_id}"),
    ("post", "/api/v1/clusters/{cluster_id}/leadership"),
    ("post", "/api/v1/clusters/{cluster_id}/host-handovers"),
    ("get", "/api/v1/clusters/{cluster_id}/rotations"),
    ("get", "/api/v1/clusters/{cluster_id}/standings"),
    ("post", "/api/v1/pacts"),
    ("get", "/api/v1/pacts"),
    ("get", "/api/v1/pacts/{pact_id}"),
    ("post", "/api/v1/pacts/{pact_id}/signatures"),
    ("post", "/api/v1/pacts/{pact_id}/targets"),
    ("post", "/api/v1/pacts/{pact_id}/results"),
    ("post", "/api/v1/pacts/{pact_id}/results/batch"),
    ("post", "/api/v1/pacts/{pact_id}/results/withdrawals"),
    ("post", "/api/v1/pacts/{pact_id}/awards"),
    ("post", "/api/v1/pacts/{pact_id}/close"),
    ("get", "/api/v1/pacts/{pact_id}/scores"),
    ("get", "/api/v1/units/{unit_id}/pacts"),
    ("get", "/api/v1/rankings"),
    ("get", "/api/v1/clusters/{cluster_id}/years"),
    ("get", "/api/v1/pacts/{pact_id}/events"),
    ("get", "/api/v1/units/{unit_id}/events"),
    ("get", "/api/v1/clusters/{cluster_id}/events"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/export"),
    ("get", "/api/v1/checkpoints"),
    ("post", "/api/v1/checkpoints"),
    ("get", "/api/v1/checkpoints/latest"),
    ("get", "/api/v1/checkpoints/public-key"),
    ("get", "/api/v1/verify"),
    ("post", "/api/v1/score-sheets"),
    ("get", "/api/v1/score-sheets"),
    ("get", "/api/v1/score-sheets/{code}"),
    ("post", "/api/v1/score-sheets/{code}/versions"),
    ("get", "/api/v1/score-sheets/{code}/versions/{version}"),
    ("post", "/api/v1/pacts/{pact_id}/score-sheet"),
    ("post", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/cross-grader"),
    ("post", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/self"),
    ("post", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/cross"),
    ("post", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/explanation"),
    ("post", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/final"),
    ("get", "/api/v1/pacts/{pact_id}/assessments/{unit_id}"),
    ("get", "/api/v1/clusters/{cluster_id}/indicators"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
]


@pytest.fixture
def document(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_lists_every_endpoint_and_nothing_else(document):
    listed = {(method, path) for path, item in document["paths"].items() for method in item}
    assert listed == set(ENDPOINTS)


def test_writes_document_their_errors_and_creates_answer_201(document):
    for method, path in ENDPOINTS:
        if method == "get" or path == "/api/v1/checkpoints":  # signing one is not a command
            continue
        responses = document["paths"][path][method]["responses"]
        assert {"400", "404", "409", "412", "422"} <= set(responses), path
    for path in ("/api/v1/units", "/api/v1/clusters", "/api/v1/pacts"):
        assert "201" in document["paths"][path]["post"]["responses"]


def test_writes_document_the_key_they_need_and_its_refusals(document):
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    for method, path in ENDPOINTS:
        operation = document["paths"][path][method]
        if method == "get":
            # Reads are open by default; the log is for auditors (and admins), with a key.
            is_log = path.endswith("/events") or "/events/" in path or "/checkpoints" in path
            assert ("security" in operation) == (is_log or path.endswith("/verify")), path
            continue
        assert operation["security"] == [{"ApiKey": []}], path
        assert {"401", "403"} <= set(operation["responses"]), path
        if path == "/api/v1/checkpoints":
            continue  # signs the head: idempotent by nature, no command, no metadata headers
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert {"idempotency-key", "x-actor"} <= headers, path


def test_request_bodies_are_described_by_their_schemas(document):
    schemas = document["components"]["schemas"]
    assert "attainment_cap" in schemas["PactIn"]["properties"]
    assert schemas["PactIn"]["additionalProperties"] is False
    assert {"id", "version", "position"} <= set(schemas["WriteAck"]["properties"])


def test_standings_document_the_year_query(document):
    params = document["paths"]["/api/v1/clusters/{cluster_id}/standings"]["get"]["parameters"]
    year = next(p for p in params if p["name"] == "year")
    assert year["in"] == "query" and year["required"] is True


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_interactive_docs_answer(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "openapi.json" in response.text
