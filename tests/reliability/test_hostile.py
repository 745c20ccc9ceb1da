"""Hostile input against `pacts serve`, on both stores: sizes, nesting, huge and non-finite
numbers, NUL and control characters, lone surrogates, invalid UTF-8, path tricks and
impossible dates. Each is answered by a 4xx problem+json, writes nothing, and leaves the
server healthy."""

from __future__ import annotations

import json
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests import conftest
from tests.e2e import year
from tests.e2e.api import PACT, pact_with_target
from tests.reliability.live import API, admin_headers, record, server

P = f"{API}/pacts/{PACT}"
UNIT = {"id": "hostile", "name": "Sở Công Thương", "province": "Huế"}
JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}


def _raw(text: str) -> dict[str, Any]:
    return {
        "content": text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text,
        "headers": JSON,
    }


def _unit(**fields: object) -> dict[str, Any]:
    return {"json": {**UNIT, **fields}}


def _result(value: object = 1, **fields: object) -> dict[str, Any]:
    body = {
        "unit_id": "hue",
        "target_code": "T1",
        "value": value,
        "reported_on": "2022-12-15",
        "source": "BC",
    }
    return {"json": {**body, **fields}}


def _chunks(data: bytes) -> list[bytes]:
    """A body sent chunked (no Content-Length); a list, so that every store's run sends it."""
    return [data[start : start + 65536] for start in range(0, len(data), 65536)]


BIG = json.dumps({**UNIT, "name": "x" * 2_000_000}).encode()
DEEP = 100_000
SIGN = {"json": {"unit_id": "hue", "signed_by": "A", "signed_on": "2022-05-13"}}
RESULTS = f"/pacts/{PACT}/results"
BATCH = f"/pacts/{PACT}/results/batch"
PROPOSAL = {"cluster_id": "c", "title": "t", "proposed_on": "2022-01-01"}


def _result_with(value: str = "1", source: str = "BC") -> dict[str, Any]:
    """A result body written by hand: JSON that json.dumps would not write."""
    return _raw(
        f'{{"unit_id":"hue","target_code":"T1","value":{value},"reported_on":"2022-12-15","source":"{source}"}}'
    )


def _rename(day: object) -> dict[str, Any]:
    return {"json": {"name": "x", "province": "y", "effective_on": day}}


def _bytes(data: bytes, headers: dict[str, str] = JSON) -> dict[str, Any]:
    return {"content": data, "headers": headers}


LONG_REASON = ("lý do " * 100).strip().encode()
DEEP_FIELD = b'{"name":' + b'{"a":' * DEEP + b"1" + b"}" * (DEEP + 1)
HEAVY_TARGET = {"code": "T9", "title": "t", "kind": "quantitative", "weight": 1e308}
BAD_CSV = year.csv_body(["hue,T1,1,2022-12-15,?"]).replace(b"?", b"\xff")
IMPOSSIBLE_DAYS = (
    "2022-02-30",
    "2023-02-29",
    "2023-13-01",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "",
    1e20,
    "2022-12-15T25:00:00",
)
# (name, method, path, request arguments)
CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    # sizes
    ("body of 2 MB", "POST", "/units", _bytes(BIG)),
    ("body of 2 MB, chunked", "POST", "/units", {"content": _chunks(BIG), "headers": JSON}),
    ("import of 21 MB", "POST", BATCH, _bytes(b"x" * 21_000_000, CSV)),
    ("string of 100,000 characters", "POST", "/units", _unit(name="đ" * 100_000)),
    ("list of 10,000 items", "POST", "/pacts", {"json": {**PROPOSAL, "content_items": ["x"] * 10_000}}),
    ("headers of 20 KB", "POST", "/units", {"json": UNIT, "headers": {"X-Padding": "p" * 20_000}}),
    ("X-Reason of 600 characters", "POST", "/units", {"json": UNIT, "headers": {"X-Reason": LONG_REASON}}),
    ("path id of 5,000 characters", "POST", f"/pacts/{'x' * 5000}/signatures", SIGN),
    ("after of 5,000 digits", "GET", "/events?after=" + "9" * 5000, {}),
    # nesting
    ("array nested 100,000 deep", "POST", "/units", _bytes(b"[" * DEEP + b"]" * DEEP)),
    ("object nested 100,000 deep in a field", "POST", "/units", _bytes(DEEP_FIELD)),
    ("an object where text is expected", "POST", "/units", _unit(name={"vi": "Huế"})),
    ("an array where the body object is expected", "POST", "/units", {"json": [UNIT]}),
    # numbers
    ("1e400 (infinite as a float)", "POST", RESULTS, _result_with("1e400")),
    ("NaN", "POST", RESULTS, _result_with("NaN")),
    ("-Infinity", "POST", RESULTS, _result_with("-Infinity")),
    ("an integer of 5,000 digits", "POST", RESULTS, _result_with("9" * 5000)),
    ("expected_version 10^30", "POST", RESULTS, _result_with('1,"expected_version":' + "9" * 30)),
    ("value '1e999' as text", "POST", RESULTS, _result_with('"1e999"')),
    ("weight 1e308", "POST", f"/pacts/{PACT}/targets", {"json": HEAVY_TARGET}),
    ("a boolean as a number", "POST", RESULTS, _result_with("true")),
    # NUL and control characters
    ("NUL in a JSON string", "POST", "/units", _unit(name="Huế\x00")),
    ("NUL in a path", "POST", "/pacts/gu%00/signatures", SIGN),
    ("NUL in a query value", "POST", f"{BATCH}?number_format=%00", _bytes(b"unit_id\r\n", CSV)),
    ("BEL in a name", "POST", "/units", _unit(name="Huế\x07")),
    ("C1 control in a name", "POST", "/units", _unit(province="Hu\x85ế")),
    ("escape sequence in a result's source", "POST", RESULTS, _result_with(source="\\u001b[31mđỏ")),
    # lone surrogates
    ("lone high surrogate", "POST", "/units", _raw('{"id":"a","name":"\\ud800","province":"p"}')),
    ("lone low surrogate", "POST", RESULTS, _result_with(source="\\udc00")),
    # invalid UTF-8
    ("invalid UTF-8 in JSON", "POST", "/units", _bytes(b'{"id":"a","name":"\xff\xfe","province":"p"}')),
    ("overlong UTF-8 in JSON", "POST", "/units", _bytes(b'{"id":"a","name":"\xc0\xaf","province":"p"}')),
    ("invalid UTF-8 in CSV", "POST", BATCH, _bytes(BAD_CSV, CSV)),
    ("%FF in a path id", "POST", "/pacts/%FF/signatures", SIGN),
    # path tricks
    ("../ encoded in a path", "POST", "/pacts/..%2F..%2Funits", {"json": UNIT}),
    ("%2e%2e as an id", "POST", "/pacts/%2e%2e/signatures", SIGN),
    ("an encoded slash in an id", "POST", "/units/hue%2Frename", _rename("2023-01-01")),
    ("a doubled slash", "POST", "//units", {"json": UNIT}),
    ("an id with backslashes", "POST", "/pacts/..%5C..%5Cunits/signatures", SIGN),
    # impossible dates
    *[(f"date {day!r}", "POST", "/units/hue/rename", _rename(day)) for day in IMPOSSIBLE_DAYS],
    ("recorded_after 2022-02-30", "GET", "/events?recorded_after=2022-02-30T00:00:00Z", {}),
]  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory) -> Iterator[tuple[str, str, dict]]:
    """(database URL, base URL, admin headers) of one server per store, for the whole table."""
    tmp = tmp_path_factory.mktemp("hostile")
    if request.param == "sqlite":
        path = tmp / "pacts.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url, drop = f"sqlite:///{path}", None
    else:
        template = request.getfixturevalue("pg_template")
        drop = f"pacts_hostile_{uuid.uuid4().hex[:8]}"
        with conftest._admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{drop}" TEMPLATE "{template}"'))
        url = conftest._url_for(drop)
    headers = admin_headers(url)
    with server(url, tmp / "serve.log") as (_proc, base):
        with httpx.Client(base_url=base, headers=headers) as client:
            pact_with_target(client)
        yield url, base, headers
    if drop:
        with conftest._admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))


def _events(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    finally:
        engine.dispose()


STATUSES: dict[str, Counter] = {}


@pytest.mark.parametrize(("name", "method", "path", "arguments"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_a_4xx_problem_and_writes_nothing(live, name, method, path, arguments):
    url, base, headers = live
    before = _events(url)
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        response = client.request(method, f"{API}{path}", **arguments)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/problem+json"), response.text[:300]
    found = response.json()
    assert found["status"] == response.status_code and found["title"] and found["detail"]
    assert _events(url) == before
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    store = url.split(":")[0].split("+")[0]
    STATUSES.setdefault(store, Counter())[response.status_code] += 1
    if sum(STATUSES[store].values()) == len(CASES):
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        record(
            f"hostile-{store}",
            cases=len(CASES),
            answered_4xx_problem=len(CASES),
            statuses={str(k): v for k, v in sorted(STATUSES[store].items())},
            events_written=0,
        )
