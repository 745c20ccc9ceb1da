"""Every write route x every kind of key -> 2xx, 401 or 403, on both stores.

The write routes come from the application's own route table: a route added
without an expectation here fails the test, so no write can escape the matrix.
Each request is one that succeeds for a key allowed to make it (it is prepared
through the bus, as the system); a refused one must leave the log as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from app.api.main import create_app
from app.domain import commands as c
from app.domain.cluster import CLUSTER
from app.domain.criteria import Criterion, CriterionGroup, Entry
from app.domain.pact import PACT
from app.domain.sheet import SHEET as SHEETS
from app.services import keys
from tests.conftest import bearer, issue_key
from tests.e2e.api import route_table
from tests.integration import world

Request = tuple[str, str, dict | None]  # method, url with query, JSON body
API = "/api/v1"
YEARS = itertools.count(2030)  # proposals: one pact per cluster and year
PAST_YEARS = itertools.count(2002)  # pacts assessed now: their stages' dates are not in the future
SHEET = "bang-diem"


def _system(ledger, *commands: c.Command) -> None:
    ledger.bus.handle_many(list(commands))


def _unit(ledger, unit_id: str) -> None:
    _system(ledger, c.RegisterUnit(id=unit_id, name=f"Sở {unit_id}", province=unit_id))


def _pact(ledger, n: int) -> tuple[str, int]:
    pact_id, year = f"p-{n}", next(YEARS)
    _system(ledger, world.propose(pact_id, year))
    return pact_id, year


def register(ledger, n: int) -> Request:
    return "POST", f"{API}/units", {"id": f"u-{n}", "name": "Sở Công Thương", "province": "Mới"}


def rename(ledger, n: int) -> Request:
    _unit(ledger, f"u-{n}")
    return (
        "POST",
        f"{API}/units/u-{n}/rename",
        {"name": "Sở mới", "province": "Mới", "effective_on": "2030-01-01"},
    )


def merge(ledger, n: int) -> Request:
    _unit(ledger, f"u-{n}")
    _unit(ledger, f"s-{n}")
    body = {"into": f"s-{n}", "effective_on": "2030-01-01", "legal_basis": "NQ 202/2025/QH15"}
    return "POST", f"{API}/units/u-{n}/merge", body


def form(ledger, n: int) -> Request:
    _unit(ledger, f"m-{n}")
    body = {"id": f"k-{n}", "name": "Cụm", "region": "Miền", "members": [f"m-{n}"], "formed_on": "2030-01-01"}
    return "POST", f"{API}/clusters", body


def add_member(ledger, n: int) -> Request:
    _unit(ledger, f"m-{n}")
    return "POST", f"{API}/clusters/{world.CLUSTER}/members", {"unit_id": f"m-{n}", "joined_on": "2099-01-01"}


def remove_member(ledger, n: int) -> Request:
    _unit(ledger, f"m-{n}")
    _system(ledger, c.AddMember(cluster_id=world.CLUSTER, unit_id=f"m-{n}", joined_on=date(2099, 1, 1)))
    return "DELETE", f"{API}/clusters/{world.CLUSTER}/members/m-{n}?effective_on=2099-06-01", None


def repartition(ledger, n: int) -> Request:
    """A seat the merger of p-{n} into s-{n} emptied in cluster r-{n}, to decide."""
    _unit(ledger, f"p-{n}")
    _unit(ledger, f"s-{n}")
    day = date(2030, 1, 1)
    _system(ledger, c.FormCluster(id=f"r-{n}", name="Cụm", region="Miền", members=(f"p-{n}",), formed_on=day))
    _system(
        ledger, c.MergeUnit(unit_id=f"p-{n}", into=f"s-{n}", effective_on=date(2030, 7, 1), legal_basis="NQ")
    )
    body = {"unit_id": f"p-{n}", "admit_successor": True, "decision_ref": "QĐ 1", "decided_on": "2030-08-01"}
    return "POST", f"{API}/clusters/r-{n}/repartition", body


def leadership(ledger, n: int) -> Request:
    year = 2001 + n % 99
    body = {
        "year": year,
        "chair": "ha-tinh",
        "deputy": "nghe-an",
        "decision_ref": "QĐ",
        "decided_on": f"{year}-03-01",
    }
    return "POST", f"{API}/clusters/{world.CLUSTER}/leadership", body


def handover(ledger, n: int) -> Request:
    with ledger.unit_of_work() as uow:
        state = uow.load(CLUSTER, world.CLUSTER)
    last = state.handovers[-1] if state.handovers else None
    number, year = (last.conference_number + 1, last.year + 1) if last else (1, 2001)
    giver = state.flag_holder or "ha-tinh"
    body = {
        "conference_number": number,
        "year": year,
        "from_unit": giver,
        "to_unit": "nghe-an" if giver == "ha-tinh" else "ha-tinh",
        "handed_over_on": f"{year}-12-20",
    }
    return "POST", f"{API}/clusters/{world.CLUSTER}/host-handovers", body


def propose(ledger, n: int) -> Request:
    year = next(YEARS)
    body = {
        "id": f"p-{n}",
        "cluster_id": world.CLUSTER,
        "title": "GƯ",
        "year": year,
        "proposed_on": f"{year}-01-10",
    }
    return "POST", f"{API}/pacts", body


def sign(ledger, n: int) -> Request:
    pact_id, year = _pact(ledger, n)
    body = {"unit_id": "ha-tinh", "signed_by": "Giám đốc Sở", "signed_on": f"{year}-01-20"}
    return "POST", f"{API}/pacts/{pact_id}/signatures", body


def set_target(ledger, n: int) -> Request:
    body = {"code": f"T-{n}", "title": "Xuất khẩu", "kind": "quantitative", "value": 100, "weight": 5}
    return "POST", f"{API}/pacts/{world.PACT}/targets", body


def record(ledger, n: int) -> Request:
    return "POST", f"{API}/pacts/{world.PACT}/results", world.result_body("ha-tinh", value=90 + n % 10)


def record_batch(ledger, n: int) -> Request:
    body = {"results": [world.result_body("ha-tinh", value=90 + n % 10)]}
    return "POST", f"{API}/pacts/{world.PACT}/results/batch", body


def withdraw(ledger, n: int) -> Request:
    _system(ledger, world.result("ha-tinh", value=90 + n % 10))
    body = {
        "unit_id": "ha-tinh",
        "target_code": world.TARGET,
        "reason": "nhập nhầm",
        "withdrawn_on": "2022-12-20",
    }
    return "POST", f"{API}/pacts/{world.PACT}/results/withdrawals", body


def sign_checkpoint(ledger, n: int) -> Request:
    return "POST", f"{API}/checkpoints", None


def award(ledger, n: int) -> Request:
    body = {
        "recipient_unit": "ha-tinh",
        "title": "Cờ thi đua",
        "conferred_by": "Bộ Công Thương",
        "granted_on": "2022-12-20",
    }
    return "POST", f"{API}/pacts/{world.PACT}/awards", body


def close(ledger, n: int) -> Request:
    pact_id, year = _pact(ledger, n)
    return "POST", f"{API}/pacts/{pact_id}/close", {"closed_on": f"{year}-12-31"}


SHEET_BODY = {
    "title": "Bảng chấm điểm",
    "legal_basis": "Quy chế Cụm",
    "valid_from": "1945-01-01",
    "groups": [
        {
            "code": "I",
            "title": "Báo cáo",
            "max_points": 10,
            "criteria": [
                {"code": "I.1", "title": "Đúng hạn", "kind": "per_item", "max_points": 10, "points_each": 2}
            ],
        }
    ],
}


def _sheet_command(code: str, kind: type[c.CreateScoreSheet] = c.CreateScoreSheet) -> c.CreateScoreSheet:
    group = SHEET_BODY["groups"][0]
    criteria = tuple(Criterion(**criterion) for criterion in group["criteria"])
    return kind(
        code=code,
        title="Bảng chấm điểm",
        legal_basis="Quy chế Cụm",
        valid_from=date(1945, 1, 1),
        groups=(CriterionGroup(code="I", title="Báo cáo", max_points=10, criteria=criteria),),
    )


_SCORED: dict[tuple[int, str], tuple[str, int]] = {}
Stage = Callable[[str, int], c.Command]


def _assessed_pact(
    ledger, route: str, setup: tuple[Stage, ...] = (), each: tuple[Stage, ...] = ()
) -> tuple[str, int]:
    """The route's past pact scored by the sheet (made at its first request, then ``setup``),
    after ``each`` (stages made from the pact id and year). Past: stage dates may not be ahead
    of today; one per route: one pact per cluster and year, and a stage may be sent again."""
    key = (id(ledger), route)
    if key not in _SCORED:
        pact_id, year = _SCORED[key] = f"a-{route}", next(PAST_YEARS)
        with ledger.unit_of_work() as uow:
            has_sheet = uow.load(SHEETS, SHEET) is not None
        _system(ledger, *(() if has_sheet else (_sheet_command(SHEET),)), world.propose(pact_id, year))
        adopt = c.AdoptScoreSheet(pact_id=pact_id, sheet_code=SHEET, adopted_on=date(year, 1, 10))
        _system(ledger, adopt, *(stage(pact_id, year) for stage in setup))
    pact_id, year = _SCORED[key]
    if each:
        _system(ledger, *(stage(pact_id, year) for stage in each))
    return pact_id, year


def _self(unit_id: str, count: int) -> Callable[[str, int], c.Command]:
    entry = (Entry(criterion_code="I.1", count=count),)
    return lambda p, y: c.SubmitSelfAssessment(
        pact_id=p, unit_id=unit_id, entries=entry, submitted_on=date(y, 2, 1)
    )


def _grader(unit_id: str, grader_id: str) -> Callable[[str, int], c.Command]:
    return lambda p, y: c.AssignCrossGrader(
        pact_id=p, unit_id=unit_id, grader_id=grader_id, assigned_on=date(y, 2, 2)
    )


def create_sheet(ledger, n: int) -> Request:
    return "POST", f"{API}/score-sheets", {"code": f"s-{n}", **SHEET_BODY}


def revise_sheet(ledger, n: int) -> Request:
    _system(ledger, _sheet_command(f"s-{n}"))
    return "POST", f"{API}/score-sheets/s-{n}/versions", {**SHEET_BODY, "tolerance": 1}


def adopt_sheet(ledger, n: int) -> Request:
    # A new sheet each time: the pact, not yet assessed, may change its sheet.
    pact_id, year = f"adopt-{id(ledger)}", 2001
    with ledger.unit_of_work() as uow:
        proposed = uow.load(PACT, pact_id) is not None
    _system(ledger, _sheet_command(f"s-{n}"), *(() if proposed else (world.propose(pact_id, year),)))
    return (
        "POST",
        f"{API}/pacts/{pact_id}/score-sheet",
        {"sheet_code": f"s-{n}", "adopted_on": f"{year}-01-10"},
    )


def assign_grader(ledger, n: int) -> Request:
    pact_id, year = _assessed_pact(ledger, "grader")
    body = {"grader_id": "ha-tinh", "assigned_on": f"{year}-02-01"}
    return "POST", f"{API}/pacts/{pact_id}/assessments/nghe-an/cross-grader", body


def self_assess(ledger, n: int) -> Request:
    pact_id, year = _assessed_pact(ledger, "self")
    body = {"entries": [{"criterion_code": "I.1", "count": 4}], "submitted_on": f"{year}-02-01"}
    return "POST", f"{API}/pacts/{pact_id}/assessments/ha-tinh/self", body


def cross_grade(ledger, n: int) -> Request:
    pact_id, year = _assessed_pact(
        ledger, "cross", setup=(_self("nghe-an", 4), _grader("nghe-an", "ha-tinh"))
    )
    body = {
        "grader_id": "ha-tinh",
        "entries": [{"criterion_code": "I.1", "count": 4}],
        "submitted_on": f"{year}-02-03",
    }
    return "POST", f"{API}/pacts/{pact_id}/assessments/nghe-an/cross", body


def explain(ledger, n: int) -> Request:
    def cross(p: str, y: int) -> c.Command:
        entry = (Entry(criterion_code="I.1", count=0),)
        return c.SubmitCrossGrade(
            pact_id=p, unit_id="ha-tinh", grader_id="nghe-an", entries=entry, submitted_on=date(y, 2, 3)
        )

    pact_id, year = _assessed_pact(
        ledger, "explain", setup=(_self("ha-tinh", 5), _grader("ha-tinh", "nghe-an")), each=(cross,)
    )
    body = {"explanation": "Báo cáo gửi đúng hạn qua bưu điện", "filed_on": f"{year}-02-04"}
    return "POST", f"{API}/pacts/{pact_id}/assessments/ha-tinh/explanation", body


def final(ledger, n: int) -> Request:
    pact_id, year = _assessed_pact(ledger, "final", setup=(_self("ha-tinh", 5),))
    body = {
        "entries": [{"criterion_code": "I.1", "count": 4}],
        "reason": "Hội đồng",
        "recorded_on": f"{year}-02-05",
    }
    return "POST", f"{API}/pacts/{pact_id}/assessments/ha-tinh/final", body


# Who may make each write, within the key's scope: the matrix of the README.
# "cluster" is a key of the request's cluster (bac-trung-bo), "unit" one of the
# unit the request acts for (ha-tinh); out-of-scope keys of both are tried too.
EXPECT: dict[tuple[str, str], tuple[set[str], Callable]] = {
    ("POST", "/api/v1/units"): ({"admin"}, register),
    ("POST", "/api/v1/units/{unit_id}/rename"): ({"admin"}, rename),
    ("POST", "/api/v1/units/{unit_id}/merge"): ({"admin"}, merge),
    ("POST", "/api/v1/clusters"): ({"admin"}, form),
    ("POST", "/api/v1/clusters/{cluster_id}/members"): ({"admin"}, add_member),
    ("DELETE", "/api/v1/clusters/{cluster_id}/members/{unit_id}"): ({"admin"}, remove_member),
    ("POST", "/api/v1/clusters/{cluster_id}/repartition"): ({"admin"}, repartition),
    ("POST", "/api/v1/clusters/{cluster_id}/leadership"): ({"admin"}, leadership),
    ("POST", "/api/v1/clusters/{cluster_id}/host-handovers"): ({"admin", "cluster"}, handover),
    ("POST", "/api/v1/pacts"): ({"admin", "cluster"}, propose),
    ("POST", "/api/v1/pacts/{pact_id}/signatures"): ({"admin", "unit"}, sign),
    ("POST", "/api/v1/pacts/{pact_id}/targets"): ({"admin", "cluster"}, set_target),
    ("POST", "/api/v1/pacts/{pact_id}/results"): ({"admin", "cluster", "unit", "integration"}, record),
    ("POST", "/api/v1/pacts/{pact_id}/results/batch"): (
        {"admin", "cluster", "unit", "integration"},
        record_batch,
    ),
    ("POST", "/api/v1/pacts/{pact_id}/results/withdrawals"): (
        {"admin", "cluster", "unit", "integration"},
        withdraw,
    ),
    ("POST", "/api/v1/pacts/{pact_id}/awards"): ({"admin"}, award),
    ("POST", "/api/v1/checkpoints"): ({"admin"}, sign_checkpoint),
    ("POST", "/api/v1/pacts/{pact_id}/close"): ({"admin", "cluster"}, close),
    ("POST", "/api/v1/score-sheets"): ({"admin"}, create_sheet),
    ("POST", "/api/v1/score-sheets/{code}/versions"): ({"admin"}, revise_sheet),
    ("POST", "/api/v1/pacts/{pact_id}/score-sheet"): ({"admin", "cluster"}, adopt_sheet),
    ("POST", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/cross-grader"): (
        {"admin", "cluster"},
        assign_grader,
    ),
    ("POST", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/self"): ({"admin", "unit"}, self_assess),
    ("POST", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/cross"): ({"admin", "unit"}, cross_grade),
    ("POST", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/explanation"): ({"admin", "unit"}, explain),
    ("POST", "/api/v1/pacts/{pact_id}/assessments/{unit_id}/final"): ({"admin", "cluster"}, final),
}
ROLE_KEYS = ("admin", "cluster", "cluster-elsewhere", "unit", "unit-elsewhere", "integration", "auditor")
BAD_KEYS = ("none", "malformed", "unknown", "wrong-secret", "revoked", "expired")


# This ledger signs nothing (no signing key): an allowed key gets 409 no-signing-key.
ALLOWED_STATUS = {("POST", "/api/v1/checkpoints"): 409}


def write_routes(app) -> set[tuple[str, str]]:
    """Every route that is not a read, from the route table and the OpenAPI document."""
    served = {key for key in route_table(app) if key[0] not in ("GET", "HEAD")}
    documented = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method not in ("get", "head")
    }
    assert ("POST", "/api/v1/pacts/{pact_id}/results") in served
    return served | documented


def headers_for(ledger) -> dict[str, dict[str, str]]:
    """The Authorization header of every kind of key (none for "none")."""
    made = {
        "admin": issue_key(ledger, "admin"),
        "cluster": issue_key(ledger, "cluster", cluster_id=world.CLUSTER),
        "cluster-elsewhere": issue_key(ledger, "cluster", cluster_id=world.OTHER_CLUSTER),
        "unit": issue_key(ledger, "unit", unit_id="ha-tinh"),
        "unit-elsewhere": issue_key(ledger, "unit", unit_id="nghe-an"),
        "integration": issue_key(ledger, "integration"),
        "auditor": issue_key(ledger, "auditor"),
        "revoked": issue_key(ledger, "admin", name="old-admin"),
    }
    keys.revoke(ledger.bus, keys.parse(made["revoked"])[0])
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    made["expired"], _ = keys.issue(
        ledger.bus,
        ledger.settings.secret(),
        name="temp-admin",
        role="admin",
        created_on=yesterday - timedelta(days=7),
        expires_on=yesterday,
    )
    key_id, secret = keys.parse(made["admin"])
    made["unknown"] = f"pl_{'0' * 12}_{secret}"
    made["wrong-secret"] = f"pl_{key_id}_{secret[::-1]}"
    headers = {name: bearer(token) for name, token in made.items()}
    headers["malformed"] = {"Authorization": "Bearer not-a-key"}
    headers["none"] = {}
    return headers


def test_every_write_route_answers_each_kind_of_key_as_the_matrix_says(ledger):
    app = create_app(ledger)
    assert write_routes(app) == set(EXPECT), "a write route without an expectation (or a stale one)"
    world.build(ledger.bus)
    headers = headers_for(ledger)
    status_of = route_table(app)
    serial = itertools.count()
    wrong: list[str] = []
    with TestClient(app) as client:
        for (method, path), (allowed, prepare) in sorted(EXPECT.items()):
            for case in (*BAD_KEYS, *ROLE_KEYS):
                verb, url, body = prepare(ledger, next(serial))
                assert verb == method
                with ledger.engine.connect() as conn:
                    before = ledger.store.last_position(conn)
                response = client.request(method, url, json=body, headers=headers[case])
                allowed_status = ALLOWED_STATUS.get((method, path), status_of[(method, path)])
                expected = 401 if case in BAD_KEYS else allowed_status if case in allowed else 403
                seen = f"{method} {path} with {case} key: {response.status_code}, expected {expected}"
                if response.status_code != expected:
                    wrong.append(f"{seen}: {response.text[:200]}")
                    continue
                if expected in (401, 403):
                    problem = response.json()
                    assert response.headers["content-type"].startswith("application/problem+json"), seen
                    assert problem["status"] == expected and problem["detail"], seen
                    if expected == 401:
                        assert response.headers["www-authenticate"].startswith("Bearer"), seen
                    else:
                        assert problem["right"] in problem["detail"], seen
                    with ledger.engine.connect() as conn:
                        assert ledger.store.last_position(conn) == before, f"{seen}: it wrote"
    assert wrong == []
