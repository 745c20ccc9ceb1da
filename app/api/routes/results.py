"""A pact's results beyond one at a time: a year's import, and withdrawals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api import imports
from app.api.deps import BusDep, IfMatch, LedgerDep, MetaDep, expected_version
from app.api.requests import NumberFormat, WithdrawalIn
from app.api.responses import ImportAck, WriteAck
from app.api.routes._write import WRITE_ERRORS, acknowledge, tag
from app.domain import commands as c
from app.services import collector
from app.services import imports as service
from app.settings import Settings

router = APIRouter(prefix="/pacts", tags=["results"])


class Upload:
    def __init__(self, content_type: str, body: bytes) -> None:
        self.content_type, self.body = content_type, body


async def upload(request: Request) -> Upload:
    # Read in the event loop; the route itself runs in the thread pool.
    return Upload(request.headers.get("content-type", ""), await request.body())


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its $defs written in place (OpenAPI has no room for them here)."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    inlined: dict[str, Any] = resolve(schema)
    return inlined


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _inline(imports.ResultBatchIn.model_json_schema())},
            "text/csv": {"schema": {"type": "string"}, "example": imports.CSV_EXAMPLE},
        },
    }
}
IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    **WRITE_ERRORS,
    413: {"description": "The body is larger than the import limit (problem+json)"},
    415: {"description": "The body is neither application/json nor text/csv (problem+json)"},
    422: {"description": "Invalid fields, or rows: errors: [{row, field, reason}] for every bad row"},
}


@router.post("/{pact_id}/results/batch", responses=IMPORT_ERRORS, openapi_extra=IMPORT_BODY)
def import_results(
    pact_id: str,
    body: Annotated[Upload, Depends(upload)],
    bus: BusDep,
    ledger: LedgerDep,
    meta: MetaDep,
    match: IfMatch,
    response: Response,
    number_format: Annotated[
        NumberFormat, Query(description="For CSV (JSON may say it in the body): vi or en")
    ] = None,
    dry_run: Annotated[bool, Query(description="Check every row and write nothing")] = False,
) -> ImportAck:
    """A year's results in one transaction: every row is checked first; if any is bad,
    the answer (422) names every bad row and nothing is written."""
    with collector.paused():  # tens of thousands of objects, all alive until the answer
        rows = imports.read(body.content_type, body.body, number_format)
        done = service.import_results(
            bus,
            ledger.unit_of_work,
            pact_id,
            rows.commands(pact_id),
            meta,
            total=rows.total,
            bad=rows.bad,
            expected_version=expected_version(match, rows.expected_version),
            dry_run=dry_run,
        )
    if done.recorded:
        _exit_after_commit_for_tests(ledger.settings)
    tag(response, done.version)
    return ImportAck(
        id=pact_id,
        version=done.version,
        position=done.position,
        rows=rows.total,
        recorded=done.recorded,
        dry_run=dry_run,
    )


def _exit_after_commit_for_tests(settings: Settings) -> None:
    """Test hook: the process dies between the commit and the answer, once (while the
    flag file exists), as a crash would; the retry tests restart it."""
    flag = settings.test_exit_after_commit_flag
    if flag and Path(flag).exists():
        Path(flag).unlink()
        os._exit(70)


@router.post("/{pact_id}/results/withdrawals", responses=WRITE_ERRORS)
def withdraw_result(
    pact_id: str, body: WithdrawalIn, bus: BusDep, meta: MetaDep, match: IfMatch, response: Response
) -> WriteAck:
    """Withdraw a unit's result for a target (with the reason): the target is missing
    again in its scores. Both the result and its withdrawal stay in the history."""
    cmd = c.WithdrawResult(
        pact_id=pact_id,
        unit_id=body.unit_id,
        target_code=body.target_code,
        reason=body.reason,
        withdrawn_on=body.withdrawn_on,
        expected_version=expected_version(match, body.expected_version),
    )
    return acknowledge(response, bus.handle(cmd, meta))
