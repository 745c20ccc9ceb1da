"""Read-side queries of scoring by sheet: sheets, assessments, sheet standings, cluster figures.

Points and totals are computed here, from the sheet version a pact adopted and
the stored entries, by the domain's own functions (app.domain.sheet_scoring):
the read models hold what was said, never a second copy of what it scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.assessment import Assessments, Grading, SheetRef, UnitAssessment
from app.domain.criteria import CriterionGroup, Entry
from app.domain.errors import NotFound
from app.domain.pact import Result, Target
from app.domain.sheet import ScoreSheet
from app.domain.sheet_scoring import round_points
from app.domain.standings import PactStandings, nothing_to_score, sheet_standings
from app.events.nested import from_plain
from app.projections import tables as t


@dataclass(frozen=True, slots=True)
class PactRows:
    """A pact as its read model has it: what sheet standings and cluster figures read."""

    id: str
    parties: tuple[str, ...]
    targets: Mapping[str, Target]
    results: Mapping[tuple[str, str], Result] = field(default_factory=dict)


def _sheet(row: Mapping[str, Any]) -> ScoreSheet:
    groups = tuple(from_plain(CriterionGroup, g) for g in row["groups"])
    return ScoreSheet(
        code=row["code"],
        version=row["version"],
        title=row["title"],
        legal_basis=row["legal_basis"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        tolerance=row["tolerance"],
        attainment_cap=row["attainment_cap"],
        groups=groups,
    )


def _sheet_row(conn: Connection, code: str, version: int | None) -> dict[str, Any]:
    s = t.score_sheets.c
    query = sa.select(t.score_sheets).where(s.code == code)
    query = query.where(s.version == version) if version else query.order_by(s.version.desc()).limit(1)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no score sheet {code}" + (f" version {version}" if version else ""))
    versions = conn.execute(sa.select(sa.func.max(s.version)).where(s.code == code)).scalar_one()
    return {**row, "versions": versions}


def get_sheet(conn: Connection, code: str, version: int | None = None) -> dict[str, Any]:
    return _sheet_row(conn, code, version)


def list_sheets(conn: Connection) -> list[dict[str, Any]]:
    s = t.score_sheets.c
    latest = sa.select(s.code, sa.func.max(s.version).label("versions")).group_by(s.code).subquery()
    query = (
        sa.select(t.score_sheets, latest.c.versions)
        .join(latest, sa.and_(s.code == latest.c.code, s.version == latest.c.versions))
        .order_by(s.code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def pact_rows(conn: Connection, pact_id: str, with_results: bool = False) -> PactRows:
    parties = conn.execute(sa.select(t.pacts.c.parties).where(t.pacts.c.id == pact_id)).scalar()
    if parties is None:
        raise NotFound(f"no pact {pact_id}")
    tc = t.pact_targets.c
    targets = {
        r["code"]: Target(
            code=r["code"],
            title=r["title"],
            kind=r["kind"],
            measure=r["measure"],
            direction=r["direction"],
            value=r["value"],
            weight=r["weight"],
            applies_to=tuple(r["applies_to"]) if r["applies_to"] is not None else None,
        )
        for r in conn.execute(
            sa.select(t.pact_targets).where(tc.pact_id == pact_id).order_by(tc.ordinal)
        ).mappings()
    }
    results: dict[tuple[str, str], Result] = {}
    if with_results:
        rc = t.pact_results.c
        for r in conn.execute(sa.select(t.pact_results).where(rc.pact_id == pact_id)).mappings():
            key = (r["unit_id"], r["target_code"])
            results[key] = Result(
                value=r["value"], reported_on=r["reported_on"], source=r["source"], note=r["note"]
            )
    return PactRows(id=pact_id, parties=tuple(parties), targets=targets, results=results)


def _grading(stage: str, data: dict[str, Any]) -> Grading:
    return Grading(
        stage=stage,
        grader_id=data["grader_id"],
        entries=tuple(from_plain(Entry, e) for e in data["entries"]),
        on=date.fromisoformat(data["on"]),
        reason=data["reason"],
    )


def adopted_sheet(conn: Connection, pact_id: str) -> dict[str, Any] | None:
    """The sheet version a pact adopted, as ``{code, version}``."""
    ps = t.pact_score_sheets.c
    row = conn.execute(sa.select(ps.sheet_code, ps.sheet_version).where(ps.pact_id == pact_id)).first()
    return {"code": row.sheet_code, "version": row.sheet_version} if row else None


def pact_assessments(conn: Connection, pact_id: str) -> tuple[ScoreSheet, Assessments] | None:
    """The sheet version the pact adopted and its units' assessments; None without a sheet."""
    adopted = conn.execute(
        sa.select(t.pact_score_sheets).where(t.pact_score_sheets.c.pact_id == pact_id)
    ).first()
    if adopted is None:
        return None
    ref = SheetRef(code=adopted.sheet_code, version=adopted.sheet_version)
    sheet = sheet_version(conn, ref)
    units = {}
    for r in conn.execute(sa.select(t.assessments).where(t.assessments.c.pact_id == pact_id)).mappings():
        stages = {name: _grading(name, data) for name, data in r["stages"].items()}
        units[r["unit_id"]] = UnitAssessment(
            unit_id=r["unit_id"],
            grader_id=r["grader_id"],
            self_assessment=stages.get("self"),
            cross=stages.get("cross"),
            explanation=r["explanation"],
            final=stages.get("final"),
        )
    return sheet, Assessments(pact_id=pact_id, sheet=ref, units=units)


def sheet_standings_of(conn: Connection, pact_id: str) -> tuple[ScoreSheet, PactStandings] | None:
    """A pact's standings by its sheet; None when it has adopted none (flat-target scoring)."""
    found = pact_assessments(conn, pact_id)
    if found is None:
        return None
    sheet, state = found
    return sheet, sheet_standings(pact_rows(conn, pact_id), sheet, state)


def flat_not_scoreable(conn: Connection, pact_id: str) -> str | None:
    """Why a pact without a sheet has nothing to rank, read from its rows."""
    targets, results = t.pact_targets.c, t.pact_results.c
    has_targets = conn.execute(sa.select(targets.code).where(targets.pact_id == pact_id).limit(1)).first()
    has_results = conn.execute(sa.select(results.unit_id).where(results.pact_id == pact_id).limit(1)).first()
    return nothing_to_score(pact_id, has_targets=has_targets is not None, has_results=has_results is not None)


def _unit_names(conn: Connection, unit_ids: list[str]) -> dict[str, str]:
    query = sa.select(t.units.c.id, t.units.c.name).where(t.units.c.id.in_(unit_ids))
    return {row.id: row.name for row in conn.execute(query)}


def sheet_view(conn: Connection, pact_id: str) -> dict[str, Any] | None:
    """The standings fields of a pact scored by its sheet (None when it adopted none):
    each assessed unit ranked by its most advanced stage, which it names."""
    found = sheet_standings_of(conn, pact_id)
    if found is None:
        return None
    sheet, standings = found
    return sheet_fields(sheet, standings, _unit_names(conn, [r.unit_id for r in standings.standings]))


def sheet_version(conn: Connection, ref: SheetRef) -> ScoreSheet:
    """A version of a sheet; versions never change once published."""
    return _sheet(_sheet_row(conn, ref.code, ref.version))


def sheet_fields(sheet: ScoreSheet, standings: PactStandings, names: Mapping[str, str]) -> dict[str, Any]:
    """The standings fields of ``/scores`` and ``/standings`` for a pact scored by ``sheet``."""
    return {
        "score_sheet": {"code": sheet.code, "version": sheet.version},
        "not_scoreable": standings.not_scoreable,
        "not_assessed": list(standings.not_assessed),
        "standings": [
            {
                "rank": r.rank,
                "unit_id": r.unit_id,
                "unit_name": names.get(r.unit_id),
                "score": float(r.score),
                "points": {code: float(round_points(p)) for code, p in r.points.items()},
                "missing": list(r.missing),
                "stage": r.stage,
            }
            for r in standings.standings
        ],
    }
