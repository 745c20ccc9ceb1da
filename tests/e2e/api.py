"""Scenario helpers for the API tests: the North Central cluster of the seed articles."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response

API = "/api/v1"
PROBLEM = "application/problem+json"

# The six North Central departments (003_…txt): Thanh Hóa hosted the 10th conference in 2022.
NORTH_CENTRAL = {
    "thanh-hoa": ("Sở Công Thương Thanh Hóa", "Thanh Hóa"),
    "nghe-an": ("Sở Công Thương Nghệ An", "Nghệ An"),
    "ha-tinh": ("Sở Công Thương Hà Tĩnh", "Hà Tĩnh"),
    "quang-binh": ("Sở Công Thương Quảng Bình", "Quảng Bình"),
    "quang-tri": ("Sở Công Thương Quảng Trị", "Quảng Trị"),
    "hue": ("Sở Công Thương Thừa Thiên Huế", "Thừa Thiên Huế"),
}
CLUSTER = "bac-trung-bo"
PACT = "gu-2022"


def ok(response: Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Response, status: int) -> dict:
    """An RFC 9457 problem with the expected status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body


def invalid(response: Response, *fields: str) -> dict:
    """A 422 whose errors name exactly these fields."""
    body = problem(response, 422)
    assert {e["field"] for e in body["errors"]} == set(fields), body
    assert all(e["reason"] for e in body["errors"])
    return body


def ack(response: Response, entity_id: str, version: int, status: int = 200) -> dict:
    """A write's answer: {id, version, position} and the version as an ETag."""
    body = ok(response, status)
    assert body["id"] == entity_id and body["version"] == version
    assert isinstance(body["position"], int) and body["position"] > 0
    assert response.headers["etag"] == f'"{version}"'
    return body


def register_units(client: TestClient, *unit_ids: str) -> None:
    for unit_id in unit_ids or NORTH_CENTRAL:
        name, province = NORTH_CENTRAL[unit_id]
        body = {"id": unit_id, "name": name, "province": province}
        ok(client.post(f"{API}/units", json=body), 201)


def form_cluster(client: TestClient, members: list[str] | None = None) -> None:
    members = members or list(NORTH_CENTRAL)
    register_units(client, *members)
    body = {
        "id": CLUSTER,
        "name": "Cụm thi đua các Sở Công Thương Bắc Trung Bộ",
        "region": "Bắc Trung Bộ",
        "members": members,
        "formed_on": "2010-01-01",
    }
    ok(client.post(f"{API}/clusters", json=body), 201)


def propose(client: TestClient, pact_id: str = PACT, year: int = 2022, **extra: object) -> dict:
    body = {
        "id": pact_id,
        "cluster_id": CLUSTER,
        "title": f"Giao ước thi đua năm {year}",
        "year": year,
        "proposed_on": f"{year}-05-13",
        **extra,
    }
    return ok(client.post(f"{API}/pacts", json=body), 201)


def sign(client: TestClient, pact_id: str, unit_id: str, on: str = "2022-05-13") -> Response:
    body = {"unit_id": unit_id, "signed_by": f"Giám đốc {unit_id}", "signed_on": on}
    return client.post(f"{API}/pacts/{pact_id}/signatures", json=body)


def target(client: TestClient, pact_id: str, code: str, **fields: object) -> Response:
    body = {
        "code": code,
        "title": f"Chỉ tiêu {code}",
        "kind": "quantitative",
        "value": 100,
        "weight": 10,
        **fields,
    }
    return client.post(f"{API}/pacts/{pact_id}/targets", json=body)


def result(
    client: TestClient,
    pact_id: str,
    unit_id: str,
    code: str,
    value: object,
    headers: dict | None = None,
    **extra: object,
) -> Response:
    body = {
        "unit_id": unit_id,
        "target_code": code,
        "value": value,
        "reported_on": "2022-12-15",
        "source": "Báo cáo tổng kết",
        **extra,
    }
    return client.post(f"{API}/pacts/{pact_id}/results", json=body, headers=headers)


def pact_with_target(client: TestClient) -> None:
    """The usual starting point: six members, the 2022 pact, target T1 (plan, 100%)."""
    form_cluster(client)
    propose(client)
    ok(target(client, PACT, "T1", measure="%"))


def events(client: TestClient, pact_id: str = PACT) -> list[dict]:
    """The pact's whole history, page after page (the client must hold a log reader's key)."""
    page = ok(client.get(f"{API}/pacts/{pact_id}/events", params={"limit": 1000}))
    items = page["items"]
    while page["next"]:
        page = ok(client.get(page["next"]))
        items += page["items"]
    return items


def log_position(client: TestClient) -> int:
    """Where the whole log ends, read from the store itself rather than the API."""
    ledger = client.app.state.ledger
    with ledger.engine.connect() as conn:
        return ledger.store.last_position(conn)


def route_table(app) -> dict[tuple[str, str], int]:
    """(method, path) -> success status of every API route the application serves.

    Routes of included routers are read from the router's effective routes (what
    the application matches on); a plain APIRoute (older FastAPI) as it is.
    """
    table = {}
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found = list(contexts()) if contexts is not None else [route] if isinstance(route, APIRoute) else []
        for r in found:
            for method in r.methods or ():
                table[(method, r.path)] = r.status_code or 200
    return table
