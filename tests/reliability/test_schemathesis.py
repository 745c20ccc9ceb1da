"""The OpenAPI document against the live API: schemathesis generates requests for every
operation from the document and checks every answer against it (no 5xx, documented
status codes, content types, headers and body schemas), on both stores.

A live server as users run it (tests/e2e/servers.py), on the demo data, with an admin
key on every request. A fixed seed and a bounded number of examples per operation
keep the CI run short and repeatable; PACTS_SCHEMATHESIS_EXAMPLES=500 runs longer.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.demo import load_demo
from tests.conftest import bearer, issue_key, make_ledger, pg_database
from tests.e2e.servers import served

EXAMPLES = int(os.environ.get("PACTS_SCHEMATHESIS_EXAMPLES", "10"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    """(base URL, admin headers) of a server on a store holding the demo."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            path = tmp_path_factory.mktemp("schemathesis") / "pacts.db"
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{path}"
        else:
            url = stack.enter_context(pg_database(request.getfixturevalue("pg_template")))
        yield from _serve(url)


def _serve(url: str):
    ledger = make_ledger(url)
    load_demo(ledger)
    token = issue_key(ledger, "admin")
    ledger.close()
    with served(url) as (base, _process):
        yield base, bearer(token)


# Problems that say the request does not match the document: the document lied.
SCHEMA_REFUSALS = ("invalid-fields", "malformed-body", "malformed-header", "unsupported-media-type")


def schema_valid_request_accepted(ctx, response, case) -> None:
    """A request the document allows is never refused for its shape (400/415/422 of the
    schema layer). Refusals by the rules of the domain (an unknown unit: 422 invalid-value,
    or 404, 409) are answers, not contract failures: schemathesis's own check counts them."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code in (400, 415, 422):
        slug = response.json().get("type", "").rsplit("/", 1)[-1]
        # If-Match and expected_version, an import's number_format in the query and in the
        # body: each pair must agree, a rule across two places that JSON Schema cannot state
        # (the document's 400 and 422 say it in words).
        across = ("disagrees with expected_version", "the query says")
        if slug in SCHEMA_REFUSALS and not any(rule in response.text for rule in across):
            raise AssertionError(f"a request valid per the document was refused: {response.text[:500]}")


def _exercise(operation, headers: dict[str, str]) -> None:
    """Every generated case of one operation, sent and checked; the first failure raised."""

    @seed(20261202)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case) -> None:
        case.call_and_validate(
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[schema_valid_request_accepted],
        )

    run()


def test_every_operation_keeps_its_documented_contract(live):
    base, headers = live
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _exercise(operation, headers)
        except (AssertionError, BaseExceptionGroup) as error:  # each operation's first failure, all reported
            failures[operation.label] = str(error)[:3000]
    assert operations >= 38
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
