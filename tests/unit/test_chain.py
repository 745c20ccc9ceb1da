"""The hash chain's two ways to the same bytes agree, and docs/audit.md's worked example holds.

The store hashes each event it appends from the domain event (the codec's generated
encoder and ``chain.LINK``); verifiers hash the stored row (``chain.row_text``). Any
difference would make a good log look tampered."""

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import rfc8785
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.db import dumps
from app.domain.events import EVENT_TYPES
from app.events import chain, codec
from app.events.canonical import NotCanonical, dumps_canonical
from tests.unit.test_codec import _events

AUDIT_DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def _well_formed(text: str) -> bool:
    try:
        text.encode()
        return True
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8, so no log entry either
        return False


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_the_stores_encoding_of_an_event_is_the_definitions(name):
    @settings(max_examples=80, deadline=None)
    @given(_events(EVENT_TYPES[name]))
    def check(event):
        text = codec.encode_json(event)
        assume(_well_formed(text))
        try:
            data, stored_text, jcs, occurred_json, occurred_on = codec.encode_for_log(event)
        except NotCanonical:
            assert "NaN" in text or "Infinity" in text  # what no JSON number can be
            return
        assert data == codec.encode(event) and stored_text == text
        assert jcs == dumps_canonical(json.loads(text))
        # The reference refuses integers past 2**53, which ours writes as the double they read as.
        with contextlib.suppress(rfc8785.IntegerDomainError):
            assert jcs == rfc8785.dumps(json.loads(text)).decode()
        assert occurred_on == event.occurred_on
        assert occurred_json == dumps(None if occurred_on is None else occurred_on.isoformat())

    check()


_ids = st.uuids(version=4).map(str)
_times = st.datetimes(timezones=st.just(UTC)).map(chain.timestamp)


@settings(max_examples=300, deadline=None)
@given(
    event=st.sampled_from(sorted(EVENT_TYPES)).flatmap(lambda name: _events(EVENT_TYPES[name])),
    event_id=_ids,
    position=st.integers(1, 2**53),
    version=st.integers(1, 2**31),
    metadata=st.dictionaries(st.text(), st.none() | st.text() | st.integers(-5, 5)),
    recorded_at=_times,
    stream_id=st.text(min_size=1),
    prev_hash=st.binary(min_size=32, max_size=32).map(bytes.hex),
)
def test_the_bytes_the_store_hashes_are_the_records_canonical_bytes(
    event, event_id, position, version, metadata, recorded_at, stream_id, prev_hash
):
    assume(_well_formed(codec.encode_json(event)) and _well_formed(stream_id) and _well_formed(str(metadata)))
    try:
        _, text, jcs, occurred, occurred_on = codec.encode_for_log(event)
    except NotCanonical:
        return
    kind = type(event)
    middle = chain.middle(recorded_at, kind.SCHEMA_VERSION, stream_id, "pact", kind.__name__)
    meta = dumps_canonical(metadata).encode()
    linked = chain.LINK % (
        jcs.encode(),
        event_id.encode(),
        meta,
        occurred.encode(),
        position,
        middle.encode(),
        version,
        prev_hash.encode(),
    )
    row = {
        "position": position,
        "event_id": event_id,
        "stream_id": stream_id,
        "stream_type": "pact",
        "version": version,
        "type": kind.__name__,
        "schema_version": kind.SCHEMA_VERSION,
        "data": json.loads(text),
        "metadata": json.loads(dumps(metadata)),
        "occurred_on": None if occurred_on is None else occurred_on.isoformat(),
        "recorded_at": recorded_at,
    }
    assert linked == (chain.row_text(row) + prev_hash).encode()


def test_recorded_at_is_utc_with_six_fraction_digits_and_a_z():
    saigon = timezone(timedelta(hours=7))

    assert chain.timestamp(datetime(2026, 1, 5, 15, 30, tzinfo=saigon)) == "2026-01-05T08:30:00.000000Z"
    assert (
        chain.timestamp(datetime(2026, 1, 5, 8, 31, 12, 345678, tzinfo=UTC)) == "2026-01-05T08:31:12.345678Z"
    )
    with pytest.raises(ValueError):
        chain.timestamp(datetime(2026, 1, 5))


def _worked_example() -> tuple[list[dict], list[str], list[str]]:
    """The export lines, canonical texts and hashes of docs/audit.md's worked example."""
    section = AUDIT_DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1].split("\n## ", 1)[0]
    lines = re.search(r"```json\n(.*?)```", section, re.S).group(1).splitlines()
    texts = re.findall(r"```text\n(.*?)\n```", section, re.S)
    return [json.loads(line) for line in lines], texts[0::2], texts[1::2]


def test_the_worked_example_in_docs_audit_md_is_what_the_code_computes():
    lines, canonical_texts, hashes = _worked_example()

    assert len(lines) == len(canonical_texts) == len(hashes) == 2
    for line, canonical, event_hash in zip(lines, canonical_texts, hashes, strict=True):
        assert chain.row_text(line) == canonical
        assert chain.link(canonical, line["prev_hash"]) == line["hash"] == event_hash
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    assert len(canonical_texts[0].encode()) == 574 and len(canonical_texts[1].encode()) == 604


def test_the_worked_example_is_what_the_store_writes_for_those_events():
    lines, canonical_texts, _ = _worked_example()
    for line, canonical in zip(lines, canonical_texts, strict=True):
        event = codec.decode(line["type"], line["schema_version"], line["data"])
        data, text, jcs, occurred, _ = codec.encode_for_log(event)
        kind = (
            line["recorded_at"],
            line["schema_version"],
            line["stream_id"],
            line["stream_type"],
            line["type"],
        )
        middle = chain.middle(*kind)
        linked = chain.LINK % (
            jcs.encode(),
            line["event_id"].encode(),
            dumps_canonical(line["metadata"]).encode(),
            occurred.encode(),
            line["position"],
            middle.encode(),
            line["version"],
            line["prev_hash"].encode(),
        )
        assert text == dumps(line["data"])  # the export line carries the stored text as is
        assert linked == (canonical + line["prev_hash"]).encode()


def test_the_chain_starts_from_64_zeros():
    assert chain.GENESIS == "0" * 64
