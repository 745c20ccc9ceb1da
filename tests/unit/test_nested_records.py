"""Events holding nested records (a sheet's groups and criteria, a grader's entries) are stored
as JSON objects and read back equal, through the same generated codec as every event."""

from __future__ import annotations

import json

import pytest

from app.db import dumps
from app.domain import events as e
from app.events import codec
from app.events.canonical import dumps_canonical
from tests.unit.sheets import ON, create_sheet, self_assessed


def published() -> e.ScoreSheetPublished:
    cmd = create_sheet()
    fields = {name: getattr(cmd, name) for name in ("code", "title", "legal_basis", "valid_from", "valid_to")}
    return e.ScoreSheetPublished(
        **fields, version=1, tolerance=cmd.tolerance, attainment_cap=cmd.attainment_cap, groups=cmd.groups
    )


@pytest.mark.parametrize(
    "event",
    [
        published(),
        self_assessed(),
        e.ScoreSheetAdopted(pact_id="p", sheet_code="s", version=2, adopted_on=ON),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_event_with_records_reads_back_equal(event):
    data = codec.encode(event)
    text = codec.encode_json(event)

    assert text == dumps(data)
    assert codec.decode(type(event).__name__, 1, json.loads(text)) == event
    logged, logged_text, canonical, _, occurred = codec.encode_for_log(event)
    assert logged == data and logged_text == text
    assert canonical == dumps_canonical(data)
    assert occurred == event.occurred_on


def test_records_are_objects_of_their_fields_in_order():
    data = codec.encode(published())

    group = data["groups"][0]
    assert list(group) == ["code", "title", "max_points", "criteria"]
    assert group["criteria"][0] == {
        "code": "I.1",
        "title": "Tăng trưởng IIP",
        "kind": "target",
        "max_points": 30.0,
        "target_code": "IIP",
        "points_each": None,
    }
    entry = codec.encode(self_assessed())["entries"][2]
    assert entry == {"criterion_code": "II.1", "value": None, "count": 9, "passed": None, "evidence": None}


def test_a_member_missing_from_an_older_record_takes_its_default():
    data = json.loads(codec.encode_json(self_assessed()))
    for entry in data["entries"]:
        del entry["evidence"]

    decoded = codec.decode("SelfAssessed", 1, data)

    assert all(entry.evidence is None for entry in decoded.entries)
