"""A Department of Industry and Trade (Sở Công Thương) and its lineage over mergers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.aggregate import Aggregate
from app.domain.state import evolve


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A name the unit bore from ``valid_from`` (None: since it was registered)."""

    name: str
    province: str
    valid_from: date | None


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    province: str
    merged_into: str | None = None
    merged_on: date | None = None
    merged_basis: str | None = None
    names: tuple[NameSpan, ...] = ()

    def name_on(self, day: date | None) -> NameSpan:
        """The name the unit bore on ``day`` (its first one before it was registered)."""
        spans = self.names or (NameSpan(self.name, self.province, None),)
        if day is None:
            return spans[-1]
        chosen = spans[0]
        for span in spans[1:]:
            if span.valid_from is not None and span.valid_from <= day:
                chosen = span
        return chosen

    def active_on(self, day: date) -> bool:
        """A merged unit takes part in nothing dated on or after the merger."""
        return self.merged_on is None or day < self.merged_on

    def ensure_active_on(self, day: date, doing: str) -> None:
        if not self.active_on(day):
            raise errors.UnitMergedAway(
                f"unit {self.id} was merged into {self.merged_into} on "
                f"{self.merged_on}; it cannot {doing} on {day.isoformat()}"
            )


def register(existing: Unit | None, cmd: c.RegisterUnit) -> list[e.Event]:
    if existing is not None:
        raise errors.AlreadyExists(f"unit {cmd.id} is already registered")
    return [
        e.UnitRegistered(id=cmd.id, name=cmd.name, province=cmd.province, registered_on=cmd.registered_on)
    ]


def rename(unit: Unit, cmd: c.RenameUnit) -> list[e.Event]:
    unit.ensure_active_on(cmd.effective_on, "be renamed")
    if (unit.name, unit.province) == (cmd.name, cmd.province):
        raise errors.RuleViolated(f"unit {unit.id} already has that name and province")
    return [e.UnitRenamed(name=cmd.name, province=cmd.province, effective_on=cmd.effective_on)]


def merge(unit: Unit, successor: Unit, cmd: c.MergeUnit) -> list[e.Event]:
    if unit.id == successor.id:
        raise errors.InvalidValue("into", "a unit cannot merge into itself")
    if unit.merged_on is not None:
        raise errors.UnitMergedAway(f"unit {unit.id} was already merged into {unit.merged_into}")
    successor.ensure_active_on(cmd.effective_on, "absorb another unit")
    return [e.UnitMerged(into=successor.id, effective_on=cmd.effective_on, legal_basis=cmd.legal_basis)]


UNIT: Aggregate[Unit] = Aggregate("unit", Unit)
apply = UNIT.apply


@apply.register
def _(event: e.UnitRegistered, state: Unit | None) -> Unit:
    first = NameSpan(event.name, event.province, event.registered_on)
    return Unit(event.id, event.name, event.province, names=(first,))


@apply.register
def _(event: e.UnitRenamed, state: Unit) -> Unit:
    span = NameSpan(event.name, event.province, event.effective_on)
    return evolve(state, name=event.name, province=event.province, names=(*state.names, span))


@apply.register
def _(event: e.UnitMerged, state: Unit) -> Unit:
    return evolve(state, merged_into=event.into, merged_on=event.effective_on, merged_basis=event.legal_basis)
