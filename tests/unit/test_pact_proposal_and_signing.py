"""Emulation pacts (giao ước thi đua): proposal, signing (ký kết), closing."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import commands as c
from app.domain import errors, pact
from app.domain import events as e
from tests.unit.builders import (
    CLUSTER_ID,
    HA_TINH,
    HUE,
    MERGER_DAY,
    NGHE_AN,
    NORTH_CENTRAL,
    PACT_ID,
    PROPOSED_ON,
    QUANG_BINH,
    QUANG_TRI,
    THANH_HOA,
    a_cluster,
    a_pact,
    a_unit,
    pact_proposed,
    quang_binh_merged,
    signed,
    signed_by_all,
)


def propose_cmd(**overrides) -> c.ProposePact:
    event = pact_proposed()
    fields = dict(
        id=event.id,
        cluster_id=event.cluster_id,
        title=event.title,
        theme=event.theme,
        year=event.year,
        period_start=None,
        period_end=None,
        content_items=event.content_items,
        proposed_on=event.proposed_on,
    )
    fields.update(overrides)
    return c.ProposePact(**fields)


def sign_cmd(unit_id: str, on: date = PROPOSED_ON) -> c.SignPact:
    return c.SignPact(pact_id=PACT_ID, unit_id=unit_id, signed_by=signed(unit_id).signed_by, signed_on=on)


# --- proposing -------------------------------------------------------------------


def test_the_2022_pact_is_proposed_to_every_member():
    assert pact.propose(None, a_cluster(), propose_cmd(), others={}) == [pact_proposed()]


def test_a_pact_may_cover_a_period_instead_of_a_year():
    cmd = propose_cmd(year=None, period_start=2021, period_end=2025, attainment_cap=1.5)

    events = pact.propose(None, a_cluster(), cmd, others={})

    assert events == [pact_proposed(year=None, period_start=2021, period_end=2025, attainment_cap=1.5)]
    assert a_pact(proposed=events[0]).years == (2021, 2025)


def test_proposing_an_existing_pact_is_rejected():
    with pytest.raises(errors.AlreadyExists):
        pact.propose(a_pact(), a_cluster(), propose_cmd(), others={})


@pytest.mark.parametrize(
    "year, start, end, field",
    [
        (2022, 2021, 2025, "year"),  # both a year and a period
        (None, None, None, "year"),  # neither
        (2022, 2021, None, "year"),  # a year and half a period
        (None, 2021, None, "period_end"),
        (None, None, 2025, "period_end"),
        (None, 2025, 2021, "period_end"),  # ends before it starts
    ],
)
def test_a_pact_has_either_a_year_or_a_whole_period(year, start, end, field):
    cmd = propose_cmd(year=year, period_start=start, period_end=end)

    with pytest.raises(errors.InvalidValue) as caught:
        pact.propose(None, a_cluster(), cmd, others={})
    assert caught.value.field == field


@pytest.mark.parametrize("cap", [0.99, 2.01, 0.0, float("nan")])
def test_the_attainment_cap_lies_between_1_and_2(cap):
    with pytest.raises(errors.InvalidValue) as caught:
        pact.propose(None, a_cluster(), propose_cmd(attainment_cap=cap), others={})
    assert caught.value.field == "attainment_cap"


@pytest.mark.parametrize("cap", [1.0, 2.0])
def test_the_attainment_cap_bounds_are_allowed(cap):
    assert pact.propose(None, a_cluster(), propose_cmd(attainment_cap=cap), others={}) == [
        pact_proposed(attainment_cap=cap)
    ]


def test_the_parties_are_the_members_on_the_proposal_day():
    # Hà Tĩnh left before the proposal; Quảng Trị left earlier and rejoins after it.
    state = a_cluster(
        e.MemberLeft(unit_id=HA_TINH, effective_on=date(2022, 1, 1)),
        e.MemberLeft(unit_id=QUANG_TRI, effective_on=date(2020, 1, 1)),
        e.MemberJoined(unit_id=QUANG_TRI, joined_on=date(2022, 6, 1)),
    )

    [proposed] = pact.propose(None, state, propose_cmd(), others={})

    assert proposed.parties == (THANH_HOA, NGHE_AN, QUANG_BINH, HUE)


# --- one pact per cluster and year -------------------------------------------------


@pytest.mark.parametrize(
    ("others", "overrides"),
    [
        ({"btb-2022": (2022, 2022)}, {}),  # a second yearly pact for 2022
        ({"btb-2021-2025": (2021, 2025)}, {}),  # a yearly pact inside a period pact
        ({"btb-2022": (2022, 2022)}, {"year": None, "period_start": 2021, "period_end": 2025}),
        ({"btb-2018-2022": (2018, 2022)}, {"year": None, "period_start": 2022, "period_end": 2026}),
    ],
)
def test_a_cluster_has_one_pact_per_year(others, overrides):
    with pytest.raises(errors.PactExistsForYear) as caught:
        pact.propose(None, a_cluster(), propose_cmd(**overrides), others=others)
    (existing,) = others
    assert caught.value.existing_pact_id == existing
    assert existing in caught.value.detail


@pytest.mark.parametrize(
    ("others", "overrides"),
    [
        ({"btb-2021": (2021, 2021), "btb-2023": (2023, 2023)}, {}),
        ({"btb-2016-2020": (2016, 2020)}, {"year": None, "period_start": 2021, "period_end": 2025}),
        ({"btb-2026-2030": (2026, 2030)}, {"year": None, "period_start": 2021, "period_end": 2025}),
    ],
)
def test_pacts_of_other_years_leave_the_year_free(others, overrides):
    [proposed] = pact.propose(None, a_cluster(), propose_cmd(**overrides), others=others)
    assert proposed.cluster_id == CLUSTER_ID


def test_the_same_id_again_is_already_exists_not_a_clash_of_years():
    with pytest.raises(errors.AlreadyExists):
        pact.propose(a_pact(), a_cluster(), propose_cmd(), others={PACT_ID: (2022, 2022)})


def test_a_cluster_without_members_on_the_day_cannot_propose():
    state = a_cluster(*(e.MemberLeft(unit_id=u, effective_on=date(2020, 1, 1)) for u in NORTH_CENTRAL))

    with pytest.raises(errors.RuleViolated) as caught:
        pact.propose(None, state, propose_cmd(), others={})
    assert type(caught.value) is errors.RuleViolated


# --- signing -------------------------------------------------------------------


def test_a_party_signs():
    assert pact.sign(a_pact(), a_cluster(), a_unit(HA_TINH), sign_cmd(HA_TINH)) == [signed(HA_TINH)]


def test_the_pact_is_proposed_until_every_party_has_signed():
    all_but_hue = [signed(u) for u in NORTH_CENTRAL if u != HUE]

    assert a_pact().status == "proposed"
    assert a_pact(*all_but_hue).status == "proposed"
    assert a_pact(*all_but_hue, signed(HUE)).status == "in_force"


def test_a_party_signs_only_once():
    with pytest.raises(errors.AlreadySigned):
        pact.sign(
            a_pact(signed(HA_TINH)),
            a_cluster(),
            a_unit(HA_TINH),
            sign_cmd(HA_TINH, date(2022, 6, 1)),
        )


def test_a_unit_that_is_not_a_party_cannot_sign():
    # Hà Tĩnh is a cluster member, but was not one of the pact's parties.
    proposed = pact_proposed(parties=(THANH_HOA, NGHE_AN))

    with pytest.raises(errors.NotAMember):
        pact.sign(a_pact(proposed=proposed), a_cluster(), a_unit(HA_TINH), sign_cmd(HA_TINH))


def test_a_party_that_left_the_cluster_cannot_sign():
    state = a_cluster(e.MemberLeft(unit_id=HA_TINH, effective_on=date(2022, 5, 20)))

    with pytest.raises(errors.NotAMember):
        pact.sign(a_pact(), state, a_unit(HA_TINH), sign_cmd(HA_TINH, date(2022, 6, 1)))


def test_a_party_cannot_sign_before_the_proposal():
    with pytest.raises(errors.DateOutOfOrder):
        pact.sign(a_pact(), a_cluster(), a_unit(HA_TINH), sign_cmd(HA_TINH, date(2022, 5, 12)))


def test_an_absorbed_unit_signs_nothing_from_the_merger_day():
    proposed = pact_proposed(id="giao-uoc-2025", year=2025, proposed_on=date(2025, 3, 1))
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())
    cmd = c.SignPact(pact_id="giao-uoc-2025", unit_id=QUANG_BINH, signed_by="Giám đốc", signed_on=MERGER_DAY)

    with pytest.raises(errors.UnitMergedAway):
        pact.sign(a_pact(proposed=proposed), a_cluster(), quang_binh, cmd)


def test_an_absorbed_unit_may_still_sign_the_day_before_the_merger():
    proposed = pact_proposed(id="giao-uoc-2025", year=2025, proposed_on=date(2025, 3, 1))
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())
    cmd = c.SignPact(
        pact_id="giao-uoc-2025", unit_id=QUANG_BINH, signed_by="Giám đốc", signed_on=date(2025, 6, 30)
    )

    events = pact.sign(a_pact(proposed=proposed), a_cluster(), quang_binh, cmd)

    assert events == [e.PactSigned(unit_id=QUANG_BINH, signed_by="Giám đốc", signed_on=date(2025, 6, 30))]


def test_a_closed_pact_cannot_be_signed():
    state = a_pact(e.PactClosed(closed_on=date(2022, 12, 31)))

    with pytest.raises(errors.PactIsClosed):
        pact.sign(state, a_cluster(), a_unit(HA_TINH), sign_cmd(HA_TINH, date(2023, 1, 5)))


# --- closing -------------------------------------------------------------------


def test_a_pact_in_force_is_closed():
    state = a_pact(*signed_by_all())

    events = pact.close(state, c.ClosePact(pact_id=PACT_ID, closed_on=date(2022, 12, 31)))

    assert events == [e.PactClosed(closed_on=date(2022, 12, 31))]
    assert a_pact(*signed_by_all(), *events).status == "closed"


def test_a_pact_is_closed_only_once():
    with pytest.raises(errors.PactIsClosed):
        pact.close(
            a_pact(e.PactClosed(closed_on=date(2022, 12, 31))),
            c.ClosePact(pact_id=PACT_ID, closed_on=date(2023, 1, 1)),
        )


def test_a_pact_cannot_close_before_it_was_proposed():
    with pytest.raises(errors.DateOutOfOrder):
        pact.close(a_pact(), c.ClosePact(pact_id=PACT_ID, closed_on=date(2022, 5, 1)))


def test_a_pact_stream_cannot_hold_a_cluster_event():
    with pytest.raises(TypeError):
        pact.apply(e.MemberLeft(unit_id=HA_TINH, effective_on=date(2022, 1, 1)), a_pact())


def test_the_proposal_folds_into_the_pact_state():
    state = a_pact()

    assert (state.id, state.cluster_id, state.parties) == (PACT_ID, CLUSTER_ID, NORTH_CENTRAL)
    assert state.years == (2022, 2022)
