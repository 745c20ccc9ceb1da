"""The OpenAPI document tells the truth a generated client relies on: ids, descriptions,
examples valid against their schemas, problem+json errors, headers; it is committed as
docs/openapi.json; /docs and /redoc need nothing from outside the service."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.api.openapi import OPERATIONS
from app.api.schema_docs import SCHEMAS
from tests.conftest import make_ledger

# Schemas that came with the paging, dashboard and scoring-by-sheet branches (merged
# 2026-12-02) and have no entry in app/api/schema_docs.py yet: a known gap, listed so
# that it shrinks and every other schema stays checked. Their description is the model's.
NOT_YET_EXEMPLIFIED = {
    "AdoptionIn",
    "AssessmentOut",
    "ClusterAt",
    "ClusterYearOut",
    "ClusterYearsPage",
    "CriterionIn",
    "CriterionOut",
    "CriterionPointsOut",
    "CrossGradeIn",
    "EntryIn",
    "ExplanationIn",
    "FinalIn",
    "GraderIn",
    "GroupIn",
    "GroupOut",
    "GroupPointsOut",
    "HostNamed",
    "IndicatorOut",
    "IndicatorsOut",
    "LeadersNamed",
    "MemberFigureOut",
    "Page_ScoreSheetOut_",
    "Paged_ClusterOut_",
    "Paged_PactSummary_",
    "Paged_RankingOut_",
    "Paged_UnitOut_",
    "RankingOut",
    "ScoreSheetIn",
    "ScoreSheetOut",
    "SelfAssessmentIn",
    "SheetRefOut",
    "SheetVersionIn",
    "StageOut",
    "UnitAt",
    "UnitPactOut",
    "UnitPactsPage",
    "LineageLink",
    "LineageOut",
    "NameOut",
    "RepartitionIn",
    "RepartitionOut",
    "SearchHit",
    "SearchOut",
}
SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@pytest.fixture
def document(client):
    return client.get("/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_operation_ids_are_stable_names_and_every_operation_is_described(document):
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert sorted(ids) == sorted(known[0] for known in OPERATIONS.values())
    assert {"listPacts", "recordResult", "getStandings", "importResults"} <= set(ids)
    for path, method, operation in operations(document):
        assert re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"]), path
        assert operation["summary"] and operation["description"], (method, path)


def test_every_schema_has_a_description_and_an_example_valid_against_it(document):
    schemas = document["components"]["schemas"]
    assert set(schemas) == set(SCHEMAS) | NOT_YET_EXEMPLIFIED
    for name, schema in schemas.items():
        if name in NOT_YET_EXEMPLIFIED:
            continue
        assert schema.get("description"), name
        (example,) = schema["examples"]
        # Resolved against the document itself, as a client's validator would.
        validator = jsonschema.Draft202012Validator(
            {**schema, "components": document["components"]},
            format_checker=jsonschema.FormatChecker(),
        )
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, (name, errors)
    assert "HTTPValidationError" not in schemas  # FastAPI's 422 shape: this server never sends it


def test_no_schema_uses_keywords_json_schema_does_not_know(document):
    text = json.dumps(document)
    assert '"gt":' not in text and '"le":' not in text and '"ge":' not in text and '"lt":' not in text


def test_every_error_is_problem_json_and_422_lists_the_fields(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        for status, response in responses.items():
            if int(status) < 400:
                continue
            content = response["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            ref = content["application/problem+json"]["schema"]["$ref"]
            assert ref.endswith("/ValidationProblem" if status == "422" else "/Problem"), (path, status)
        if "requestBody" in operation or operation.get("parameters"):
            assert "422" in responses, (method, path)
        if any(p["in"] == "path" for p in operation.get("parameters", ())):
            assert "404" in responses, (method, path)
    invalid = document["components"]["schemas"]["ValidationProblem"]
    assert invalid["allOf"][1]["required"] == ["errors"]


def test_reads_document_etag_cache_control_and_304_and_writes_their_headers(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        if method == "get":
            assert {"ETag", "Cache-Control"} <= set(responses["200"]["headers"]), path
            assert "304" in responses and "content" not in responses["304"], path
            assert any(p["name"] == "If-None-Match" for p in operation["parameters"]), path
    units = document["paths"]["/api/v1/units"]["post"]["responses"]["201"]["headers"]
    assert {"ETag", "Location", "Idempotent-Replayed", "X-Correlation-ID"} <= set(units)
    events = document["paths"]["/api/v1/events"]["get"]["responses"]["200"]["headers"]
    assert "Link" in events
    assert "WWW-Authenticate" in document["paths"]["/api/v1/pacts"]["post"]["responses"]["401"]["headers"]


def test_value_is_a_number_or_a_text_with_its_formats_described(document):
    value = document["components"]["schemas"]["ResultIn"]["properties"]["value"]
    kinds = {branch["type"] for branch in value["anyOf"]}
    assert kinds == {"number", "string"}
    text = next(branch for branch in value["anyOf"] if branch["type"] == "string")
    assert "1.234,5" in text["description"] and "number_format" in text["description"]


def test_path_parameters_have_demo_examples(document):
    standings = document["paths"]["/api/v1/clusters/{cluster_id}/standings"]["get"]
    cluster = next(p for p in standings["parameters"] if p["name"] == "cluster_id")
    assert cluster["example"] == "bac-trung-bo" and cluster["description"]


def test_reads_document_the_key_when_the_server_asks_one(sqlite_url):
    ledger = make_ledger(sqlite_url, public_reads=False)
    with TestClient(create_app(ledger)) as client:
        document = client.get("/openapi.json").json()
    ledger.close()
    for path, method, operation in operations(document):
        if path.startswith("/api/"):
            assert operation["security"] == [{"ApiKey": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_the_committed_document_is_the_running_apps(document):
    """docs/openapi.json is what clients/typescript is generated from (`make client`):
    any change of the contract shows as a diff of it. Refresh it with `make openapi`."""
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == document


def test_the_docs_pages_load_their_assets_from_the_service(client):
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), (page, asset)  # nothing from a CDN
            response = client.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 0
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html


def test_a_405_allows_exactly_the_documented_methods(client, document):
    for path, item in document["paths"].items():
        url = re.sub(r"\{(\w+)\}", "x", path)
        response = client.put(url)
        assert response.status_code == 405, path
        documented = {method.upper() for method in item}
        if "GET" in documented:
            documented.add("HEAD")  # answered as GET, without the body
        assert set(response.headers["allow"].split(", ")) == documented, path
        assert response.headers["content-type"] == "application/problem+json"
