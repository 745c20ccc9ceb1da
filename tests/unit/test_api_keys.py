"""API keys (the holder's facts, never the secret) and the rights of each role."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import access, apikey, errors
from app.domain import commands as c
from app.domain import events as e
from app.services.handlers import HANDLERS
from tests.unit.builders import CLUSTER_ID, HA_TINH, NGHE_AN, PACT_ID, fold

TODAY = date(2026, 12, 1)
OTHER_CLUSTER = "dong-bang-song-hong"


def create(**fields: object) -> c.CreateApiKey:
    given = {
        "id": "k1",
        "name": "so-ct-ha-tinh",
        "role": "admin",
        "created_on": TODAY,
        "secret_hash": "h" * 64,
    }
    return c.CreateApiKey(**{**given, **fields})  # type: ignore[arg-type]


def key(role: str, **scope: str) -> apikey.ApiKey:
    return fold(apikey.apply, apikey.create(None, create(role=role, **scope)))


def test_a_key_is_recorded_without_its_secret_and_folds_into_its_holder():
    events = apikey.create(None, create(role="unit", unit_id=HA_TINH, expires_on=date(2027, 6, 30)))

    assert events == [
        e.ApiKeyCreated(
            id="k1",
            name="so-ct-ha-tinh",
            role="unit",
            unit_id=HA_TINH,
            cluster_id=None,
            expires_on=date(2027, 6, 30),
            created_on=TODAY,
        )
    ]
    assert "h" * 64 not in repr(events) and "h" * 64 not in repr(create())
    state = fold(apikey.apply, events)
    assert (state.role, state.scope, state.usable_on(date(2027, 6, 30))) == ("unit", f"unit:{HA_TINH}", True)
    assert not state.usable_on(date(2027, 7, 1))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": "root"}, "role"),
        ({"role": "unit"}, "unit"),
        ({"role": "unit", "unit_id": HA_TINH, "cluster_id": CLUSTER_ID}, "unit"),
        ({"role": "cluster"}, "cluster"),
        ({"role": "admin", "unit_id": HA_TINH}, "role"),
        ({"role": "auditor", "cluster_id": CLUSTER_ID}, "role"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"expires_on": date(2026, 11, 30)}, "expires"),
    ],
)
def test_a_key_must_have_a_role_its_scope_fits_and_a_future(fields, field):
    with pytest.raises(errors.InvalidValue) as refused:
        apikey.create(None, create(**fields))
    assert refused.value.field == field


def test_a_key_is_issued_once_and_revoked_once():
    holder = key("integration")
    with pytest.raises(errors.AlreadyExists):
        apikey.create(holder, create())

    revoked = fold(apikey.apply, apikey.revoke(holder, c.RevokeApiKey(key_id="k1", revoked_on=TODAY)), holder)

    assert revoked.revoked_on == TODAY and not revoked.usable_on(TODAY)
    with pytest.raises(errors.AlreadyRevoked):
        apikey.revoke(revoked, c.RevokeApiKey(key_id="k1", revoked_on=TODAY))


def test_only_a_usable_key_is_admitted():
    holder = key("admin", expires_on=date(2026, 12, 31))  # type: ignore[arg-type]
    assert access.admit(holder, "k1", date(2026, 12, 31)) is holder
    for state, day in ((None, TODAY), (holder, date(2027, 1, 1))):
        with pytest.raises(errors.Unauthenticated):
            access.admit(state, "k1", day)
    revoked = fold(apikey.apply, [e.ApiKeyRevoked(revoked_on=TODAY)], holder)
    with pytest.raises(errors.Unauthenticated, match="revoked"):
        access.admit(revoked, "k1", TODAY)


# Every command, for a pact of CLUSTER_ID and for HA_TINH where it names a unit.
DAY = date(2022, 5, 13)
COMMANDS = {
    "register": c.RegisterUnit(id="x", name="Sở", province="X"),
    "rename": c.RenameUnit(unit_id=HA_TINH, name="Sở", province="X", effective_on=DAY),
    "merge": c.MergeUnit(unit_id=HA_TINH, into=NGHE_AN, effective_on=DAY, legal_basis="NQ"),
    "form": c.FormCluster(id="k", name="Cụm", region="X", members=(HA_TINH,), formed_on=DAY),
    "add": c.AddMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, joined_on=DAY),
    "remove": c.RemoveMember(cluster_id=CLUSTER_ID, unit_id=HA_TINH, effective_on=DAY),
    "repartition": c.DecideRepartition(
        cluster_id=CLUSTER_ID, unit_id=HA_TINH, admit_successor=True, decision_ref="QĐ", decided_on=DAY
    ),
    "lead": c.AssignLeadership(
        cluster_id=CLUSTER_ID, year=2022, chair=HA_TINH, deputy=NGHE_AN, decision_ref="QĐ"
    ),
    "flag": c.HandOverHostFlag(
        cluster_id=CLUSTER_ID,
        conference_number=10,
        year=2022,
        from_unit=HA_TINH,
        to_unit=NGHE_AN,
        handed_over_on=DAY,
    ),
    "propose": c.ProposePact(
        id="p",
        cluster_id=CLUSTER_ID,
        title="GƯ",
        theme="",
        year=2022,
        period_start=None,
        period_end=None,
        content_items=(),
        proposed_on=DAY,
    ),
    "sign": c.SignPact(pact_id=PACT_ID, unit_id=HA_TINH, signed_by="GĐ", signed_on=DAY),
    "target": c.SetTarget(
        pact_id=PACT_ID,
        code="T",
        title="T",
        kind="quantitative",
        measure="%",
        direction="at_least",
        value=1,
        weight=1,
    ),
    "result": c.RecordResult(
        pact_id=PACT_ID, unit_id=HA_TINH, target_code="T", value=1, reported_on=DAY, source="BC"
    ),
    "withdraw": c.WithdrawResult(
        pact_id=PACT_ID, unit_id=HA_TINH, target_code="T", reason="nhập nhầm", withdrawn_on=DAY
    ),
    "award": c.GrantAward(
        pact_id=PACT_ID, recipient_unit=HA_TINH, title="Cờ", conferred_by="TTg", granted_on=DAY
    ),
    "close": c.ClosePact(pact_id=PACT_ID, closed_on=DAY),
    "issue": create(),
    "revoke": c.RevokeApiKey(key_id="k1", revoked_on=DAY),
    "sheet": c.CreateScoreSheet(code="S", title="Bảng điểm", legal_basis="QĐ", valid_from=DAY, groups=()),
    "revise-sheet": c.ReviseScoreSheet(
        code="S", title="Bảng điểm", legal_basis="QĐ", valid_from=DAY, groups=()
    ),
    "adopt-sheet": c.AdoptScoreSheet(pact_id=PACT_ID, sheet_code="S", adopted_on=DAY),
    "assign-grader": c.AssignCrossGrader(
        pact_id=PACT_ID, unit_id=NGHE_AN, grader_id=HA_TINH, assigned_on=DAY
    ),
    "self": c.SubmitSelfAssessment(pact_id=PACT_ID, unit_id=HA_TINH, entries=(), submitted_on=DAY),
    "cross": c.SubmitCrossGrade(
        pact_id=PACT_ID, unit_id=NGHE_AN, grader_id=HA_TINH, entries=(), submitted_on=DAY
    ),
    "explain": c.FileExplanation(pact_id=PACT_ID, unit_id=HA_TINH, explanation="...", filed_on=DAY),
    "final": c.RecordFinalScore(pact_id=PACT_ID, unit_id=HA_TINH, entries=(), reason="...", recorded_on=DAY),
}
# The matrix, written out: what each role may do inside its own scope.
MAY = {
    "admin": set(COMMANDS),
    "cluster": {
        "propose",
        "close",
        "target",
        "result",
        "withdraw",
        "flag",
        "adopt-sheet",
        "assign-grader",
        "final",
    },
    "unit": {"sign", "result", "withdraw", "self", "cross", "explain"},
    "integration": {"result", "withdraw"},
    "auditor": set(),
}


def test_every_command_the_bus_handles_is_in_the_matrix():
    assert {type(cmd) for cmd in COMMANDS.values()} == set(HANDLERS)
    assert set(access.RIGHTS) == set(HANDLERS)


@pytest.mark.parametrize("role", sorted(MAY))
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_role_may_do_what_the_matrix_says_in_its_own_scope(role, name):
    scope = {"unit": {"unit_id": HA_TINH}, "cluster": {"cluster_id": CLUSTER_ID}}.get(role, {})
    holder = key(role, **scope)
    command = COMMANDS[name]

    if name in MAY[role]:
        access.authorize(holder, command, lambda pact_id: CLUSTER_ID)
    else:
        with pytest.raises(errors.Forbidden) as refused:
            access.authorize(holder, command, lambda pact_id: CLUSTER_ID)
        assert refused.value.right == access.right_of(command) and refused.value.right in refused.value.detail


@pytest.mark.parametrize("name", ["sign", "result", "withdraw", "self", "cross", "explain"])
def test_a_unit_key_acts_for_its_own_unit_only(name):
    with pytest.raises(errors.Forbidden, match=f"for unit {HA_TINH}"):
        access.authorize(key("unit", unit_id=NGHE_AN), COMMANDS[name], lambda pact_id: CLUSTER_ID)


@pytest.mark.parametrize(
    "name",
    ["propose", "close", "target", "result", "withdraw", "flag", "adopt-sheet", "assign-grader", "final"],
)
def test_a_cluster_key_acts_in_its_own_cluster_only(name):
    asked: list[str] = []

    def cluster_of(pact_id: str) -> str:
        asked.append(pact_id)
        return CLUSTER_ID

    with pytest.raises(errors.Forbidden, match=f"in cluster {CLUSTER_ID}"):
        access.authorize(key("cluster", cluster_id=OTHER_CLUSTER), COMMANDS[name], cluster_of)
    # The pact's cluster is looked up only for commands that name a pact, not a cluster.
    assert asked == ([PACT_ID] if hasattr(COMMANDS[name], "pact_id") else [])


def test_a_cross_grade_is_the_graders_act_not_the_graded_units():
    cross = COMMANDS["cross"]  # Hà Tĩnh grades Nghệ An

    access.authorize(key("unit", unit_id=HA_TINH), cross, lambda pact_id: CLUSTER_ID)
    with pytest.raises(errors.Forbidden, match=f"for unit {HA_TINH}"):
        access.authorize(key("unit", unit_id=NGHE_AN), cross, lambda pact_id: CLUSTER_ID)


def test_a_command_nobody_classified_is_for_admin_only():
    class WithdrawEverything(c.Command):
        pass

    right = access.right_of(WithdrawEverything())
    assert right == "admin:WithdrawEverything"
    access.authorize(key("admin"), WithdrawEverything(), lambda pact_id: CLUSTER_ID)
    for role, scope in (("integration", {}), ("unit", {"unit_id": HA_TINH})):
        with pytest.raises(errors.Forbidden):
            access.authorize(key(role, **scope), WithdrawEverything(), lambda pact_id: CLUSTER_ID)
