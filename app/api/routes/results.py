"""A pact's results beyond one at a time: a year's import, and withdrawals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api import imports
from app.api.deps import IfMatch, LedgerDep, expected_version
from app.api.requests import NumberFormat, WithdrawalIn
from app.api.responses import ImportAck, WriteAck
from app.api.routes._write import WRITE_ERRORS
from app.api.strict_query import StrictQueryRoute
from app.api.writes import WriteDep
from app.domain import commands as c
from app.services import collector
from app.services import imports as service
from app.services.bus import Ack
from app.services.idempotency import Outcome

router = APIRouter(route_class=StrictQueryRoute, prefix="/pacts", tags=["results"])
JSON = "application/json"


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


@router.post(
    "/{pact_id}/results/batch", responses=IMPORT_ERRORS, openapi_extra=IMPORT_BODY, response_model=ImportAck
)
def import_results(
    pact_id: str,
    body: Annotated[Upload, Depends(upload)],
    write: WriteDep,
    ledger: LedgerDep,
    match: IfMatch,
    number_format: Annotated[
        NumberFormat, Query(description="For CSV (JSON may say it in the body): vi or en")
    ] = None,
    dry_run: Annotated[bool, Query(description="Check every row and write nothing")] = False,
) -> Response:
    """A year's results in one transaction: every row is checked first; if any is bad,
    the answer (422) names every bad row and nothing is written. Each row needs the
    key's right to record that unit's result; Idempotency-Key makes it exactly-once."""
    with collector.paused():  # tens of thousands of objects, all alive until the answer
        rows = imports.read(body.content_type, body.body, number_format)
        expected = expected_version(match, rows.expected_version)
        commands = rows.commands(pact_id)
        if dry_run or rows.bad:
            write.authorize([cmd for _, cmd in commands])
            done = service.dry_run(
                ledger.unit_of_work,
                pact_id,
                commands,
                total=rows.total,
                bad=rows.bad,
                expected_version=expected,
            )
            answer = ImportAck(
                id=pact_id, version=done.version, position=None, rows=rows.total, recorded=0, dry_run=True
            )
            return Response(answer.model_dump_json(), headers={"etag": f'"{done.version}"'}, media_type=JSON)

        def render(acks: list[Ack]) -> Outcome:
            last = acks[-1]
            answer = ImportAck(
                id=pact_id,
                version=last.version,
                position=last.position,
                rows=rows.total,
                recorded=len(acks),
                dry_run=False,
            )
            return Outcome(200, answer.model_dump_json().encode(), {"etag": f'"{last.version}"'})

        return service.import_results(
            lambda cmds: write.many(cmds, render),
            ledger.unit_of_work,
            pact_id,
            commands,
            total=rows.total,
            expected_version=expected,
        )


@router.post("/{pact_id}/results/withdrawals", responses=WRITE_ERRORS, response_model=WriteAck)
def withdraw_result(pact_id: str, body: WithdrawalIn, write: WriteDep, match: IfMatch) -> Response:
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
    return write.one(cmd)
