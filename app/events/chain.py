"""The log's hash chain: each event's hash covers its recorded fields and the hash before it.

    hash(n) = SHA-256( UTF-8( JCS(record(n)) ) + prev_hash(n) ), lowercase hex
    prev_hash(1) = 64 zeros; prev_hash(n) = hash(n - 1)

``record(n)`` is the JSON object of the event's eleven recorded fields (see
``record_text``): docs/audit.md defines it for verifiers in any language, with
a worked example that a test checks against this module.

The store computes the chain as it appends, under the log's write lock. There
the data's JCS text comes straight from the domain event, made by the codec's
generated encoder in the same pass as the stored JSON (a batch import hashes
tens of thousands of events), and
``LINK`` puts the members together. Verifiers, the migration's backfill and the
tests make the same text from the stored row instead (``row_text``); tests
check the two agree on every event type.
"""

from __future__ import annotations

import hashlib
import typing
from datetime import UTC, datetime

from app.events.canonical import dumps_canonical, integer, quote

GENESIS = "0" * 64
_EXACT = 2**53
_sha256 = hashlib.sha256


def link(record: str, prev_hash: str) -> str:
    """The hash of an event whose record's JCS text is ``record``."""
    return _sha256((record + prev_hash).encode()).hexdigest()


def timestamp(moment: datetime) -> str:
    """``recorded_at`` as the record holds it: UTC, microseconds, always 6 digits, ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("recorded_at must carry its offset")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The bytes the store hashes for each event it appends: the record's JCS text
# as UTF-8, then prev_hash, filled in by bytes formatting (cheaper, per event,
# than formatting text and encoding it). Arguments: the data's JCS, the event
# id, the metadata's JCS, occurred_on as JSON, position, ``middle()``, version,
# prev_hash, each (but the two ints) as UTF-8 bytes. Tested equal to
# ``record_text`` + prev_hash.
LINK = b'{"data":%b,"event_id":"%b","metadata":%b,"occurred_on":%b,"position":%d,%b"version":%d}%b'


def middle(recorded_at: str, schema_version: int, stream_id: str, stream_type: str, type: str) -> str:
    """The members between "position" and "version", in JCS order: the same for
    every event of one stream and type in one append (``recorded_at`` as ``timestamp`` writes it)."""
    return (
        f'"recorded_at":{quote(recorded_at)},"schema_version":{integer(schema_version)},'
        f'"stream_id":{quote(stream_id)},"stream_type":{quote(stream_type)},"type":{quote(type)},'
    )


def record_of(
    data: str, event_id: str, metadata: str, occurred_on: str | None, position: int, middle: str, version: int
) -> str:
    """``record_text`` from positional parts, ``middle`` as ``middle()`` writes it."""
    occurred = "null" if occurred_on is None else quote(occurred_on)
    if 0 < position < _EXACT and 0 < version < _EXACT:
        at, number = str(position), str(version)
    else:  # as JCS writes doubles past 2**53
        at, number = integer(position), integer(version)
    return (
        f'{{"data":{data},"event_id":{quote(event_id)},"metadata":{metadata},"occurred_on":{occurred},'
        f'"position":{at},{middle}"version":{number}}}'
    )


def record_text(
    *,
    position: int,
    event_id: str,
    stream_id: str,
    stream_type: str,
    version: int,
    type: str,
    schema_version: int,
    data: str,
    metadata: str,
    occurred_on: str | None,
    recorded_at: str,
) -> str:
    """The record's JCS text, given ``data`` and ``metadata`` as JCS texts already,
    ``occurred_on`` as ISO text (or None) and ``recorded_at`` as ``timestamp`` writes it."""
    between = middle(recorded_at, schema_version, stream_id, stream_type, type)
    return record_of(data, event_id, metadata, occurred_on, position, between, version)


def row_text(row: typing.Mapping[str, typing.Any]) -> str:
    """The record's JCS text from a stored event given as parsed JSON values
    (an exported line, or a row read back with data and metadata parsed)."""
    return record_text(
        position=row["position"],
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        stream_type=row["stream_type"],
        version=row["version"],
        type=row["type"],
        schema_version=row["schema_version"],
        data=dumps_canonical(row["data"]),
        metadata=dumps_canonical(row["metadata"]),
        occurred_on=row["occurred_on"],
        recorded_at=row["recorded_at"],
    )
