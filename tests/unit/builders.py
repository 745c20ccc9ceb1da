"""Given-events helpers: build domain state by folding events, as the store would.

Units are the six Departments of Industry and Trade (Sở Công Thương) of the
North Central cluster in the seed articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from app.domain import cluster, pact, unit
from app.domain import events as e

THANH_HOA = "thanh-hoa"
NGHE_AN = "nghe-an"
HA_TINH = "ha-tinh"
QUANG_BINH = "quang-binh"
QUANG_TRI = "quang-tri"
HUE = "thua-thien-hue"

PROVINCES = {
    THANH_HOA: "Thanh Hóa",
    NGHE_AN: "Nghệ An",
    HA_TINH: "Hà Tĩnh",
    QUANG_BINH: "Quảng Bình",
    QUANG_TRI: "Quảng Trị",
    HUE: "Thừa Thiên Huế",
}
NORTH_CENTRAL = tuple(PROVINCES)

CLUSTER_ID = "bac-trung-bo"
CLUSTER_FORMED_ON = date(2012, 1, 1)
PACT_ID = "giao-uoc-2022"
PROPOSED_ON = date(2022, 5, 13)  # the 10th conference, hosted by Thanh Hóa
MERGER_DAY = date(2025, 7, 1)  # Resolution 202/2025/QH15


def fold(apply: Callable[[Any, Any], Any], events: Iterable[e.Event], state: Any = None) -> Any:
    for event in events:
        state = apply(event, state)
    return state


# --- units -------------------------------------------------------------------


def unit_registered(unit_id: str) -> e.UnitRegistered:
    province = PROVINCES[unit_id]
    return e.UnitRegistered(
        id=unit_id, name=f"Sở Công Thương {province}", province=province, registered_on=CLUSTER_FORMED_ON
    )


def quang_binh_merged() -> e.UnitMerged:
    return e.UnitMerged(into=QUANG_TRI, effective_on=MERGER_DAY, legal_basis="Nghị quyết 202/2025/QH15")


def a_unit(unit_id: str, *later: e.Event) -> unit.Unit:
    return fold(unit.apply, [unit_registered(unit_id), *later])


# --- clusters ----------------------------------------------------------------


def cluster_formed(
    members: tuple[str, ...] = NORTH_CENTRAL, formed_on: date = CLUSTER_FORMED_ON
) -> e.ClusterFormed:
    return e.ClusterFormed(
        id=CLUSTER_ID,
        name="Cụm thi đua các Sở Công Thương Bắc Trung Bộ",
        region="Bắc Trung Bộ",
        members=members,
        formed_on=formed_on,
    )


def a_cluster(*later: e.Event, formed: e.ClusterFormed | None = None) -> cluster.Cluster:
    return fold(cluster.apply, [formed or cluster_formed(), *later])


# --- pacts -------------------------------------------------------------------


def pact_proposed(**overrides: Any) -> e.PactProposed:
    fields: dict[str, Any] = dict(
        id=PACT_ID,
        cluster_id=CLUSTER_ID,
        title="Giao ước thi đua năm 2022",
        theme="Đoàn kết, hợp tác, phát triển",
        year=2022,
        period_start=None,
        period_end=None,
        content_items=("Hoàn thành kế hoạch năm", "Hợp tác phát triển công thương"),
        parties=NORTH_CENTRAL,
        proposed_on=PROPOSED_ON,
        attainment_cap=1.0,
    )
    fields.update(overrides)
    return e.PactProposed(**fields)


def signed(unit_id: str, on: date = PROPOSED_ON) -> e.PactSigned:
    return e.PactSigned(
        unit_id=unit_id, signed_by=f"Giám đốc Sở Công Thương {PROVINCES[unit_id]}", signed_on=on
    )


def signed_by_all(parties: tuple[str, ...] = NORTH_CENTRAL) -> list[e.PactSigned]:
    return [signed(u) for u in parties]


def target_set(code: str = "KH", **overrides: Any) -> e.TargetSet:
    fields: dict[str, Any] = dict(
        code=code,
        title="Hoàn thành kế hoạch năm",
        kind="quantitative",
        measure="%",
        direction="at_least",
        value=100.0,
        weight=10.0,
        applies_to=None,
        set_on=PROPOSED_ON,
    )
    fields.update(overrides)
    return e.TargetSet(**fields)


def result_recorded(unit_id: str, code: str, value: float, on: date = date(2022, 12, 31)) -> e.ResultRecorded:
    return e.ResultRecorded(
        unit_id=unit_id,
        target_code=code,
        value=value,
        reported_as=None,
        reported_on=on,
        source="Báo cáo tổng kết năm 2022",
    )


def a_pact(*later: e.Event, proposed: e.PactProposed | None = None) -> pact.Pact:
    return fold(pact.apply, [proposed or pact_proposed(), *later])
