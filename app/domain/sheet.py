"""Score sheets (bảng chấm điểm) as versioned data: one stream per sheet code.

A sheet has ordered groups of criteria, each with maximum points; it is valid
from a date (to a date, or open-ended), carries the tolerance (points) beyond
which a cross-grade that differs from the self-assessment needs an explanation,
and the attainment cap of its ``target`` criteria. Creating a sheet publishes
version 1; every change publishes the next version, whole. A pact keeps the
version it adopted, so a revision never changes a score already given.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from app.domain import commands as c
from app.domain import errors
from app.domain.aggregate import Aggregate
from app.domain.criteria import Criterion, SheetVersion
from app.domain.events import Event, ScoreSheetPublished

CRITERION_KINDS = ("target", "pass_fail", "per_item", "bonus", "penalty")
# Kinds scored as points each times a count.
COUNTED_KINDS = ("per_item", "bonus", "penalty")
# Kinds added or taken away after the groups are capped.
OUTSIDE_CAP_KINDS = ("bonus", "penalty")
MAX_POINTS = 1_000_000.0


def points(value: float | int) -> Decimal:
    """The decimal a number was written as (its shortest repr): 2.85 stays 2.85."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreSheet(SheetVersion):
    """One version of a sheet."""

    def criteria(self) -> Iterator[Criterion]:
        for group in self.groups:
            yield from group.criteria

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria() if c.code == code), None)

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the sheet is valid on some day from ``first`` to ``last``."""
        return self.valid_from <= last and (self.valid_to is None or first <= self.valid_to)


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetVersions:
    """A sheet's stream: every version published, the latest last."""

    code: str
    versions: tuple[ScoreSheet, ...]

    @property
    def latest(self) -> ScoreSheet:
        return self.versions[-1]

    def version(self, number: int) -> ScoreSheet | None:
        return self.versions[number - 1] if 1 <= number <= len(self.versions) else None


# A version holds its event's fields, by name.
_FIELDS = tuple(f.name for f in fields(SheetVersion))


def create(existing: SheetVersions | None, cmd: c.CreateScoreSheet) -> list[Event]:
    if existing is not None:
        raise errors.AlreadyExists(f"score sheet {cmd.code} already exists; revise it for a new version")
    return [_published(cmd, 1)]


def revise(existing: SheetVersions | None, cmd: c.ReviseScoreSheet) -> list[Event]:
    if existing is None:
        raise errors.NotFound(f"no score sheet {cmd.code}")
    event = _published(cmd, len(existing.versions) + 1)
    if _content(event) == _content(_published_of(existing.latest)):
        raise errors.RuleViolated(
            f"score sheet {cmd.code} version {existing.latest.version} already says this; nothing to revise"
        )
    return [event]


def _published(cmd: c.CreateScoreSheet, version: int) -> ScoreSheetPublished:
    _check(cmd)
    return ScoreSheetPublished(
        code=cmd.code,
        version=version,
        title=cmd.title,
        legal_basis=cmd.legal_basis,
        valid_from=cmd.valid_from,
        valid_to=cmd.valid_to,
        tolerance=cmd.tolerance,
        attainment_cap=cmd.attainment_cap,
        groups=cmd.groups,
    )


def _published_of(sheet: ScoreSheet) -> ScoreSheetPublished:
    return ScoreSheetPublished(**{name: getattr(sheet, name) for name in _FIELDS})


def _content(event: ScoreSheetPublished) -> tuple[object, ...]:
    return (event.title, event.legal_basis, event.valid_from, event.valid_to) + (
        points(event.tolerance),
        points(event.attainment_cap),
        event.groups,
    )


def _finite_in(field: str, value: float, low: float, high: float, low_open: bool = True) -> None:
    if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
        bound = "greater than" if low_open else "at least"
        raise errors.InvalidValue(field, f"must be {bound} {low:g} and at most {high:g}")


def _check(cmd: c.CreateScoreSheet) -> None:
    if cmd.valid_to is not None and cmd.valid_to < cmd.valid_from:
        raise errors.InvalidValue("valid_to", "is before valid_from")
    _finite_in("tolerance", cmd.tolerance, 0.0, MAX_POINTS, low_open=False)
    _finite_in("attainment_cap", cmd.attainment_cap, 1.0, 2.0, low_open=False)
    if not cmd.groups:
        raise errors.InvalidValue("groups", "a sheet needs at least one group")
    seen: dict[str, str] = {}
    for g, group in enumerate(cmd.groups):
        where = f"groups.{g}"
        _unique(seen, group.code, f"{where}.code")
        _finite_in(f"{where}.max_points", group.max_points, 0.0, MAX_POINTS)
        if not group.criteria:
            raise errors.InvalidValue(f"{where}.criteria", "a group needs at least one criterion")
        for i, criterion in enumerate(group.criteria):
            _check_criterion(criterion, f"{where}.criteria.{i}")
            _unique(seen, criterion.code, f"{where}.criteria.{i}.code")
        total = sum((points(c.max_points) for c in group.criteria), Decimal(0))
        if total > points(group.max_points):
            raise errors.InvalidValue(
                f"{where}.max_points",
                f"the maxima of group {group.code}'s criteria add up to {total:f}, "
                f"more than the group's maximum {points(group.max_points):f}",
            )


def _unique(seen: dict[str, str], code: str, field: str) -> None:
    if not code:
        raise errors.InvalidValue(field, "must not be empty")
    if code in seen:
        raise errors.InvalidValue(field, f"{code} is already the code of {seen[code]}")
    seen[code] = field.removesuffix(".code")


def _check_criterion(criterion: Criterion, where: str) -> None:
    kind = criterion.kind
    if kind not in CRITERION_KINDS:
        raise errors.InvalidValue(f"{where}.kind", f"must be one of {', '.join(CRITERION_KINDS)}")
    _finite_in(f"{where}.max_points", criterion.max_points, 0.0, MAX_POINTS)
    if kind == "target" and not criterion.target_code:
        raise errors.InvalidValue(
            f"{where}.target_code", "a target criterion names one of the pact's targets"
        )
    if kind != "target" and criterion.target_code is not None:
        raise errors.InvalidValue(f"{where}.target_code", f"only a target criterion has one, not a {kind}")
    if kind in COUNTED_KINDS:
        if criterion.points_each is None:
            raise errors.InvalidValue(f"{where}.points_each", f"a {kind} criterion gives points each")
        _finite_in(f"{where}.points_each", criterion.points_each, 0.0, MAX_POINTS)
    elif criterion.points_each is not None:
        raise errors.InvalidValue(f"{where}.points_each", f"a {kind} criterion gives no points each")


SHEET: Aggregate[SheetVersions] = Aggregate("sheet", SheetVersions)
apply = SHEET.apply


@apply.register
def _(event: ScoreSheetPublished, state: SheetVersions | None) -> SheetVersions:
    sheet = ScoreSheet(**{name: getattr(event, name) for name in _FIELDS})
    return SheetVersions(code=event.code, versions=(*(state.versions if state else ()), sheet))
