"""The aggregate kinds: one place builds and reads stream ids; events and commands by keyword."""

import dataclasses
from datetime import date

import pytest

from app.domain import commands as c
from app.domain import events as e
from app.domain.aggregate import Aggregate, stream_type_of
from app.domain.apikey import APIKEY, ApiKey
from app.domain.assessment import ASSESSMENT
from app.domain.cluster import CLUSTER, Cluster
from app.domain.events import EVENT_TYPES
from app.domain.pact import PACT, Pact
from app.domain.sheet import SHEET
from app.domain.unit import UNIT, Unit


@pytest.mark.parametrize(
    ("kind", "state", "stream_type"),
    [(UNIT, Unit, "unit"), (CLUSTER, Cluster, "cluster"), (PACT, Pact, "pact"), (APIKEY, ApiKey, "apikey")],
)
def test_each_kind_names_its_streams_and_reads_its_ids_back(kind, state, stream_type):
    assert kind.state is state
    assert kind.stream_id("btb-2022") == f"{stream_type}:btb-2022"
    assert stream_type_of(kind.stream_id("a:b")) == stream_type
    assert kind.entity_id(kind.stream_id("a:b")) == "a:b"


def test_an_id_of_another_kind_is_not_read_as_ones_own():
    assert PACT.entity_id(UNIT.stream_id("x")) is None
    assert PACT.entity_id("pactx") is None


@pytest.mark.parametrize("bad", ["", "pa:ct"])
def test_a_stream_type_is_a_plain_name(bad):
    with pytest.raises(ValueError, match="stream type"):
        Aggregate(bad, Unit)


def test_a_kind_folds_only_its_own_events():
    with pytest.raises(TypeError, match="pact stream cannot hold MemberLeft"):
        PACT.apply(e.MemberLeft(unit_id="u", effective_on=date(2022, 1, 1)), None)


def test_events_and_commands_are_built_by_keyword_only():
    kinds = [*EVENT_TYPES.values(), *(getattr(c, n) for n in dir(c))]
    for cls in (k for k in kinds if isinstance(k, type) and dataclasses.is_dataclass(k)):
        assert all(f.kw_only for f in dataclasses.fields(cls)), cls.__name__
    with pytest.raises(TypeError):
        e.PactClosed(date(2022, 12, 31))  # type: ignore[misc]


def test_every_event_type_is_folded_by_exactly_one_kind_of_aggregate():
    kinds = (UNIT, CLUSTER, PACT, APIKEY, SHEET, ASSESSMENT)
    folded = [t for kind in kinds for t in kind.apply.event_types]

    assert sorted(t.__name__ for t in folded) == sorted(EVENT_TYPES)
    assert all(EVENT_TYPES[t.__name__] is t for t in folded)
