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
class Unit:
    id: str
    name: str
    province: str
    merged_into: str | None = None
    merged_on: date | None = None

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
    return Unit(event.id, event.name, event.province)


@apply.register
def _(event: e.UnitRenamed, state: Unit) -> Unit:
    return evolve(state, name=event.name, province=event.province)


@apply.register
def _(event: e.UnitMerged, state: Unit) -> Unit:
    return evolve(state, merged_into=event.into, merged_on=event.effective_on)
