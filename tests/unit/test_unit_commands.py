"""Units (Sở Công Thương): register, rename, merge (sáp nhập)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import commands as c
from app.domain import errors, unit
from app.domain import events as e
from tests.unit.builders import (
    HA_TINH,
    HUE,
    MERGER_DAY,
    QUANG_BINH,
    QUANG_TRI,
    a_unit,
    fold,
    quang_binh_merged,
    unit_registered,
)


def test_registering_a_new_unit_records_it():
    cmd = c.RegisterUnit(
        id=HA_TINH, name="Sở Công Thương Hà Tĩnh", province="Hà Tĩnh", registered_on=date(2012, 1, 1)
    )

    assert unit.register(None, cmd) == [
        e.UnitRegistered(
            id=HA_TINH, name="Sở Công Thương Hà Tĩnh", province="Hà Tĩnh", registered_on=date(2012, 1, 1)
        )
    ]


def test_registered_event_folds_into_an_active_unit():
    state = fold(unit.apply, [unit_registered(HA_TINH)])

    first = unit.NameSpan("Sở Công Thương Hà Tĩnh", "Hà Tĩnh", date(2012, 1, 1))
    assert state == unit.Unit(HA_TINH, "Sở Công Thương Hà Tĩnh", "Hà Tĩnh", names=(first,))
    assert state.active_on(date(2030, 1, 1))


def test_registering_an_existing_unit_is_rejected():
    existing = a_unit(HA_TINH)

    with pytest.raises(errors.AlreadyExists):
        unit.register(existing, c.RegisterUnit(id=HA_TINH, name="Sở Công Thương Hà Tĩnh", province="Hà Tĩnh"))


def test_thua_thien_hue_becomes_hue_city():
    # Thừa Thiên Huế became Huế city on 1 January 2025 (renamed, not merged).
    hue = a_unit(HUE)
    cmd = c.RenameUnit(
        unit_id=HUE, name="Sở Công Thương thành phố Huế", province="Huế", effective_on=date(2025, 1, 1)
    )

    events = unit.rename(hue, cmd)

    assert events == [
        e.UnitRenamed(name="Sở Công Thương thành phố Huế", province="Huế", effective_on=date(2025, 1, 1))
    ]
    renamed = fold(unit.apply, events, hue)
    assert (renamed.name, renamed.province) == ("Sở Công Thương thành phố Huế", "Huế")


def test_renaming_to_the_same_name_and_province_is_rejected():
    hue = a_unit(HUE)
    cmd = c.RenameUnit(unit_id=HUE, name=hue.name, province=hue.province, effective_on=date(2025, 1, 1))

    with pytest.raises(errors.RuleViolated) as caught:
        unit.rename(hue, cmd)
    assert type(caught.value) is errors.RuleViolated


def test_a_merged_unit_cannot_be_renamed_after_the_merger():
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())
    cmd = c.RenameUnit(
        unit_id=QUANG_BINH,
        name="Sở Công Thương Quảng Bình mới",
        province="Quảng Bình",
        effective_on=MERGER_DAY,
    )

    with pytest.raises(errors.UnitMergedAway):
        unit.rename(quang_binh, cmd)


def test_quang_binh_merges_into_quang_tri():
    cmd = c.MergeUnit(
        unit_id=QUANG_BINH, into=QUANG_TRI, effective_on=MERGER_DAY, legal_basis="Nghị quyết 202/2025/QH15"
    )

    events = unit.merge(a_unit(QUANG_BINH), a_unit(QUANG_TRI), cmd)

    assert events == [
        e.UnitMerged(into=QUANG_TRI, effective_on=MERGER_DAY, legal_basis="Nghị quyết 202/2025/QH15")
    ]
    merged = fold(unit.apply, events, a_unit(QUANG_BINH))
    assert (merged.merged_into, merged.merged_on) == (QUANG_TRI, MERGER_DAY)


def test_a_merged_unit_is_active_until_the_day_before_the_merger():
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())

    assert quang_binh.active_on(date(2025, 6, 30))
    assert not quang_binh.active_on(MERGER_DAY)
    assert not quang_binh.active_on(date(2026, 1, 1))


def test_a_unit_cannot_merge_into_itself():
    cmd = c.MergeUnit(
        unit_id=QUANG_TRI, into=QUANG_TRI, effective_on=MERGER_DAY, legal_basis="Nghị quyết 202/2025/QH15"
    )

    with pytest.raises(errors.InvalidValue) as caught:
        unit.merge(a_unit(QUANG_TRI), a_unit(QUANG_TRI), cmd)
    assert caught.value.field == "into"


def test_a_unit_cannot_be_merged_twice():
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())
    cmd = c.MergeUnit(
        unit_id=QUANG_BINH, into=HA_TINH, effective_on=date(2026, 1, 1), legal_basis="Nghị quyết giả định"
    )

    with pytest.raises(errors.UnitMergedAway):
        unit.merge(quang_binh, a_unit(HA_TINH), cmd)


def test_a_unit_cannot_merge_into_a_unit_already_merged_away():
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())
    cmd = c.MergeUnit(
        unit_id=HA_TINH, into=QUANG_BINH, effective_on=date(2026, 1, 1), legal_basis="Nghị quyết giả định"
    )

    with pytest.raises(errors.UnitMergedAway):
        unit.merge(a_unit(HA_TINH), quang_binh, cmd)


def test_a_unit_stream_cannot_hold_a_pact_event():
    with pytest.raises(TypeError):
        unit.apply(e.PactClosed(closed_on=date(2022, 12, 31)), a_unit(HA_TINH))


def test_events_know_their_business_date():
    assert quang_binh_merged().occurred_on == MERGER_DAY
    assert e.EVENT_TYPES["UnitMerged"] is e.UnitMerged
