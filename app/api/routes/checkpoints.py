"""Signed checkpoints of the log, the key that signs them, and verification for monitoring.

An auditor fetches checkpoints (and the public key) and keeps them outside our
systems: with one in hand, ``pacts verify --checkpoint`` detects any rewrite of
the history before it, even one that recomputes every hash, and a cut tail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.access import require_admin, require_log_reader
from app.api.deps import LedgerDep, ReadConn
from app.api.problems import problem
from app.api.responses import CheckpointOut, CheckpointPage, PublicKeyOut, VerifyOut
from app.api.strict_query import StrictQueryRoute
from app.audit import checkpoints
from app.audit.monitor import LogMonitor
from app.audit.signing import Checkpoint, PublicKey
from app.bootstrap import Ledger
from app.domain.errors import NotFound

router = APIRouter(route_class=StrictQueryRoute, tags=["audit"], dependencies=[Depends(require_log_reader)])

_NO_KEY = "no signing key is configured (PACTS_SIGNING_KEY_PATH; `pacts signing-key init`)"


def _out(checkpoint: Checkpoint) -> CheckpointOut:
    return CheckpointOut(**checkpoint.as_dict())


@router.get("/checkpoints/latest", responses={404: {"description": "No checkpoint signed yet"}})
def latest_checkpoint(conn: ReadConn) -> CheckpointOut:
    found = checkpoints.latest(conn)
    if found is None:
        raise NotFound("no checkpoint has been signed yet")
    return _out(found)


@router.get("/checkpoints")
def list_checkpoints(
    request: Request,
    conn: ReadConn,
    response: Response,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="Only checkpoints after this position")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many (default 100)")] = 100,
) -> CheckpointPage:
    """Every checkpoint in position order, paged like the log (``next``, Link)."""
    found = checkpoints.page(conn, after, limit + 1)
    items = found[:limit]
    next_url = None
    if len(found) > limit:
        next_url = str(request.url.include_query_params(after=items[-1].position))
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return CheckpointPage(items=[_out(c) for c in items], next=next_url)


@router.get("/checkpoints/public-key", responses={404: {"description": "No signing key configured"}})
def public_key(ledger: LedgerDep) -> PublicKeyOut:
    """The Ed25519 public key that checks checkpoint signatures, as PEM and as a JWK."""
    if ledger.checkpointer is None:
        raise NotFound(_NO_KEY)
    public = ledger.checkpointer.signer.public
    return PublicKeyOut(key_id=public.key_id, algorithm="Ed25519", pem=public.pem(), jwk=public.jwk())


@router.post(
    "/checkpoints",
    status_code=201,
    responses={
        200: {"model": CheckpointOut, "description": "The head is signed already: the latest checkpoint"},
        401: {"description": "No usable API key (problem+json, WWW-Authenticate: Bearer)"},
        403: {"description": "The key is not an admin's (problem+json naming the right)"},
        409: {"description": "No signing key configured, or an empty log"},
    },
    dependencies=[Depends(require_admin)],
)
def sign_checkpoint(ledger: LedgerDep) -> Any:
    """Sign a checkpoint of the log's head now (201), or answer the one that covers it (200)."""
    if ledger.checkpointer is None:
        return problem(409, "no-signing-key", "No signing key", _NO_KEY)
    made = ledger.checkpointer.checkpoint(force=True)
    if made is not None:
        return JSONResponse(_out(made).model_dump(), status_code=201)
    with ledger.engine.connect() as conn:
        found = checkpoints.latest(conn)
    if found is None:
        return problem(409, "log-empty", "Empty log", "the log has no events to sign")
    return JSONResponse(_out(found).model_dump())


@router.get(
    "/verify",
    responses={500: {"description": "The log is not intact: problem+json naming the first bad position"}},
)
def verify_log(
    ledger: LedgerDep,
    full: Annotated[
        bool, Query(description="From position 1, not from the last verified checkpoint")
    ] = False,
) -> Any:
    """Verify the live log, for monitoring: from the last checkpoint this process verified
    (or from the start with ``full=true``) to the head; 500 with the first bad position if not intact."""
    report = _monitor(ledger).verify(ledger.engine, _key(ledger), full)
    if report.problem is not None:
        return problem(
            500,
            "log-not-intact",
            "The log is not intact",
            str(report.problem),
            first_bad_position=report.problem.position,
            reason=report.problem.reason,
        )
    return VerifyOut(
        intact=True,
        from_position=report.first,
        to_position=report.last,
        events=report.events,
        checkpoints=report.checkpoints,
        signatures=report.signatures,
        head_hash=report.last_hash,
        seconds=round(report.seconds, 6),
        summary=report.summary(),
    )


def _monitor(ledger: Ledger) -> LogMonitor:
    if ledger.monitor is None:
        ledger.monitor = LogMonitor()
    return ledger.monitor


def _key(ledger: Ledger) -> PublicKey | None:
    return ledger.checkpointer.signer.public if ledger.checkpointer is not None else None
