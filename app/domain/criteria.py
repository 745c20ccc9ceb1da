"""The records a score sheet and a grader's entries are made of (bảng chấm điểm, minh chứng).

Plain values nested in the scoring events (app.domain.events) and held by the
states built from them; the log stores each as a JSON object (app.events.nested).
Points are floats, each counting as the decimal it was written as (ADR 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """One line of a score sheet (tiêu chí). ``kind`` is one of sheet.CRITERION_KINDS:

    - ``target``: tied to the pact's target ``target_code``;
    - ``pass_fail``: met or not;
    - ``per_item``, ``bonus``, ``penalty``: ``points_each`` times a count.
    """

    code: str
    title: str
    kind: str
    max_points: float
    target_code: str | None = None
    points_each: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionGroup:
    """A group of criteria (nhóm tiêu chí) whose points are capped at ``max_points``."""

    code: str
    title: str
    max_points: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What a grader says of one criterion: a ``value`` (target), ``passed``
    (pass_fail) or a ``count`` (per_item, bonus, penalty), and the evidence
    (minh chứng): a note or a link."""

    criterion_code: str
    value: float | None = None
    count: int | None = None
    passed: bool | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetVersion:
    """What one version of a score sheet says: ScoreSheetPublished records it,
    and app.domain.sheet.ScoreSheet holds it."""

    code: str
    version: int
    title: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    tolerance: float  # points; a cross-grade further from the self-assessment needs an explanation
    attainment_cap: float  # of its target criteria
    groups: tuple[CriterionGroup, ...]
