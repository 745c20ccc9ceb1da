"""Given-events helpers for scoring by score sheet: the worked example of issue 14.

Group I (max 60): I.1 IIP growth >= 8.0 %, max 30; I.2 exports >= 3.50 tỷ USD,
max 30. Group II (max 20): 2 points per on-time report. Bonus III: 2.5 per
initiative, max 5. Penalty IV: 2 per late report, max 10.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain import assessment, sheet
from app.domain import commands as c
from app.domain import events as e
from app.domain.criteria import Criterion, CriterionGroup, Entry
from tests.unit.builders import HA_TINH, PACT_ID, a_pact, fold, target_set

SHEET_CODE = "btb-bang-diem"
TODAY = date(2023, 1, 20)
ON = date(2023, 1, 10)  # the year-end review of 2022

IIP = target_set("IIP", title="Tăng trưởng chỉ số sản xuất công nghiệp", measure="%", value=8.0)
EXPORTS = target_set("XK", title="Kim ngạch xuất khẩu", measure="tỷ USD", value=3.5)

GROUPS = (
    CriterionGroup(
        code="I",
        title="Chỉ tiêu chuyên môn",
        max_points=60.0,
        criteria=(
            Criterion(code="I.1", title="Tăng trưởng IIP", kind="target", max_points=30.0, target_code="IIP"),
            Criterion(
                code="I.2", title="Kim ngạch xuất khẩu", kind="target", max_points=30.0, target_code="XK"
            ),
        ),
    ),
    CriterionGroup(
        code="II",
        title="Công tác thi đua, báo cáo",
        max_points=20.0,
        criteria=(
            Criterion(
                code="II.1", title="Báo cáo đúng hạn", kind="per_item", max_points=20.0, points_each=2.0
            ),
        ),
    ),
    CriterionGroup(
        code="III",
        title="Điểm thưởng",
        max_points=5.0,
        criteria=(Criterion(code="III.1", title="Sáng kiến", kind="bonus", max_points=5.0, points_each=2.5),),
    ),
    CriterionGroup(
        code="IV",
        title="Điểm trừ",
        max_points=10.0,
        criteria=(
            Criterion(code="IV.1", title="Báo cáo chậm", kind="penalty", max_points=10.0, points_each=2.0),
        ),
    ),
)


def create_sheet(**overrides: Any) -> c.CreateScoreSheet:
    fields: dict[str, Any] = dict(
        code=SHEET_CODE,
        title="Bảng chấm điểm thi đua Cụm Bắc Trung Bộ",
        legal_basis="Quy chế hoạt động của Cụm thi đua (ví dụ)",
        valid_from=date(2022, 1, 1),
        valid_to=None,
        tolerance=2.0,
        attainment_cap=1.0,
        groups=GROUPS,
    )
    fields.update(overrides)
    return c.CreateScoreSheet(**fields)


def revision(**changes: Any) -> c.ReviseScoreSheet:
    """The example sheet, revised with ``changes``."""
    fields = {name: getattr(create_sheet(), name) for name in c.CreateScoreSheet.__dataclass_fields__}
    return c.ReviseScoreSheet(**{**fields, **changes})


def a_sheet(**overrides: Any) -> sheet.ScoreSheet:
    return fold(sheet.apply, sheet.create(None, create_sheet(**overrides))).latest


def the_example_entries(iip: float = 9.2, exports: float = 3.15, on_time: int = 9) -> tuple[Entry, ...]:
    return (
        Entry(criterion_code="I.1", value=iip, evidence="Báo cáo tổng kết năm 2022"),
        Entry(criterion_code="I.2", value=exports),
        Entry(criterion_code="II.1", count=on_time),
        Entry(criterion_code="III.1", count=3, evidence="3 sáng kiến được công nhận"),
        Entry(criterion_code="IV.1", count=1),
    )


def a_scored_pact(*later: e.Event) -> Any:
    """The 2022 pact with the two targets the example sheet scores."""
    return a_pact(IIP, EXPORTS, *later)


def self_assessed(unit_id: str = HA_TINH, entries: tuple[Entry, ...] | None = None) -> e.SelfAssessed:
    return e.SelfAssessed(unit_id=unit_id, entries=entries or the_example_entries(), submitted_on=ON)


def adopted(version: int = 1) -> e.ScoreSheetAdopted:
    return e.ScoreSheetAdopted(pact_id=PACT_ID, sheet_code=SHEET_CODE, version=version, adopted_on=ON)


def assessments(*events: e.Event) -> assessment.Assessments:
    """The example pact's assessment stream: the sheet adopted, then ``events``."""
    return fold(assessment.apply, [adopted(), *events])
