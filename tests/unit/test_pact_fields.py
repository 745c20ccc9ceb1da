"""Every field of the pact and of its events reaches every representation of the pact.

The pact exists as the domain fold, the snapshot codec, the rebuild's PactBuilder, the live
read-model rows and the rebuild's bulk rows. The fields are enumerated from the classes, each
given a value of its own, so a field added to Pact or to a pact event, and missed by one
representation (or swapped with another), fails here.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

import pytest

from app.db import dumps
from app.domain import events as e
from app.domain.pact import PACT, PROPOSAL, RECORD_OF, Pact, field_names
from app.events import codec, snapshots
from app.projections import bulk_rows, rows
from app.projections.replay import PactBuilder

# The pact's fields that its records fill (the rest are the proposal's, PROPOSAL).
COLLECTIONS = {"signatures", "targets", "results", "awards", "closed_on"}
# Event fields that name where a record goes (its key in the pact), not a field of it.
KEYS = {e.PactSigned: {"unit_id"}, e.ResultRecorded: {"unit_id", "target_code"}}
# Event fields the state does not keep, and why.
NOT_KEPT = {
    e.TargetSet: {"set_on"},  # the log keeps when a target was set; the pact needs only the target
    e.ResultRecorded: {"reported_as"},  # the log keeps the text as sent; the pact scores the number
    e.ResultWithdrawn: {"unit_id", "target_code", "reason", "withdrawn_on"},  # it removes a result
    e.PactClosed: {"closed_on"},  # kept, as Pact.closed_on (checked below)
}
DAY = date(2022, 1, 3)
UNITS = ("u-a", "u-b")


def _values(cls: type, **fixed: Any) -> dict[str, Any]:
    """A value of its own for each field of ``cls``, by its type: no two fields alike."""
    out: dict[str, Any] = {}
    for n, f in enumerate(fields(cls), 1):
        kind = str(f.type)
        if f.name in fixed:
            out[f.name] = fixed[f.name]
        elif "date" in kind:
            out[f.name] = DAY + timedelta(days=n)
        elif "tuple" in kind:
            out[f.name] = (f"{cls.__name__}.{f.name}.1", f"{cls.__name__}.{f.name}.2")
        elif "float" in kind:
            out[f.name] = 1.0 + n / 8
        elif "int" in kind:
            out[f.name] = 2000 + n
        else:
            out[f.name] = f"{cls.__name__}.{f.name}"
    return out


def _events() -> list[e.Event]:
    code = "T-1"
    target = _values(e.TargetSet, code=code, kind="quantitative", direction="at_least", applies_to=UNITS)
    return [
        e.PactProposed(**_values(e.PactProposed, parties=UNITS, year=None)),
        e.PactSigned(**_values(e.PactSigned, unit_id=UNITS[0])),
        e.TargetSet(**target),
        e.ResultRecorded(**_values(e.ResultRecorded, unit_id=UNITS[0], target_code=code)),
        e.ResultRecorded(**_values(e.ResultRecorded, unit_id=UNITS[1], target_code=code)),
        e.ResultWithdrawn(**_values(e.ResultWithdrawn, unit_id=UNITS[1], target_code=code)),
        e.AwardGranted(**_values(e.AwardGranted, recipient_unit=UNITS[0])),
        e.PactClosed(**_values(e.PactClosed)),
    ]


@pytest.fixture(scope="module")
def folded() -> tuple[list[e.Event], Pact]:
    events = _events()
    state = None
    for event in events:
        state = PACT.apply(event, state)
    assert isinstance(state, Pact)
    return events, state


def test_every_pact_event_is_in_the_example_and_every_field_is_placed():
    assert {type(ev) for ev in _events()} == set(PACT.apply.event_types)
    assert set(field_names(Pact)) == set(PROPOSAL) | COLLECTIONS
    assert set(PROPOSAL) == set(field_names(e.PactProposed))
    for event_type in PACT.apply.event_types:
        kept = set(PROPOSAL) if event_type is e.PactProposed else set()
        kept |= set(field_names(RECORD_OF[event_type])) if event_type in RECORD_OF else set()
        placed = kept | KEYS.get(event_type, set()) | NOT_KEPT.get(event_type, set())
        assert set(field_names(event_type)) == placed, event_type.__name__


def test_the_fold_keeps_each_field_where_it_belongs(folded):
    events, pact = folded
    proposed, signed, target, kept, _, _, award, closed = events
    assert {n: getattr(pact, n) for n in PROPOSAL} == {n: getattr(proposed, n) for n in PROPOSAL}
    for event, record in [
        (signed, pact.signatures[UNITS[0]]),
        (target, pact.targets["T-1"]),
        (kept, pact.results[(UNITS[0], "T-1")]),
        (award, pact.awards[0]),
    ]:
        assert {n: getattr(record, n) for n in field_names(type(record))} == {
            n: getattr(event, n) for n in field_names(type(record))
        }
    assert list(pact.results) == [(UNITS[0], "T-1")]  # the withdrawn one is gone
    assert pact.closed_on == closed.closed_on


def test_a_snapshot_reads_back_the_same_pact(folded):
    _, pact = folded
    data = json.loads(dumps(snapshots.pact_to_data(pact)))
    assert snapshots.pact_from_data(data) == pact


def test_the_rebuilds_builder_makes_the_same_pact(folded):
    events, pact = folded
    builder = PactBuilder()
    for event in events:
        builder.apply(type(event).__name__, json.loads(dumps(codec.encode(event))))
    assert builder.state() == pact


def _plain(value: Any) -> Any:
    """A live row's value as the bulk rows carry it: ISO dates, JSON text for lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return dumps(value)
    return value


def test_live_rows_and_bulk_rows_carry_every_field(folded):
    events, pact = folded
    live = {
        "rm_pacts": [rows.pact_row(pact, 8)],
        "rm_pact_signatures": [rows.signature_row(pact, u) for u in pact.signatures],
        "rm_pact_targets": [rows.target_row(pact, code, i) for i, code in enumerate(pact.targets)],
        "rm_pact_results": [rows.result_row(pact, u, code) for u, code in pact.results],
        "rm_pact_awards": [rows.award_row(pact, seq) for seq in range(1, len(pact.awards) + 1)],
    }
    # Each field of the pact and its records is a column of the same name, holding its value.
    pact_row = live["rm_pacts"][0]
    assert {n: _plain(pact_row[n]) for n in PROPOSAL} == {n: _plain(getattr(pact, n)) for n in PROPOSAL}
    assert pact_row["closed_on"] == pact.closed_on
    records = {
        "rm_pact_signatures": list(pact.signatures.values()),
        "rm_pact_targets": list(pact.targets.values()),
        "rm_pact_results": list(pact.results.values()),
        "rm_pact_awards": list(pact.awards),
    }
    for table, kept in records.items():
        for row, record in zip(live[table], kept, strict=True):
            names = field_names(type(record))
            assert {n: _plain(row[n]) for n in names} == {n: _plain(getattr(record, n)) for n in names}, table

    builder = PactBuilder()
    for event in events:
        builder.apply(type(event).__name__, json.loads(dumps(codec.encode(event))))
    bulk = dict(bulk_rows.pact_rows(builder, 8))
    for table, expected in live.items():
        got = [dict(zip(bulk_rows.COLUMNS[table], values, strict=True)) for values in bulk[table]]
        assert got == [{k: _plain(v) for k, v in row.items()} for row in expected], table
