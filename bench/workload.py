"""The shape of the work, shared by both sides.

A cluster has 6 member units. Each pact is one cluster-year: proposed, signed by
the 6 members, 10 targets set, 60 results recorded (6 units x 10 targets), i.e.
77 commands and 77 events. Everything is deterministic (no randomness), so two
runs do the same work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from app.domain import commands as c

MEMBERS = 6
TARGETS = 10
RESULTS = MEMBERS * TARGETS
COMMANDS_PER_PACT = 1 + MEMBERS + TARGETS + RESULTS  # 77
YEARS_PER_CLUSTER = 50
FIRST_YEAR = 1950
FORMED_ON = date(1949, 12, 1)


def unit_id(i: int) -> str:
    return f"u{i:05d}"


def cluster_id(j: int) -> str:
    return f"c{j:04d}"


def target_code(k: int) -> str:
    return f"T{k + 1:02d}"


def members_of(j: int) -> tuple[str, ...]:
    return tuple(unit_id(j * MEMBERS + m) for m in range(MEMBERS))


def setup_commands(clusters: int) -> list[c.Command]:
    """Units and clusters the pacts need: registered and formed through the bus too."""
    commands: list[c.Command] = []
    for j in range(clusters):
        for m, uid in enumerate(members_of(j)):
            commands.append(
                c.RegisterUnit(
                    id=uid,
                    name=f"Sở Công Thương {uid}",
                    province=f"Tỉnh {j}-{m}",
                    registered_on=date(1949, 1, 1),
                )
            )
        commands.append(
            c.FormCluster(
                id=cluster_id(j),
                name=f"Cụm thi đua {j}",
                region="Bắc Bộ",
                members=members_of(j),
                formed_on=FORMED_ON,
            )
        )
    return commands


@dataclass(frozen=True, slots=True)
class PactSpec:
    """Which pact: the n-th one, in cluster n // YEARS_PER_CLUSTER."""

    n: int

    @property
    def cluster(self) -> int:
        return self.n // YEARS_PER_CLUSTER

    @property
    def year(self) -> int:
        return FIRST_YEAR + self.n % YEARS_PER_CLUSTER

    @property
    def id(self) -> str:
        return f"p{self.n:06d}"

    @property
    def members(self) -> tuple[str, ...]:
        return members_of(self.cluster)


def clusters_for(pacts: int) -> int:
    return -(-pacts // YEARS_PER_CLUSTER)


def result_value(n: int, i: int) -> float:
    return float(70 + (n * 31 + i * 17) % 50)


def propose(p: PactSpec) -> c.ProposePact:
    return c.ProposePact(
        id=p.id,
        cluster_id=cluster_id(p.cluster),
        title=f"Giao ước thi đua năm {p.year}",
        theme="Đổi mới, sáng tạo",
        year=p.year,
        period_start=None,
        period_end=None,
        content_items=("Hoàn thành chỉ tiêu", "Cải cách hành chính"),
        proposed_on=date(p.year, 1, 10),
    )


def sign(p: PactSpec, uid: str) -> c.SignPact:
    return c.SignPact(pact_id=p.id, unit_id=uid, signed_by=f"Giám đốc {uid}", signed_on=date(p.year, 1, 20))


def set_target(p: PactSpec, k: int) -> c.SetTarget:
    return c.SetTarget(
        pact_id=p.id,
        code=target_code(k),
        title=f"Chỉ tiêu {k + 1}",
        kind="quantitative",
        measure="tỷ đồng",
        direction="at_least",
        value=100.0,
        weight=10.0,
        applies_to=None,
        set_on=date(p.year, 2, 1),
    )


def record_result(p: PactSpec, i: int) -> c.RecordResult:
    """The i-th result of the pact: unit i % 6, target (i // 6) % 10 (re-reported past 60)."""
    uid = p.members[i % MEMBERS]
    return c.RecordResult(
        pact_id=p.id,
        unit_id=uid,
        target_code=target_code((i // MEMBERS) % TARGETS),
        value=result_value(p.n, i),
        reported_on=date(p.year, 12, 1 + i % 28),
        source="báo cáo năm",
    )


def pact_preamble(p: PactSpec) -> list[c.Command]:
    """Proposal, signatures and targets: everything before the results."""
    return [propose(p), *(sign(p, u) for u in p.members), *(set_target(p, k) for k in range(TARGETS))]


def pact_commands(p: PactSpec, results: int = RESULTS) -> list[c.Command]:
    return [*pact_preamble(p), *(record_result(p, i) for i in range(results))]


def pacts_for_commands(commands: int) -> int:
    return -(-commands // COMMANDS_PER_PACT)


def command_stream(pacts: int) -> Iterator[c.Command]:
    for n in range(pacts):
        yield from pact_commands(PactSpec(n))
