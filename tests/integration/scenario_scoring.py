"""The scenario's year-end scoring: score sheets, their adoption, and each unit's stages.

On its own random draws (as the keys are), so the rest of the scenario's life is
the same with or without it. The shadow knows the arithmetic of its one shape of
sheet, so it knows when a cross-grade needs an explanation:

    G1 (max 20): C1 per item, 1 point each, max 15; PF pass/fail, max 5
    G2 (max 5):  B1 bonus, 1 point each, max 5
    G3 (max 5):  P1 penalty, 1 point each, max 5

A sheet's version v has a tolerance of v points (each revision changes it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain import commands as c
from app.domain import errors
from app.domain.criteria import Criterion, CriterionGroup, Entry

Refusal = tuple[c.Command, type[errors.DomainError]]
GROUPS = (
    CriterionGroup(
        code="G1",
        title="Chỉ tiêu",
        max_points=20.0,
        criteria=(
            Criterion(code="C1", title="Báo cáo đúng hạn", kind="per_item", max_points=15.0, points_each=1.0),
            Criterion(code="PF", title="Hoàn thành kế hoạch", kind="pass_fail", max_points=5.0),
        ),
    ),
    CriterionGroup(
        code="G2",
        title="Điểm thưởng",
        max_points=5.0,
        criteria=(Criterion(code="B1", title="Sáng kiến", kind="bonus", max_points=5.0, points_each=1.0),),
    ),
    CriterionGroup(
        code="G3",
        title="Điểm trừ",
        max_points=5.0,
        criteria=(
            Criterion(code="P1", title="Báo cáo chậm", kind="penalty", max_points=5.0, points_each=1.0),
        ),
    ),
)


@dataclass
class Unit:
    own: int | None = None  # the self-assessment's total
    grader: str | None = None
    cross: int | None = None
    awaiting: bool = False
    final: bool = False


@dataclass
class Scored:
    sheet: tuple[str, int]  # (code, version)
    units: dict[str, Unit] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return any(u.own is not None for u in self.units.values())


class Scoring:
    def __init__(self, scenario: Any, rng: random.Random) -> None:
        self.scenario, self.rng = scenario, rng
        self.sheets: dict[str, int] = {}  # code -> versions
        self.scored: dict[str, Scored] = {}  # pact id -> its scoring

    @property
    def today(self) -> date:
        return self.scenario.today

    def _open(self, pact_id: str) -> bool:
        return not self.scenario.pacts[pact_id].closed

    def next(self) -> c.Command | None:
        makers = [self._create, self._revise, self._adopt, self._assign, self._self, self._cross]
        makers += [self._explain, self._explain, self._final, self._self, self._cross, self._assign]
        self.rng.shuffle(makers)
        return next((command for make in makers if (command := make()) is not None), None)

    def _sheet(self, kind: type[c.CreateScoreSheet], code: str, version: int) -> c.CreateScoreSheet:
        return kind(
            code=code,
            title=f"Bảng chấm điểm {code}",
            legal_basis="Quy chế hoạt động của Cụm",
            valid_from=date(2000, 1, 1),
            tolerance=float(version),
            groups=GROUPS,
        )

    def _create(self) -> c.CreateScoreSheet | None:
        if len(self.sheets) >= 3:
            return None
        code = f"bd{len(self.sheets) + 1}"
        self.sheets[code] = 1
        return self._sheet(c.CreateScoreSheet, code, 1)

    def _revise(self) -> c.CreateScoreSheet | None:
        if not self.sheets:
            return None
        code = self.rng.choice(sorted(self.sheets))
        self.sheets[code] += 1
        return self._sheet(c.ReviseScoreSheet, code, self.sheets[code])

    def _adopt(self) -> c.AdoptScoreSheet | None:
        pacts = [p for p in self.scenario._open_pacts() if p not in self.scored or not self.scored[p].started]
        if not pacts or not self.sheets:
            return None
        pact_id, code = self.rng.choice(sorted(pacts)), self.rng.choice(sorted(self.sheets))
        version = self.rng.randint(1, self.sheets[code])
        if pact_id in self.scored and self.scored[pact_id].sheet == (code, version):
            return None
        self.scored[pact_id] = Scored((code, version))
        return c.AdoptScoreSheet(pact_id=pact_id, sheet_code=code, version=version, adopted_on=self.today)

    def _units(self, ready) -> tuple[str, str, Unit] | None:
        """A (pact, unit, its shadow) of an open scored pact for which ``ready(unit)`` holds."""
        choices = [
            (p, u)
            for p, s in sorted(self.scored.items())
            if self._open(p)
            for u in self.scenario.pacts[p].parties
            if ready(s.units.get(u) or Unit())
        ]
        if not choices:
            return None
        pact_id, unit_id = self.rng.choice(choices)
        return pact_id, unit_id, self.scored[pact_id].units.setdefault(unit_id, Unit())

    def _entries(self) -> tuple[tuple[Entry, ...], int]:
        items, passed = self.rng.randint(0, 20), self.rng.random() < 0.6
        bonus, late = self.rng.randint(0, 7), self.rng.randint(0, 3)
        entries = (
            Entry(criterion_code="C1", count=items, evidence="Sổ theo dõi công văn"),
            Entry(criterion_code="PF", passed=passed),
            Entry(criterion_code="B1", count=bonus),
            Entry(criterion_code="P1", count=late),
        )
        return entries, min(items, 15) + 5 * passed + min(bonus, 5) - min(late, 5)

    def _assign(self) -> c.AssignCrossGrader | None:
        found = self._units(lambda u: u.cross is None)
        if found is None:
            return None
        pact_id, unit_id, shadow = found
        others = [u for u in self.scenario.pacts[pact_id].parties if u != unit_id]
        if not others:
            return None
        shadow.grader = self.rng.choice(others)
        return c.AssignCrossGrader(
            pact_id=pact_id, unit_id=unit_id, grader_id=shadow.grader, assigned_on=self.today
        )

    def _self(self) -> c.SubmitSelfAssessment | None:
        found = self._units(lambda u: u.cross is None and not u.final)
        if found is None:
            return None
        pact_id, unit_id, shadow = found
        entries, shadow.own = self._entries()
        return c.SubmitSelfAssessment(
            pact_id=pact_id, unit_id=unit_id, entries=entries, submitted_on=self.today
        )

    def _cross(self) -> c.SubmitCrossGrade | None:
        found = self._units(lambda u: u.own is not None and u.grader is not None and not u.final)
        if found is None:
            return None
        pact_id, unit_id, shadow = found
        entries, shadow.cross = self._entries()
        tolerance = self.scored[pact_id].sheet[1]
        shadow.awaiting = abs(shadow.cross - (shadow.own or 0)) > tolerance
        assert shadow.grader is not None
        return c.SubmitCrossGrade(
            pact_id=pact_id,
            unit_id=unit_id,
            grader_id=shadow.grader,
            entries=entries,
            submitted_on=self.today,
        )

    def _explain(self) -> c.FileExplanation | None:
        found = self._units(lambda u: u.awaiting and not u.final)
        if found is None:
            return None
        pact_id, unit_id, shadow = found
        shadow.awaiting = False
        return c.FileExplanation(
            pact_id=pact_id, unit_id=unit_id, explanation="Số liệu theo sổ công văn đến", filed_on=self.today
        )

    def _final(self) -> c.RecordFinalScore | None:
        found = self._units(lambda u: u.own is not None and not u.awaiting)
        if found is None:
            return None
        pact_id, unit_id, shadow = found
        entries, _ = self._entries()
        shadow.final = True
        return c.RecordFinalScore(
            pact_id=pact_id,
            unit_id=unit_id,
            entries=entries,
            reason="Hội đồng Cụm thống nhất",
            recorded_on=self.today,
        )

    def refusals(self) -> list[Refusal]:
        """Scoring commands the domain must refuse, given the shadow as it is."""
        found: list[Refusal] = []
        over = (CriterionGroup(code="G1", title="x", max_points=10.0, criteria=GROUPS[0].criteria),)
        bad = c.CreateScoreSheet(code="bd-x", title="x", legal_basis="x", valid_from=self.today, groups=over)
        found.append((bad, errors.InvalidValue))
        for pact_id, scored in sorted(self.scored.items()):
            if not self._open(pact_id):
                continue
            unit_id = self.scenario.pacts[pact_id].parties[0]
            himself = c.AssignCrossGrader(
                pact_id=pact_id, unit_id=unit_id, grader_id=unit_id, assigned_on=self.today
            )
            found.append((himself, errors.SelfGrading))
            if scored.started:
                again = c.AdoptScoreSheet(pact_id=pact_id, sheet_code=scored.sheet[0], adopted_on=self.today)
                found.append((again, errors.AssessmentStarted))
            break
        return found
