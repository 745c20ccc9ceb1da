"""A pact's standings (bình xét): its units ranked, or ``not_scoreable`` with the reason.

A pact with nothing to score ranks no one: rather than every unit tied 1st at
0, its standings are empty and say why (no targets and no score sheet, no result
yet, no assessment yet). A pact scored by a sheet ranks each assessed unit by
the total of its most advanced stage and says which (``self``, ``cross``,
``final``), so provisional figures are shown as such; units not yet assessed are
listed apart, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from app.domain import scoring
from app.domain.assessment import Assessments, current_score
from app.domain.pact import Pact, Target
from app.domain.sheet import ScoreSheet
from app.domain.state import evolve


class PactTerms(Protocol):
    """What sheet standings read of a pact: a Pact, or its read model's rows."""

    @property
    def id(self) -> str: ...
    @property
    def parties(self) -> tuple[str, ...]: ...
    @property
    def targets(self) -> Mapping[str, Target]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranked:
    rank: int
    unit_id: str
    score: Decimal
    stage: str | None  # self, cross or final on a sheet; None for flat targets
    missing: tuple[str, ...] = ()
    points: Mapping[str, Decimal] = field(default_factory=dict)  # per criterion, exact (sheets only)


@dataclass(frozen=True, slots=True, kw_only=True)
class PactStandings:
    standings: tuple[Ranked, ...]
    not_scoreable: str | None = None  # why there is nothing to rank
    not_assessed: tuple[str, ...] = ()


def nothing_to_score(pact_id: str, *, has_targets: bool, has_results: bool) -> str | None:
    """Why a pact without a sheet ranks no one, or None when it has something to rank."""
    if not has_targets:
        return f"pact {pact_id} has no targets and no score sheet"
    if not has_results:
        return f"pact {pact_id} has no results yet"
    return None


def flat_not_scoreable(pact: Pact) -> str | None:
    return nothing_to_score(pact.id, has_targets=bool(pact.targets), has_results=bool(pact.results))


def flat_standings(pact: Pact) -> PactStandings:
    """Today's scoring of flat targets (app.domain.scoring), when there is something to score."""
    reason = flat_not_scoreable(pact)
    if reason is not None:
        return PactStandings(standings=(), not_scoreable=reason)
    scores = scoring.pact_scores(pact)
    return PactStandings(standings=rank((s.unit_id, Decimal(repr(s.score)), None, s.missing) for s in scores))


def sheet_standings(pact: PactTerms, sheet: ScoreSheet, assessments: Assessments) -> PactStandings:
    scored: list[tuple[str, Decimal, str | None, tuple[str, ...]]] = []
    points: dict[str, dict[str, Decimal]] = {}
    not_assessed: list[str] = []
    for unit_id in pact.parties:
        unit = assessments.of(unit_id)
        result = current_score(sheet, pact.targets, unit)
        if result is None or unit.current is None:
            not_assessed.append(unit_id)
        else:
            scored.append((unit_id, result.total, unit.current.stage, result.missing))
            points[unit_id] = {c.code: c.points for c in result.criteria}
    if not scored:
        reason = f"no unit of pact {pact.id} has been assessed on score sheet {sheet.code} yet"
        return PactStandings(standings=(), not_scoreable=reason, not_assessed=tuple(not_assessed))
    ranked = tuple(evolve(r, points=points[r.unit_id]) for r in rank(scored))
    return PactStandings(standings=ranked, not_assessed=tuple(not_assessed))


def rank(scores: Iterable[tuple[str, Decimal, str | None, tuple[str, ...]]]) -> tuple[Ranked, ...]:
    """Standard competition ranking of (unit, score, stage, missing): 1, 2, 2, 4; ties by unit id."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    ranked: list[Ranked] = []
    for index, (unit_id, score, stage, missing) in enumerate(ordered):
        tied = bool(ranked) and ranked[-1].score == score
        position = ranked[-1].rank if tied else index + 1
        ranked.append(Ranked(rank=position, unit_id=unit_id, score=score, stage=stage, missing=missing))
    return tuple(ranked)


def stages_of(standings: PactStandings) -> Mapping[str, str | None]:
    return {r.unit_id: r.stage for r in standings.standings}
