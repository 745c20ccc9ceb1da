"""Results (kết quả) of a pact: recorded one by one or a year at a time, and withdrawn.

A result's date is a business date: not before the pact was proposed, and not
more than a day after the server's today (a day of slack covers the time zones
between the server's clock and a department reporting at midnight, UTC+7).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from app.domain import commands as c
from app.domain import errors
from app.domain import events as e
from app.domain.pact import Pact

FUTURE_SLACK = timedelta(days=1)


def _check_date(pact: Pact, field: str, day: date, today: date) -> None:
    if day < pact.proposed_on:
        raise errors.InvalidValue(
            field, f"{day.isoformat()} is before the pact was proposed ({pact.proposed_on.isoformat()})"
        )
    if day > today + FUTURE_SLACK:
        raise errors.InvalidValue(field, f"{day.isoformat()} is more than a day in the future")


def record_result(pact: Pact, cmd: c.RecordResult, today: date) -> list[e.Event]:
    pact.ensure_open()
    if not math.isfinite(cmd.value):
        raise errors.InvalidValue("value", "must be a finite number")
    target = pact.targets.get(cmd.target_code)
    if target is None:
        raise errors.UnknownTarget(f"pact {pact.id} has no target {cmd.target_code}")
    pact.ensure_party(cmd.unit_id)
    if not target.applies(cmd.unit_id):
        raise errors.TargetDoesNotApply(f"target {target.code} does not apply to unit {cmd.unit_id}")
    if target.kind == "qualitative" and not 0 <= cmd.value <= target.weight:
        raise errors.InvalidValue(
            "value", f"a qualitative result gives points from 0 to the weight {target.weight:g}"
        )
    _check_date(pact, "reported_on", cmd.reported_on, today)
    return [
        e.ResultRecorded(
            unit_id=cmd.unit_id,
            target_code=cmd.target_code,
            value=cmd.value,
            reported_as=cmd.reported_as,
            reported_on=cmd.reported_on,
            source=cmd.source,
            note=cmd.note,
        )
    ]


def withdraw_result(pact: Pact, cmd: c.WithdrawResult, today: date) -> list[e.Event]:
    """The unit's result for the target is withdrawn: the target is missing again."""
    pact.ensure_open()
    current = pact.results.get((cmd.unit_id, cmd.target_code))
    if current is None:
        raise errors.NoResult(f"unit {cmd.unit_id} has no result for target {cmd.target_code} to withdraw")
    if cmd.withdrawn_on < current.reported_on:
        raise errors.DateOutOfOrder(
            f"withdrawn_on is before the result was reported ({current.reported_on.isoformat()})"
        )
    _check_date(pact, "withdrawn_on", cmd.withdrawn_on, today)
    return [
        e.ResultWithdrawn(
            unit_id=cmd.unit_id,
            target_code=cmd.target_code,
            reason=cmd.reason,
            withdrawn_on=cmd.withdrawn_on,
        )
    ]


# The request field each rule of record_result is about.
_FIELD_OF = {
    errors.UnknownTarget: "target_code",
    errors.TargetDoesNotApply: "target_code",
    errors.NotAMember: "unit_id",
}


def check_rows(pact: Pact, rows: Sequence[tuple[int, c.RecordResult]], today: date) -> list[errors.RowError]:
    """Every failure of a year's import, each with its row: the rules of
    ``record_result`` for each row, and one result per unit and target.

    ``rows`` are (row number, command). A closed pact is not a row's fault: it
    raises PactIsClosed, as one result would.
    """
    pact.ensure_open()
    found: list[errors.RowError] = []
    first_row: dict[tuple[str, str], int] = {}
    for row, cmd in rows:
        try:
            record_result(pact, cmd, today)
        except errors.InvalidValue as error:
            found.append(errors.RowError(row, error.field, error.reason))
            continue
        except errors.RuleViolated as error:
            found.append(errors.RowError(row, _FIELD_OF.get(type(error), "row"), error.detail))
            continue
        key = (cmd.unit_id, cmd.target_code)
        earlier = first_row.setdefault(key, row)
        if earlier != row:
            found.append(
                errors.RowError(
                    row,
                    "target_code",
                    f"row {earlier} already has a result of unit {cmd.unit_id} for target "
                    f"{cmd.target_code}: one result per unit and target in an import",
                )
            )
    return found
