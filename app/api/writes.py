"""The write path of the API: every write route answers through ``Write``.

``WriteDep`` authenticates the request's key (401 when none is usable) and
carries it to the bus, which checks the right each command needs (403). With an
``Idempotency-Key`` header the write is exactly-once: its answer is rendered
and stored in the transaction of its events, and a retry of the same request
gets that answer back, byte for byte, with ``Idempotent-Replayed: true``.
A write route is written as::

    @router.post("/{pact_id}/results", responses=WRITE_ERRORS, response_model=WriteAck)
    def record_result(pact_id: str, body: ResultIn, write: WriteDep, match: IfMatch) -> Response:
        return write.one(c.RecordResult(...))                    # WriteAck body, ETag

    @router.post("/{pact_id}/results/batch", responses=WRITE_ERRORS, response_model=BatchOut)
    def import_results(pact_id: str, body: BatchIn, write: WriteDep) -> Response:
        return write.many(commands, lambda acks: BatchOut(...))  # any model, one transaction
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel

from app.api.deps import BusDep, MalformedHeader, MetaDep
from app.api.responses import WriteAck
from app.domain.commands import Command
from app.services.bus import Ack, MessageBus, Meta
from app.services.idempotency import Once, Outcome, Replay, fingerprint

MAX_KEY = 255


def ack_outcome(status: int = 200, location: str | None = None) -> Callable[[list[Ack]], Outcome]:
    """How a single write answers: {id, version, position}, its ETag, and Location when created."""

    def render(acks: list[Ack]) -> Outcome:
        ack = acks[0]
        # The acks are the bus's own, already typed: no validation to pay for.
        answer = WriteAck.model_construct(id=ack.id, version=ack.version, position=ack.position)
        body = answer.model_dump_json()
        headers = {"etag": f'"{ack.version}"'}
        if location is not None:
            headers["location"] = location
        return Outcome(status, body.encode(), headers)

    return render


def _response(outcome: Outcome, replayed: bool = False) -> Response:
    headers = {**outcome.headers, "idempotent-replayed": "true"} if replayed else outcome.headers
    return Response(outcome.body, outcome.status, headers, media_type="application/json")


class Write:
    def __init__(self, bus: MessageBus, meta: Meta, key: str | None, request_fingerprint: str) -> None:
        self.bus, self.meta = bus, meta
        self._key, self._fingerprint = key, request_fingerprint

    def one(self, command: Command, *, status: int = 200, location: str | None = None) -> Response:
        """One command, one transaction; answers a WriteAck with the new version as ETag."""
        return self._answer(
            lambda once: [self.bus.handle(command, self.meta, once)], ack_outcome(status, location)
        )

    def many(
        self,
        commands: Sequence[Command],
        render: Callable[[list[Ack]], BaseModel | Outcome],
        *,
        status: int = 200,
    ) -> Response:
        """Many commands in one transaction; ``render`` makes the answer from their acks."""

        def outcome(acks: list[Ack]) -> Outcome:
            made = render(acks)
            return made if isinstance(made, Outcome) else Outcome(status, made.model_dump_json().encode(), {})

        return self._answer(lambda once: self.bus.handle_many(commands, self.meta, once), outcome)

    def authorize(self, commands: Sequence[Command]) -> None:
        """The checks of a write (the key, its right to each command) without the write."""
        self.bus.authorize(commands, self.meta)

    def _answer(
        self, run: Callable[[Once | None], list[Ack]], render: Callable[[list[Ack]], Outcome]
    ) -> Response:
        once = None
        if self._key is not None:
            assert self.meta.principal is not None
            once = Once(self.meta.principal.id, self._key, self._fingerprint, render)
        try:
            acks = run(once)
        except Replay as replay:
            return _response(replay.outcome, replayed=True)
        return _response(once.outcome if once is not None and once.outcome else render(acks))


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]  # the draft sends it as a structured-field string: "..."
    if not 1 <= len(key) <= MAX_KEY:
        raise MalformedHeader("Idempotency-Key", f"must be 1 to {MAX_KEY} characters")
    if not (key.isascii() and key.isprintable()):
        raise MalformedHeader("Idempotency-Key", "must be printable ASCII")
    return key


async def write_access(
    request: Request,
    bus: BusDep,
    meta: MetaDep,
    idempotency_key: Annotated[
        str | None,
        Header(description="Makes the write exactly-once: a retry with the same key gets the first answer"),
    ] = None,
) -> Write:
    key = _idempotency_key(idempotency_key)
    if key is None:
        return Write(bus, meta, None, "")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Write(bus, meta, key, fingerprint(request.method, target, await request.body()))


WriteDep = Annotated[Write, Depends(write_access)]
