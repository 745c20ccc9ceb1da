"""Read-model rows of scoring by sheet, as pure functions of the sheet's and the assessment's state.

Like units and clusters, these streams are small: their rows are replaced whole
by the live projector and written once by the rebuild, from the same functions.
"""

from __future__ import annotations

from typing import Any

from app.domain.assessment import Assessments, Grading
from app.domain.sheet import SheetVersions
from app.events.nested import records_plain

Rows = dict[str, list[dict[str, Any]]]

# The column each table's rows are owned by: a stream's rows are replaced by it.
OWNER = {"rm_score_sheets": "code", "rm_pact_score_sheets": "pact_id", "rm_assessments": "pact_id"}


def all_sheet_rows(sheets: SheetVersions, version: int) -> Rows:
    return {
        "rm_score_sheets": [
            {
                "code": s.code,
                "version": s.version,
                "title": s.title,
                "legal_basis": s.legal_basis,
                "valid_from": s.valid_from,
                "valid_to": s.valid_to,
                "tolerance": s.tolerance,
                "attainment_cap": s.attainment_cap,
                "groups": records_plain(s.groups),
            }
            for s in sheets.versions
        ]
    }


def _stage(grading: Grading) -> dict[str, Any]:
    return {
        "grader_id": grading.grader_id,
        "entries": records_plain(grading.entries),
        "on": grading.on.isoformat(),
        "reason": grading.reason,
    }


def all_assessment_rows(state: Assessments, version: int) -> Rows:
    sheet = {
        "pact_id": state.pact_id,
        "sheet_code": state.sheet.code,
        "sheet_version": state.sheet.version,
        "version": version,
    }
    units = []
    for unit in state.units.values():
        stages = {
            name: _stage(grading)
            for name, grading in (
                ("self", unit.self_assessment),
                ("cross", unit.cross),
                ("final", unit.final),
            )
            if grading is not None
        }
        units.append(
            {
                "pact_id": state.pact_id,
                "unit_id": unit.unit_id,
                "grader_id": unit.grader_id,
                "explanation": unit.explanation,
                "stages": stages,
            }
        )
    return {"rm_pact_score_sheets": [sheet], "rm_assessments": sorted(units, key=lambda r: r["unit_id"])}
