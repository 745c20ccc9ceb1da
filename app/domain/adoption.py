"""The score sheet a pact is scored by (``score_sheet``): one version, fixed from the first assessment."""

from __future__ import annotations

from datetime import date

from app.domain import commands as c
from app.domain import errors
from app.domain.assessment import Assessments, SheetRef
from app.domain.events import Event, ScoreSheetAdopted
from app.domain.pact import Pact
from app.domain.sheet import ScoreSheet, SheetVersions
from app.domain.sheet_scoring import check_targets


def chosen_version(
    sheets: SheetVersions | None, code: str, version: int | None, field: str = "sheet_code"
) -> ScoreSheet:
    """The sheet's ``version``, or its latest when None; ``field`` is the request's name for the sheet."""
    if sheets is None:
        raise errors.InvalidValue(field, f"no score sheet {code}")
    if version is None:
        return sheets.latest
    chosen = sheets.version(version)
    if chosen is None:
        raise errors.InvalidValue(
            "version", f"score sheet {code} has versions 1 to {len(sheets.versions)}, not {version}"
        )
    return chosen


def check_fits(pact: Pact, sheet: ScoreSheet, field: str = "sheet_code") -> None:
    """The sheet is valid during the pact's years."""
    first, last = pact.years
    if not sheet.overlaps(date(first, 1, 1), date(last, 12, 31)):
        until = sheet.valid_to.isoformat() if sheet.valid_to else "on"
        covered = str(first) if first == last else f"{first}-{last}"
        raise errors.InvalidValue(
            field,
            f"score sheet {sheet.code} version {sheet.version} is valid from "
            f"{sheet.valid_from.isoformat()} {'to ' if sheet.valid_to else ''}{until}, not during {covered}",
        )


def adopt(
    pact: Pact,
    sheets: SheetVersions | None,
    state: Assessments | None,
    cmd: c.AdoptScoreSheet,
    *,
    field: str = "sheet_code",
    targets_later: bool = False,
) -> list[Event]:
    """``state``: the pact's assessment stream; ``field``: the request's name for the sheet.
    Every target criterion must name a target of the pact: set the targets before adopting
    the sheet, unless the pact is being proposed with it (``targets_later``): then each
    stage checks them."""
    pact.ensure_open()
    sheet = chosen_version(sheets, cmd.sheet_code, cmd.version, field)
    adopted = state.sheet if state else None
    if state is not None and state.started:
        raise errors.AssessmentStarted(
            f"pact {pact.id} is being assessed on score sheet {adopted.code if adopted else '?'}"
            f" version {adopted.version if adopted else '?'}: its sheet can no longer change"
        )
    if adopted == SheetRef(code=sheet.code, version=sheet.version):
        raise errors.RuleViolated(f"pact {pact.id} is already scored by {sheet.code} version {sheet.version}")
    if cmd.adopted_on < pact.proposed_on:
        raise errors.DateOutOfOrder("adopted_on is before the pact was proposed")
    check_fits(pact, sheet, field)
    if not targets_later:
        check_targets(sheet, pact.targets, pact.id)
    return [
        ScoreSheetAdopted(
            pact_id=pact.id, sheet_code=sheet.code, version=sheet.version, adopted_on=cmd.adopted_on
        )
    ]
