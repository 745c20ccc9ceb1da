"""Emulation clusters (cụm thi đua): members, chair and deputy, host flag rotation."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import cluster, errors
from app.domain import commands as c
from app.domain import events as e
from tests.unit.builders import (
    CLUSTER_FORMED_ON,
    CLUSTER_ID,
    HA_TINH,
    HUE,
    MERGER_DAY,
    NGHE_AN,
    NORTH_CENTRAL,
    QUANG_BINH,
    QUANG_TRI,
    THANH_HOA,
    a_cluster,
    a_unit,
    cluster_formed,
    quang_binh_merged,
)


def form_cmd(members=NORTH_CENTRAL, formed_on=CLUSTER_FORMED_ON) -> c.FormCluster:
    formed = cluster_formed(members, formed_on)
    return c.FormCluster(
        id=formed.id, name=formed.name, region=formed.region, members=members, formed_on=formed_on
    )


def all_units(*later_for_quang_binh):
    units = {u: a_unit(u) for u in NORTH_CENTRAL}
    units[QUANG_BINH] = a_unit(QUANG_BINH, *later_for_quang_binh)
    return units


# --- forming ---------------------------------------------------------------------


def test_six_north_central_departments_form_a_cluster():
    assert cluster.form(None, form_cmd(), all_units()) == [cluster_formed()]


def test_formed_cluster_has_every_member_from_the_formation_day():
    state = a_cluster()

    assert state.members_on(CLUSTER_FORMED_ON) == NORTH_CENTRAL
    assert state.members_on(date(2011, 12, 31)) == ()


def test_forming_an_existing_cluster_is_rejected():
    with pytest.raises(errors.AlreadyExists):
        cluster.form(a_cluster(), form_cmd(), all_units())


def test_a_cluster_needs_at_least_one_member():
    with pytest.raises(errors.InvalidValue) as caught:
        cluster.form(None, form_cmd(members=()), all_units())
    assert caught.value.field == "members"


def test_a_unit_cannot_be_listed_twice():
    with pytest.raises(errors.InvalidValue) as caught:
        cluster.form(None, form_cmd(members=(HA_TINH, NGHE_AN, HA_TINH)), all_units())
    assert caught.value.field == "members"


def test_a_merged_unit_cannot_found_a_cluster_after_the_merger():
    cmd = form_cmd(members=(QUANG_BINH, QUANG_TRI), formed_on=date(2025, 8, 1))

    with pytest.raises(errors.UnitMergedAway):
        cluster.form(None, cmd, all_units(quang_binh_merged()))


# --- adding and removing members -----------------------------------------------


def test_a_unit_joins_a_cluster():
    state = a_cluster(formed=cluster_formed(members=(THANH_HOA, NGHE_AN)))

    cmd = c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=date(2013, 1, 1))

    events = cluster.add_member(state, a_unit(HA_TINH), cmd)

    assert events == [e.MemberJoined(unit_id=HA_TINH, joined_on=date(2013, 1, 1))]
    joined = a_cluster(*events, formed=cluster_formed(members=(THANH_HOA, NGHE_AN)))
    assert not joined.is_member_on(HA_TINH, date(2012, 12, 31))
    assert joined.is_member_on(HA_TINH, date(2013, 1, 1))


def test_a_current_member_cannot_join_again():
    with pytest.raises(errors.AlreadyAMember):
        cluster.add_member(
            a_cluster(),
            a_unit(HA_TINH),
            c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=date(2013, 1, 1)),
        )


def test_joining_before_the_cluster_was_formed_is_rejected():
    state = a_cluster(formed=cluster_formed(members=(THANH_HOA,)))

    with pytest.raises(errors.DateOutOfOrder):
        cluster.add_member(
            state,
            a_unit(HA_TINH),
            c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=date(2011, 6, 1)),
        )


def test_a_merged_unit_cannot_join_on_or_after_the_merger():
    state = a_cluster(formed=cluster_formed(members=(QUANG_TRI,)))
    quang_binh = a_unit(QUANG_BINH, quang_binh_merged())

    with pytest.raises(errors.UnitMergedAway):
        cluster.add_member(
            state, quang_binh, c.AddMember(cluster_id=CLUSTER_ID, unit_id=QUANG_BINH, joined_on=MERGER_DAY)
        )


def test_a_member_leaves_the_cluster():
    events = cluster.remove_member(
        a_cluster(), c.RemoveMember(cluster_id=CLUSTER_ID, unit_id=QUANG_BINH, effective_on=MERGER_DAY)
    )

    assert events == [e.MemberLeft(unit_id=QUANG_BINH, effective_on=MERGER_DAY)]
    state = a_cluster(*events)
    assert state.is_member_on(QUANG_BINH, date(2025, 6, 30))
    assert not state.is_member_on(QUANG_BINH, MERGER_DAY)
    assert QUANG_BINH not in state.current_members()


def test_a_unit_that_left_may_join_again():
    state = a_cluster(e.MemberLeft(unit_id=HA_TINH, effective_on=date(2015, 1, 1)))

    cmd = c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=date(2016, 1, 1))

    events = cluster.add_member(state, a_unit(HA_TINH), cmd)

    assert events == [e.MemberJoined(unit_id=HA_TINH, joined_on=date(2016, 1, 1))]


def test_removing_a_non_member_is_rejected():
    state = a_cluster(formed=cluster_formed(members=(THANH_HOA, NGHE_AN)))

    with pytest.raises(errors.NotAMember):
        cluster.remove_member(
            state, c.RemoveMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, effective_on=date(2013, 1, 1))
        )


def test_removing_a_member_who_already_left_is_rejected():
    state = a_cluster(e.MemberLeft(unit_id=HA_TINH, effective_on=date(2015, 1, 1)))

    with pytest.raises(errors.NotAMember):
        cluster.remove_member(
            state, c.RemoveMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, effective_on=date(2016, 1, 1))
        )


def test_leaving_on_or_before_the_joining_day_is_rejected():
    with pytest.raises(errors.DateOutOfOrder):
        cluster.remove_member(
            a_cluster(),
            c.RemoveMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, effective_on=CLUSTER_FORMED_ON),
        )


# --- chair and deputy (cụm trưởng, cụm phó) -------------------------------------


def leadership(year=2024, chair=THANH_HOA, deputy=NGHE_AN, decided_on=date(2024, 5, 14)):
    return c.AssignLeadership(
        cluster_id=CLUSTER_ID,
        year=year,
        chair=chair,
        deputy=deputy,
        decision_ref="1160/QĐ-BCT",
        decided_on=decided_on,
    )


def test_the_ministry_names_a_chair_and_deputy_for_the_year():
    events = cluster.assign_leadership(a_cluster(), leadership())

    assert events == [
        e.LeadershipAssigned(
            year=2024,
            chair=THANH_HOA,
            deputy=NGHE_AN,
            decision_ref="1160/QĐ-BCT",
            decided_on=date(2024, 5, 14),
        )
    ]
    assert a_cluster(*events).leadership[2024] == cluster.Leadership(2024, THANH_HOA, NGHE_AN, "1160/QĐ-BCT")


def test_chair_and_deputy_must_be_two_different_members():
    with pytest.raises(errors.SameChairAndDeputy):
        cluster.assign_leadership(a_cluster(), leadership(chair=HA_TINH, deputy=HA_TINH))


def test_only_one_chair_and_deputy_per_year():
    state = a_cluster(*cluster.assign_leadership(a_cluster(), leadership()))

    with pytest.raises(errors.LeadershipAlreadyAssigned):
        cluster.assign_leadership(state, leadership(chair=HA_TINH, deputy=HUE))


def test_another_year_gets_its_own_chair_and_deputy():
    state = a_cluster(*cluster.assign_leadership(a_cluster(), leadership()))

    events = cluster.assign_leadership(state, leadership(2025, HA_TINH, HUE, date(2025, 4, 1)))

    assert events == [
        e.LeadershipAssigned(
            year=2025, chair=HA_TINH, deputy=HUE, decision_ref="1160/QĐ-BCT", decided_on=date(2025, 4, 1)
        )
    ]


def test_the_chair_must_be_a_member_on_the_decision_day():
    state = a_cluster(formed=cluster_formed(members=(NGHE_AN, HA_TINH)))

    with pytest.raises(errors.NotAMember):
        cluster.assign_leadership(state, leadership(chair=THANH_HOA, deputy=NGHE_AN))


def test_the_deputy_must_be_a_member_on_the_decision_day():
    state = a_cluster(e.MemberLeft(unit_id=NGHE_AN, effective_on=date(2024, 3, 1)))

    with pytest.raises(errors.NotAMember):
        cluster.assign_leadership(state, leadership(chair=THANH_HOA, deputy=NGHE_AN))


def test_without_a_decision_date_membership_is_checked_on_1_january():
    # Hà Tĩnh joins in March 2024: a member on 14/5 but not on 1/1.
    state = a_cluster(
        e.MemberJoined(unit_id=HA_TINH, joined_on=date(2024, 3, 1)),
        formed=cluster_formed(members=(THANH_HOA,)),
    )

    assert cluster.assign_leadership(state, leadership(chair=THANH_HOA, deputy=HA_TINH))
    with pytest.raises(errors.NotAMember):
        cluster.assign_leadership(state, leadership(chair=THANH_HOA, deputy=HA_TINH, decided_on=None))


# --- host flag (trao cờ đăng cai) -----------------------------------------------

# 13/5/2022, 10th conference: Thanh Hóa hands the flag for the 11th (2023) to Thừa Thiên Huế.
FIRST_HANDOVER = e.HostFlagHandedOver(
    conference_number=11, year=2023, from_unit=THANH_HOA, to_unit=HUE, handed_over_on=date(2022, 5, 13)
)


def handover(number=12, year=2024, from_unit=HUE, to_unit=HA_TINH, on=date(2023, 5, 20)):
    return c.HandOverHostFlag(
        cluster_id=CLUSTER_ID,
        conference_number=number,
        year=year,
        from_unit=from_unit,
        to_unit=to_unit,
        handed_over_on=on,
    )


def test_thanh_hoa_hands_the_host_flag_to_thua_thien_hue():
    cmd = handover(11, 2023, THANH_HOA, HUE, date(2022, 5, 13))

    events = cluster.hand_over_host_flag(a_cluster(), cmd)

    assert events == [FIRST_HANDOVER]
    assert a_cluster(*events).flag_holder == HUE


def test_the_flag_holder_hands_it_on_for_the_next_conference():
    events = cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover())

    assert events == [
        e.HostFlagHandedOver(
            conference_number=12, year=2024, from_unit=HUE, to_unit=HA_TINH, handed_over_on=date(2023, 5, 20)
        )
    ]


def test_only_the_current_holder_hands_over_the_flag():
    with pytest.raises(errors.NotFlagHolder):
        cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover(from_unit=THANH_HOA))


def test_the_flag_goes_to_another_unit():
    with pytest.raises(errors.RuleViolated) as caught:
        cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover(to_unit=HUE))
    assert type(caught.value) is errors.RuleViolated


def test_the_flag_goes_to_a_member():
    state = a_cluster(FIRST_HANDOVER, e.MemberLeft(unit_id=HA_TINH, effective_on=date(2023, 1, 1)))

    with pytest.raises(errors.NotAMember):
        cluster.hand_over_host_flag(state, handover(to_unit=HA_TINH))


def test_the_first_handover_comes_from_a_member():
    state = a_cluster(formed=cluster_formed(members=(NGHE_AN, HUE)))

    with pytest.raises(errors.NotAMember):
        cluster.hand_over_host_flag(state, handover(11, 2023, THANH_HOA, HUE, date(2022, 5, 13)))


@pytest.mark.parametrize("number", [11, 13])
def test_the_next_conference_number_follows_the_last(number):
    with pytest.raises(errors.WrongConferenceNumber):
        cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover(number=number))


def test_the_conference_year_must_move_forward():
    with pytest.raises(errors.DateOutOfOrder):
        cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover(year=2023))


def test_a_handover_cannot_be_dated_before_the_previous_one():
    with pytest.raises(errors.DateOutOfOrder):
        cluster.hand_over_host_flag(a_cluster(FIRST_HANDOVER), handover(on=date(2022, 5, 12)))


def test_a_cluster_stream_cannot_hold_a_unit_event():
    with pytest.raises(TypeError):
        cluster.apply(quang_binh_merged(), a_cluster())


def test_the_host_of_a_year_follows_the_handovers():
    # Huế receives the flag for the 11th conference (2023); Thanh Hóa, handing it on, hosted the 10th.
    state = a_cluster(FIRST_HANDOVER)

    assert state.host_of(2023) == (HUE, 11)
    assert state.host_of(2022) == (THANH_HOA, 10)
    assert state.host_of(2030) is None


def test_a_unit_cannot_rejoin_before_the_day_it_left():
    state = a_cluster(e.MemberLeft(unit_id=HA_TINH, effective_on=date(2015, 1, 1)))

    with pytest.raises(errors.DateOutOfOrder):
        cluster.add_member(
            state,
            a_unit(HA_TINH),
            c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=date(2014, 6, 1)),
        )


@pytest.mark.parametrize("number", [0, -1])
def test_the_first_handover_needs_a_real_conference_number(number):
    with pytest.raises(errors.InvalidValue) as caught:
        cluster.hand_over_host_flag(a_cluster(), handover(number, 2023, THANH_HOA, HUE, date(2022, 5, 13)))
    assert caught.value.field == "conference_number"
