"""A unit's assessment as the log tells it: every stage, its actor and time, and the points it gives.

Read from the pact's assessment stream itself (the auditors' source), folded
event by event, each stage scored by the sheet version the pact adopted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from app.domain import assessment
from app.domain import events as e
from app.domain.errors import NotFound
from app.domain.events import Event
from app.domain.sheet import ScoreSheet
from app.domain.sheet_scoring import SheetScore, round_points, score
from app.events.nested import records_plain
from app.events.store import EventStore, StoredEvent
from app.projections.scoring_queries import pact_assessments, pact_rows

_STAGE_OF: dict[type, str] = {
    e.SelfAssessed: "self",
    e.CrossGraded: "cross",
    e.FinalScoreRecorded: "final",
}


def _points(result: SheetScore | None) -> dict[str, Any]:
    if result is None:
        return {"total": None, "groups": None, "criteria": None}
    return {
        "total": result.total,
        "groups": [
            {"code": g.code, "points": round_points(g.points), "capped": g.capped} for g in result.groups
        ],
        "criteria": [
            {"code": c.code, "kind": c.kind, "points": round_points(c.points), "missing": c.missing}
            for c in result.criteria
        ],
    }


def _stage(stored: StoredEvent, event: Event, sheet: ScoreSheet, targets: Any) -> dict[str, Any]:
    entries = getattr(event, "entries", None)
    return {
        "stage": _STAGE_OF.get(type(event)),
        "event": stored.type,
        "actor": stored.metadata.get("actor", "system"),
        "actor_role": stored.metadata.get("actor_role", "system"),
        "recorded_at": stored.recorded_at,
        "on": event.occurred_on,
        "grader_id": getattr(event, "grader_id", None),
        "entries": records_plain(entries) if entries is not None else None,
        "reason": getattr(event, "reason", None),
        "explanation": getattr(event, "explanation", None),
        **_points(score(sheet, targets, entries) if entries is not None else None),
    }


def unit_assessment(conn: Connection, store: EventStore, pact_id: str, unit_id: str) -> dict[str, Any]:
    found = pact_assessments(conn, pact_id)
    if found is None:
        raise NotFound(f"pact {pact_id} has adopted no score sheet")
    sheet, state = found
    pact = pact_rows(conn, pact_id)
    if unit_id not in pact.parties:
        raise NotFound(f"unit {unit_id} is not a party to pact {pact_id}")
    stages = []
    for stored in store.read_stream(conn, assessment.ASSESSMENT.stream_id(pact_id)):
        event = stored.to_domain()
        if getattr(event, "unit_id", None) == unit_id:
            stages.append(_stage(stored, event, sheet, pact.targets))
    unit = state.of(unit_id)
    current = assessment.current_score(sheet, pact.targets, unit)
    return {
        "pact_id": pact_id,
        "unit_id": unit_id,
        "sheet_code": sheet.code,
        "sheet_version": sheet.version,
        "status": assessment.status(sheet, pact.targets, unit),
        "grader_id": unit.grader_id,
        "stage": unit.current.stage if unit.current else None,
        "total": current.total if current else None,
        "stages": stages,
    }
