"""A unit is a current member of at most one (emulation) cluster, whatever the order
of formations, joins, departures, mergers and repartition decisions (issue 15).

A property test through the message bus on both stores: each example builds its
own small world (ids prefixed per example) and throws random commands at it; the
domain may refuse, but only with the rule that applies, and after every command
the committed read model and the folded states keep the invariant.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import commands as c
from app.domain import errors
from app.domain.cluster import CLUSTER
from app.projections import tables as t

UNITS, CLUSTERS = 6, 3
_examples = itertools.count()

op = st.one_of(
    st.tuples(
        st.just("form"),
        st.integers(0, CLUSTERS - 1),
        st.sets(st.integers(0, UNITS - 1), min_size=1, max_size=3),
    ),
    st.tuples(st.just("join"), st.integers(0, CLUSTERS - 1), st.integers(0, UNITS - 1)),
    st.tuples(st.just("leave"), st.integers(0, CLUSTERS - 1), st.integers(0, UNITS - 1)),
    st.tuples(st.just("merge"), st.integers(0, UNITS - 1), st.integers(0, UNITS - 1)),
    st.tuples(st.just("decide"), st.integers(0, CLUSTERS - 1), st.integers(0, UNITS - 1), st.booleans()),
)
# Refusals a random command may meet; any other error fails the test.
EXPECTED = (
    errors.AlreadyExists,
    errors.AlreadyAMember,
    errors.NotAMember,
    errors.NotFound,
    errors.MemberOfAnotherCluster,
    errors.NotPendingRepartition,
    errors.UnitMergedAway,
    errors.DateOutOfOrder,
    errors.InvalidValue,
)


def _command(step: tuple, prefix: str, day: date) -> c.Command:
    unit = lambda i: f"{prefix}u{i}"  # noqa: E731
    cluster = lambda i: f"{prefix}k{i}"  # noqa: E731
    match step:
        case ("form", k, members):
            return c.FormCluster(
                id=cluster(k),
                name=f"Cụm {k}",
                region="R",
                members=tuple(unit(u) for u in sorted(members)),
                formed_on=day,
            )
        case ("join", k, u):
            return c.AddMember(cluster_id=cluster(k), unit_id=unit(u), joined_on=day)
        case ("leave", k, u):
            return c.RemoveMember(cluster_id=cluster(k), unit_id=unit(u), effective_on=day)
        case ("merge", a, b):
            return c.MergeUnit(unit_id=unit(a), into=unit(b), effective_on=day, legal_basis="NQ")
        case ("decide", k, u, admit):
            return c.DecideRepartition(
                cluster_id=cluster(k),
                unit_id=unit(u),
                admit_successor=admit,
                decision_ref="QĐ",
                decided_on=day,
            )
    raise AssertionError(step)


def _assert_invariant(ledger, prefix: str) -> None:
    m = t.cluster_members.c
    with ledger.engine.connect() as conn:
        seated = conn.execute(
            sa.select(m.unit_id, m.cluster_id).where(m.left_on.is_(None), m.cluster_id.like(f"{prefix}%"))
        ).all()
        states = []
        for k in range(CLUSTERS):
            stored = list(ledger.store.read_stream(conn, CLUSTER.stream_id(f"{prefix}k{k}")))
            state = None
            for event in stored:
                state = CLUSTER.apply(event.to_domain(), state)
            if state is not None:
                states.append(state)
    counts = Counter(u for u, _ in seated)
    assert all(n <= 1 for n in counts.values()), seated
    folded = Counter(u for s in states for u in s.current_members())
    assert folded == counts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(op, min_size=4, max_size=18))
def test_no_unit_is_ever_a_current_member_of_two_clusters(ledger, steps):
    prefix = f"x{next(_examples)}-"
    day = date(2025, 1, 1)
    ledger.bus.handle_many(
        [
            c.RegisterUnit(id=f"{prefix}u{i}", name=f"Sở {i}", province="P", registered_on=day)
            for i in range(UNITS)
        ]
    )
    for step in steps:
        day += timedelta(days=1)
        with contextlib.suppress(EXPECTED):
            ledger.bus.handle(_command(step, prefix, day))
        _assert_invariant(ledger, prefix)


def test_a_join_while_seated_elsewhere_is_refused_with_a_409_slug(ledger):
    day = date(2025, 1, 1)
    ledger.bus.handle_many(
        [
            c.RegisterUnit(
                id="gia-lai", name="Sở Công Thương Gia Lai", province="Gia Lai", registered_on=day
            ),
            c.RegisterUnit(
                id="kon-tum", name="Sở Công Thương Kon Tum", province="Kon Tum", registered_on=day
            ),
            c.FormCluster(
                id="tay-nguyen", name="Tây Nguyên", region="R", members=("gia-lai",), formed_on=day
            ),
            c.FormCluster(id="khac", name="Khác", region="R", members=("kon-tum",), formed_on=day),
            # A cooperation group is not the Ministry's cluster: the same unit may sit in one too.
            c.FormCluster(
                id="hop-tac",
                name="Hợp tác",
                region="R",
                members=("gia-lai",),
                formed_on=day,
                kind="cooperation",
            ),
        ]
    )
    with pytest.raises(errors.MemberOfAnotherCluster, match="tay-nguyen") as refused:
        ledger.bus.handle(c.AddMember(cluster_id="khac", unit_id="gia-lai", joined_on=date(2025, 2, 1)))
    assert refused.value.slug == "member-of-another-cluster"
