"""A small world for the key and retry tests, written through the bus as the system.

Three North Central departments in one cluster, a fourth department in another
cluster, and the 2022 pact of the first cluster with one target.
"""

from __future__ import annotations

from datetime import date

from app.domain import commands as c

CLUSTER, OTHER_CLUSTER = "bac-trung-bo", "dong-bang-song-hong"
UNITS = {"ha-tinh": "Hà Tĩnh", "nghe-an": "Nghệ An", "thanh-hoa": "Thanh Hóa", "hung-yen": "Hưng Yên"}
MEMBERS = ("ha-tinh", "nghe-an", "thanh-hoa")
PACT, TARGET = "btb-2022", "T1"
FORMED_ON = date(2000, 1, 1)


def build(bus) -> None:
    commands: list[c.Command] = [
        c.RegisterUnit(id=u, name=f"Sở Công Thương {p}", province=p, registered_on=FORMED_ON)
        for u, p in UNITS.items()
    ]
    commands += [
        c.FormCluster(
            id=CLUSTER, name="Cụm Bắc Trung Bộ", region="Bắc Trung Bộ", members=MEMBERS, formed_on=FORMED_ON
        ),
        c.FormCluster(
            id=OTHER_CLUSTER,
            name="Cụm 2",
            region="Đồng bằng sông Hồng",
            members=("hung-yen",),
            formed_on=FORMED_ON,
        ),
        propose(PACT, 2022),
        target(PACT),
    ]
    bus.handle_many(commands)


def propose(pact_id: str, year: int, cluster: str = CLUSTER) -> c.ProposePact:
    return c.ProposePact(
        id=pact_id,
        cluster_id=cluster,
        title=f"Giao ước thi đua năm {year}",
        theme="",
        year=year,
        period_start=None,
        period_end=None,
        content_items=(),
        proposed_on=date(year, 1, 10),
    )


def target(pact_id: str, code: str = TARGET) -> c.SetTarget:
    return c.SetTarget(
        pact_id=pact_id,
        code=code,
        title="Hoàn thành kế hoạch",
        kind="quantitative",
        measure="%",
        direction="at_least",
        value=100,
        weight=10,
    )


def result(unit_id: str = "ha-tinh", value: float = 97.5, pact_id: str = PACT) -> c.RecordResult:
    return c.RecordResult(
        pact_id=pact_id,
        unit_id=unit_id,
        target_code=TARGET,
        value=value,
        reported_on=date(2022, 12, 15),
        source="Báo cáo tổng kết",
    )


def result_body(unit_id: str = "ha-tinh", value: float = 97.5) -> dict:
    return {
        "unit_id": unit_id,
        "target_code": TARGET,
        "value": value,
        "reported_on": "2022-12-15",
        "source": "Báo cáo tổng kết",
    }
