"""The standings route reads its query by hand (for speed); its answers to bad
queries must be exactly those of a FastAPI route that declares the parameters."""

from typing import Annotated

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from app.api import problems
from app.api.main import create_app
from app.api.reading import AsOfParam, parse_as_of
from app.api.requests import Year
from app.api.routes.clusters import standings_query

BAD_QUERIES = [
    {},
    {"as_of": "3"},
    {"year": ""},
    {"year": "năm nay"},
    {"year": "2022.5"},
    {"year": "1944"},
    {"year": "2101"},
    {"year": str(10**30)},
    {"year": "-2022"},
    {"year": "２０２２"},
    {"year": "2022", "as_of": "-1"},
    {"year": "2022", "as_of": "x"},
    {"year": "2022", "as_of": ""},
    {"year": "abc", "as_of": "-5"},
    {"year": "true"},
    {"year": "2022", "as_of": str(2**63)},  # past the largest log position
]
GOOD_QUERIES = [
    ({"year": "2022"}, (2022, None)),
    ({"year": "2022", "as_of": "0"}, (2022, 0)),
    ({"year": "2022", "as_of": "17"}, (2022, 17)),
    ({"year": "02022"}, (2022, None)),  # pydantic's reading, taken on the slow path
    ({"year": " 2022 "}, (2022, None)),
    ({"year": "1945", "as_of": "12345678901"}, (1945, 12345678901)),
]


@pytest.fixture(scope="module")
def declared():
    """The reference: the same route with its parameters declared to FastAPI."""
    app = FastAPI()
    problems.install(app)

    @app.get("/standings")
    async def standings(year: Annotated[Year, Query()], as_of: AsOfParam = None):
        return {"year": year, "as_of": parse_as_of(as_of)}

    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    from app import migrations
    from app.bootstrap import bootstrap
    from app.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('standings')}/p.db"
    migrations.upgrade(url)
    ledger = bootstrap(Settings(database_url=url, signing_key_path=""))
    with TestClient(create_app(ledger)) as client:
        yield client
    ledger.close()


@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: repr(q))
def test_a_bad_query_gets_the_answer_a_declared_parameter_gets(ours, declared, query):
    expected = declared.get("/standings", params=query)
    actual = ours.get("/api/v1/clusters/k/standings", params=query)

    assert expected.status_code == 422
    assert actual.status_code == 422
    assert actual.headers["content-type"] == expected.headers["content-type"]
    assert actual.json() == expected.json()


@pytest.mark.parametrize(("query", "parsed"), GOOD_QUERIES, ids=lambda q: repr(q))
def test_a_good_query_reads_as_pydantic_reads_it(declared, query, parsed):
    assert standings_query(query) == parsed
    assert tuple(declared.get("/standings", params=query).json().values()) == parsed


def test_the_parameters_are_documented(ours):
    operation = ours.get("/openapi.json").json()["paths"]["/api/v1/clusters/{cluster_id}/standings"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"cluster_id", "year", "as_of"}
    assert params["year"]["required"] and params["year"]["schema"]["minimum"] == 1945
    assert params["as_of"]["in"] == "query" and not params["as_of"]["required"]
