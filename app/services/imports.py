"""A year's results in one import: every row checked before anything is written.

The rows go to ``MessageBus.handle_many``: one transaction, in which each row
meets the rules a single result meets, under the write lock, before the one
commit; any refusal rolls all of it back. When a row is refused, every row is
then checked against the pact as it stands (app.domain.results.check_rows),
so that the answer names every bad row, not only the first. A dry run, and an
import with rows that could not even be read, are only checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple, TypeVar

from app.domain import commands as c
from app.domain import errors, results
from app.domain.pact import PACT
from app.services.handlers import today
from app.services.unit_of_work import UnitOfWork

R = TypeVar("R")


class Imported(NamedTuple):
    """The pact after an import (or as it stands, after a dry run)."""

    pact_id: str
    version: int
    position: int | None
    recorded: int


def check(
    uow_factory: Callable[[], UnitOfWork], pact_id: str, rows: Sequence[tuple[int, c.RecordResult]]
) -> tuple[int, list[errors.RowError]]:
    """The pact's current version, and every row's failure (none: all may be written).

    Unknown pact: NotFound; a closed pact: PactIsClosed (not a row's fault)."""
    with uow_factory() as uow:
        state = uow.get(PACT, pact_id)
        return uow.version(PACT, pact_id), results.check_rows(state, rows, today())


def dry_run(
    uow_factory: Callable[[], UnitOfWork],
    pact_id: str,
    rows: Sequence[tuple[int, c.RecordResult]],
    *,
    total: int,
    bad: Sequence[errors.RowError] = (),
    expected_version: int | None = None,
) -> Imported:
    """Check every row and write nothing: the pact as it stands, or InvalidRows naming
    every bad row. ``bad`` are the failures of the rows that could not even be read
    (``total`` rows in all); they are answered together with the rule failures."""
    version, found = check(uow_factory, pact_id, rows)
    if expected_version is not None and expected_version != version:
        raise errors.VersionConflict(PACT.stream_id(pact_id), expected_version, version)
    if bad or found:
        raise errors.InvalidRows([*bad, *found], total)
    return Imported(pact_id, version, None, 0)


def import_results(
    record: Callable[[list[c.Command]], R],
    uow_factory: Callable[[], UnitOfWork],
    pact_id: str,
    rows: Sequence[tuple[int, c.RecordResult]],
    *,
    total: int,
    expected_version: int | None = None,
) -> R:
    """Record every row in one transaction: ``record(commands)`` is the bus's
    ``handle_many`` (through the API's exactly-once write), and its answer is returned.

    ``expected_version`` is the pact's version the client expects before the import."""
    commands: list[c.Command] = [cmd for _, cmd in rows]
    if expected_version is not None and commands:
        # The pact's version before the import: the first command's precondition.
        commands[0] = replace(rows[0][1], expected_version=expected_version)
    try:
        # Every row's rules are checked before the one commit: a refusal writes nothing.
        return record(commands)
    except (errors.InvalidValue, errors.RuleViolated) as refused:
        # A row broke a rule: name every bad row, not only this first one.
        _, found = check(uow_factory, pact_id, rows)
        if found:
            raise errors.InvalidRows(found, total) from refused
        raise  # not a row's fault (a concurrent change): the one problem as it is
