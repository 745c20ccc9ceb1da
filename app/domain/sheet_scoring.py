"""Scoring by score sheet, in exact decimals (bảng chấm điểm).

Each criterion's points, by kind (``max`` is the criterion's maximum):

- ``target``: max x min(attainment, cap), attainment as for flat targets
  (at_least: actual / value; at_most: value / actual, an actual of 0 or less
  earning the cap), floored at 0; a qualitative target's entry is the points
  given, 0..max;
- ``pass_fail``: max when met, else 0;
- ``per_item``: points each x count, at most max;
- ``bonus``: points each x count, at most max, added after the group's cap;
- ``penalty``: points each x count, at most max, taken away after the group's cap.

A group's points are its target, pass_fail and per_item points, capped at the
group's maximum, plus its bonuses, minus its penalties. The total is the sum of
the groups, rounded half-up to 2 places: the only rounding (criteria and groups
are shown rounded the same way, from their exact values). Every number counts
as the decimal it was written as (ADR 4). A criterion with no entry earns 0 and
is listed as missing, except a bonus or penalty: none given is none earned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Protocol

from app.domain import errors
from app.domain.criteria import Criterion, Entry
from app.domain.sheet import COUNTED_KINDS, OUTSIDE_CAP_KINDS, ScoreSheet, points

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_EXACT = Context(prec=28, rounding=ROUND_HALF_EVEN)
MAX_COUNT = 1_000_000


class TargetTerms(Protocol):
    """What scoring reads of a pact's target (app.domain.pact.Target)."""

    @property
    def kind(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def value(self) -> float | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionPoints:
    code: str
    kind: str
    points: Decimal  # exact; a penalty's are 0 or less
    missing: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupPoints:
    code: str
    points: Decimal  # exact: capped scored points + bonuses - penalties
    capped: bool  # the scored points were more than the group's maximum


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetScore:
    total: Decimal  # rounded half-up to 2 places
    groups: tuple[GroupPoints, ...]
    criteria: tuple[CriterionPoints, ...]
    missing: tuple[str, ...]


def round_points(value: Decimal) -> Decimal:
    """Half-up to 2 places: 2.845 -> 2.85, -2.845 -> -2.85."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def attainment(target: TargetTerms, actual: Decimal, cap: Decimal) -> Decimal:
    """A quantitative target's attainment, in [0, cap]."""
    value = points(target.value or 0.0)
    if target.direction != "at_most":
        return min(max(actual / value, _ZERO), cap)
    return cap if actual <= 0 else min(value / actual, cap)


def criterion_points(criterion: Criterion, entry: Entry, target: TargetTerms | None, cap: Decimal) -> Decimal:
    """One criterion's exact points from a checked entry; a penalty's are negative."""
    maximum = points(criterion.max_points)
    if criterion.kind == "target":
        assert target is not None and entry.value is not None
        actual = points(entry.value)
        if target.kind == "qualitative":
            return min(max(actual, _ZERO), maximum)
        return maximum * attainment(target, actual, cap)
    if criterion.kind == "pass_fail":
        return maximum if entry.passed else _ZERO
    assert criterion.points_each is not None and entry.count is not None
    earned = min(points(criterion.points_each) * entry.count, maximum)
    return -earned if criterion.kind == "penalty" else earned


def score(sheet: ScoreSheet, targets: Mapping[str, TargetTerms], entries: Iterable[Entry]) -> SheetScore:
    """A unit's points on ``sheet`` from checked entries (see ``check_entries``)."""
    by_code = {entry.criterion_code: entry for entry in entries}
    cap = points(sheet.attainment_cap)
    criteria: list[CriterionPoints] = []
    groups: list[GroupPoints] = []
    with localcontext(_EXACT):
        for group in sheet.groups:
            scored = outside = _ZERO
            for criterion in group.criteria:
                entry = by_code.get(criterion.code)
                outside_cap = criterion.kind in OUTSIDE_CAP_KINDS
                if entry is None:
                    criteria.append(
                        CriterionPoints(
                            code=criterion.code, kind=criterion.kind, points=_ZERO, missing=not outside_cap
                        )
                    )
                    continue
                earned = criterion_points(criterion, entry, targets.get(criterion.target_code or ""), cap)
                criteria.append(CriterionPoints(code=criterion.code, kind=criterion.kind, points=earned))
                if outside_cap:
                    outside += earned
                else:
                    scored += earned
            maximum = points(group.max_points)
            capped = scored > maximum
            groups.append(GroupPoints(code=group.code, points=min(scored, maximum) + outside, capped=capped))
        total = round_points(sum((g.points for g in groups), _ZERO))
    missing = tuple(c.code for c in criteria if c.missing)
    return SheetScore(total=total, groups=tuple(groups), criteria=tuple(criteria), missing=missing)


def check_targets(sheet: ScoreSheet, targets: Mapping[str, object], pact_id: str) -> None:
    """Every target criterion of the sheet names a target of the pact."""
    for criterion in sheet.criteria():
        if criterion.kind == "target" and criterion.target_code not in targets:
            raise errors.UnknownTarget(
                f"criterion {criterion.code} of score sheet {sheet.code} (version {sheet.version}) "
                f"scores target {criterion.target_code}, which pact {pact_id} does not have"
            )


def check_entries(sheet: ScoreSheet, targets: Mapping[str, TargetTerms], entries: Iterable[Entry]) -> None:
    """Each entry names a criterion of the sheet once and gives what its kind needs."""
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"entries.{i}"
        criterion = sheet.criterion(entry.criterion_code)
        if criterion is None:
            raise errors.InvalidValue(
                f"{where}.criterion_code",
                f"score sheet {sheet.code} (version {sheet.version}) has no criterion {entry.criterion_code}",
            )
        if entry.criterion_code in seen:
            raise errors.InvalidValue(f"{where}.criterion_code", f"{entry.criterion_code} is given twice")
        seen.add(entry.criterion_code)
        _check_entry(criterion, entry, targets.get(criterion.target_code or ""), where)


def _check_entry(criterion: Criterion, entry: Entry, target: TargetTerms | None, where: str) -> None:
    kind = criterion.kind
    given = {"value": entry.value, "count": entry.count, "passed": entry.passed}
    needed = "value" if kind == "target" else "passed" if kind == "pass_fail" else "count"
    for name, value in given.items():
        if name != needed and value is not None:
            raise errors.InvalidValue(f"{where}.{name}", f"a {kind} criterion takes {needed}, not {name}")
    if given[needed] is None:
        raise errors.InvalidValue(f"{where}.{needed}", f"a {kind} criterion needs {needed}")
    if kind == "target":
        assert entry.value is not None
        if not math.isfinite(entry.value):
            raise errors.InvalidValue(f"{where}.value", "must be a finite number")
        if (
            target is not None
            and target.kind == "qualitative"
            and not 0 <= entry.value <= criterion.max_points
        ):
            raise errors.InvalidValue(
                f"{where}.value", f"a qualitative target gives points from 0 to {criterion.max_points:g}"
            )
    elif kind in COUNTED_KINDS:
        count = entry.count
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            raise errors.InvalidValue(f"{where}.count", f"must be a whole number from 0 to {MAX_COUNT}")
    elif type(entry.passed) is not bool:
        raise errors.InvalidValue(f"{where}.passed", "must be true or false")
