"""Stream-by-stream replay of the log for ``pacts rebuild``.

The read models depend only on each stream's own events, so the log is read in
(stream_id, version) order (the UNIQUE(stream_id, version) index serves it)
through a raw driver cursor, and only the current stream's state is kept.

Pact streams are the long ones: their events are folded as plain dicts into a
mutable builder, and the domain state is built once at the stream's end (and at
each snapshot version). Units and clusters are few and short: they go through
the codec and the domain's own ``apply``. Events whose stored schema version is
older than the class's go through the codec's upcasters first, then are
re-encoded to today's shape, so the builder only ever sees current shapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from psycopg.types.json import set_json_loads
from pydantic_core import from_json
from sqlalchemy.engine import Connection

from app.domain.aggregate import Aggregate, stream_type_of
from app.domain.apikey import APIKEY
from app.domain.assessment import ASSESSMENT
from app.domain.cluster import CLUSTER
from app.domain.events import EVENT_TYPES
from app.domain.pact import PACT, Pact
from app.domain.sheet import SHEET
from app.domain.unit import UNIT
from app.events import codec, snapshots
from app.events.pact_json import AWARD, RESULT, SIGNATURE, TARGET, pact_from_fields

_fromiso = date.fromisoformat

# No stream_type column: a stream id is "<stream type>:<id>" (Aggregate.stream_id),
# and one column fewer per row is a quarter of the read's cost.
SELECT_BY_STREAM = "SELECT stream_id, version, position, type, schema_version, data FROM events"
ORDER_BY_STREAM = " ORDER BY stream_id, version"
FETCH = 10_000
_CURRENT = {name: cls.SCHEMA_VERSION for name, cls in EVENT_TYPES.items()}
_OTHER_KINDS = {k.stream_type: k for k in (UNIT, CLUSTER, APIKEY, SHEET, ASSESSMENT)}


def _loads(text: str | bytes) -> object:
    """The event's JSON, parsed by pydantic-core's parser (jiter, in Rust): 0.74 us
    for a result's data, against 1.5 us for the json module's C scanner. It
    reads the log's JSON as json.loads does (tested on every event type); the
    json module still answers for anything it refuses, with json's own error."""
    try:
        return from_json(text)
    except (ValueError, TypeError):  # TypeError: a str holding a lone surrogate
        return json.loads(text)


def read_by_stream(
    conn: Connection,
    fetch: int = FETCH,
    streams: tuple[str | None, str | None] = (None, None),
    to_position: int | None = None,
) -> Iterator[list[tuple]]:
    """Rows (stream_id, version, position, type, schema_version, data) in chunks.

    ``streams`` = (low, high) keeps the streams with low <= stream_id < high
    (None: unbounded), so that workers can share the log (app.projections.parallel);
    ``to_position`` keeps the events at or before it.
    """
    dbapi: Any = conn.connection.dbapi_connection  # psycopg's or sqlite3's
    postgres = conn.dialect.name == "postgresql"
    marker = "%s" if postgres else "?"
    low, high = streams
    conditions = [
        (f"stream_id >= {marker}", low),
        (f"stream_id < {marker}", high),
        (f"position <= {marker}", to_position),
    ]
    bounds = [sql for sql, value in conditions if value is not None]
    params = tuple(value for _, value in conditions if value is not None)
    sql = SELECT_BY_STREAM + (" WHERE " + " AND ".join(bounds) if bounds else "") + ORDER_BY_STREAM
    if postgres:
        # A server-side cursor: a client-side one would pull the whole log into memory.
        cursor = dbapi.cursor(name="pacts_rebuild_replay")
        cursor.itersize = fetch
        # psycopg parses json columns with json.loads; from_json is twice as fast.
        set_json_loads(_loads, cursor)
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(fetch)
            if not chunk:
                return
            yield chunk
    finally:
        cursor.close()


def _current_data(type_name: str, schema_version: int, data: dict) -> dict:
    """The event's data in today's shape (upcast through the codec when older)."""
    if _CURRENT.get(type_name) == schema_version:
        return data
    # Unknown types raise codec.UnknownEventType here.
    return codec.encode(codec.decode(type_name, schema_version, data))


class PactBuilder:
    """A pact's state as plain, mutable data; ``state()`` gives the domain Pact."""

    __slots__ = ("proposed", "signatures", "targets", "results", "awards", "closed_on")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to no pact (a PactProposed starts the stream's state over)."""
        self.proposed: dict[str, Any] | None = None
        self.signatures: dict[str, dict[str, Any]] = {}
        self.targets: dict[str, dict[str, Any]] = {}
        self.results: dict[tuple[str, str], dict[str, Any]] = {}
        self.awards: list[dict[str, Any]] = []
        self.closed_on: str | None = None

    def apply(self, type_name: str, d: dict) -> None:
        if type_name == "ResultRecorded":
            self.results[(d["unit_id"], d["target_code"])] = d
        elif type_name == "ResultWithdrawn":
            self.results.pop((d["unit_id"], d["target_code"]), None)
        elif type_name == "TargetSet":
            self.targets[d["code"]] = d
        elif type_name == "PactSigned":
            self.signatures[d["unit_id"]] = d
        elif type_name == "PactProposed":
            self.reset()
            self.proposed = d
        elif type_name == "AwardGranted":
            self.awards.append(d)
        elif type_name == "PactClosed":
            self.closed_on = d["closed_on"]
        elif type_name in EVENT_TYPES:
            raise TypeError(f"a pact stream cannot hold {type_name}")
        else:
            raise codec.UnknownEventType(type_name)

    def state(self) -> Pact:
        """The domain Pact: each record from its event's data by field name (a field a
        stored event lacks takes the event class's default, as decoding it would)."""
        p = self.proposed
        if p is None:
            raise TypeError("a pact stream must start with PactProposed")
        closed = self.closed_on
        return pact_from_fields(
            p,
            signatures={u: SIGNATURE.from_data(s) for u, s in self.signatures.items()},
            targets={code: TARGET.from_data(t) for code, t in self.targets.items()},
            results={key: RESULT.from_data(r) for key, r in self.results.items()},
            awards=tuple(AWARD.from_data(a) for a in self.awards),
            closed_on=_fromiso(closed) if closed is not None else None,
        )


def replay(
    conn: Connection,
    on_stream: Callable[[str, object, int], None],
    on_snapshot: Callable[[dict], None] | None = None,
    progress: Callable[[int], None] | None = None,
    fetch: int | None = None,
    streams: tuple[str | None, str | None] = (None, None),
    to_position: int | None = None,
) -> tuple[int, int]:
    """Fold every stream; call ``on_stream(stream_type, folded, version)`` at each stream's end.

    ``folded`` is the domain state for units and clusters, and the PactBuilder
    for pacts (``.state()`` gives the domain Pact). ``on_snapshot`` gets the
    snapshot row of every pact version where one is due (snapshots.due).
    ``streams`` limits the replay to a range of stream ids, ``to_position`` to the
    events at or before a position (read_by_stream).
    Returns (events, streams).
    """
    every = snapshots.SNAPSHOT_EVERY
    loads = _loads
    current = _CURRENT
    events = count = 0
    stream_id: str | None = None
    stream_type = ""
    version = 0
    builder: PactBuilder | None = None
    state: Any = None
    kind: Aggregate[Any] = UNIT

    def finish() -> None:
        on_stream(stream_type, builder if builder is not None else state, version)

    for chunk in read_by_stream(conn, fetch or FETCH, streams, to_position):
        for sid, version_, position, type_name, schema_version, data in chunk:
            if sid != stream_id:
                if stream_id is not None:
                    finish()
                stype = stream_type_of(sid)
                stream_id, stream_type, count = sid, stype, count + 1
                if stype == PACT.stream_type:
                    builder = PactBuilder()
                else:
                    builder, state = None, None
                    kind = _OTHER_KINDS[stype]
            version = version_
            if data.__class__ is str:
                data = loads(data)
            if builder is not None:
                if current.get(type_name) != schema_version:
                    data = _current_data(type_name, schema_version, data)
                builder.apply(type_name, data)
                if (
                    on_snapshot is not None
                    and version_ % every == 0
                    and snapshots.due(version_, len(builder.results))
                ):
                    on_snapshot(snapshots.snapshot_row(sid, version_, position, builder.state()))
            else:
                state = kind.apply(codec.decode(type_name, schema_version, data), state)
        events += len(chunk)
        if progress:
            progress(len(chunk))
    if stream_id is not None:
        finish()
    return events, count
