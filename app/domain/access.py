"""Who may do what: the right each command needs, and the roles that hold it.

Authorisation is a rule of the ledger, not of HTTP. The message bus checks every
command against the key that sent it, each row of an import included, with the
states the command touches at hand (a pact's cluster). A command type missing
from ``RIGHTS`` needs a right only ``admin`` holds: new writes start closed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.domain import commands as c
from app.domain.apikey import ApiKey
from app.domain.errors import Forbidden, Unauthenticated

RIGHTS: dict[type[c.Command], str] = {
    c.RegisterUnit: "units:write",
    c.RenameUnit: "units:write",
    c.MergeUnit: "units:write",
    c.FormCluster: "clusters:write",
    c.AddMember: "clusters:write",
    c.RemoveMember: "clusters:write",
    c.DecideRepartition: "clusters:repartition",
    c.AssignLeadership: "clusters:leadership",
    c.HandOverHostFlag: "clusters:host-flag",
    c.ProposePact: "pacts:propose",
    c.SignPact: "pacts:sign",
    c.SetTarget: "pacts:targets",
    c.RecordResult: "pacts:results",
    c.WithdrawResult: "pacts:results",
    c.GrantAward: "pacts:awards",
    c.ClosePact: "pacts:close",
    c.CreateApiKey: "keys:manage",
    c.RevokeApiKey: "keys:manage",
    # Scoring by score sheet (docs/scoring.md): sheets are the Ministry's (admin);
    # the chair's office (a cluster key) adopts one and runs the stages; each
    # unit assesses itself, explains, and cross-grades the unit it was assigned.
    c.CreateScoreSheet: "sheets:write",
    c.ReviseScoreSheet: "sheets:write",
    c.AdoptScoreSheet: "assessments:manage",
    c.AssignCrossGrader: "assessments:manage",
    c.RecordFinalScore: "assessments:final",
    c.SubmitSelfAssessment: "assessments:own",
    c.FileExplanation: "assessments:own",
    c.SubmitCrossGrade: "assessments:cross",
}

# What each role may do; "cluster" keys only in their cluster, "unit" keys only
# for their unit. admin holds every right, also those of unclassified commands.
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(RIGHTS.values()),
    "cluster": frozenset(
        {"pacts:propose", "pacts:close", "pacts:targets", "pacts:results", "clusters:host-flag"}
        | {"assessments:manage", "assessments:final"}
    ),
    "unit": frozenset({"pacts:sign", "pacts:results"} | {"assessments:own", "assessments:cross"}),
    "integration": frozenset({"pacts:results"}),
    "auditor": frozenset(),
}


# The field naming the unit a unit key acts for, where it is not ``unit_id``: a
# cross-grade is the grader's act, about another unit.
ACTING_UNIT: dict[type[c.Command], str] = {c.SubmitCrossGrade: "grader_id"}


def right_of(command: c.Command) -> str:
    return RIGHTS.get(type(command)) or f"admin:{type(command).__name__}"


def admit(key: ApiKey | None, key_id: str, today: date) -> ApiKey:
    """The key's current state, if it may act at all today: it exists, is not revoked, not expired."""
    if key is None:
        raise Unauthenticated(f"no key {key_id}")
    if key.revoked_on is not None:
        raise Unauthenticated(f"key {key_id} was revoked on {key.revoked_on.isoformat()}")
    if not key.usable_on(today):
        assert key.expires_on is not None
        raise Unauthenticated(f"key {key_id} expired after {key.expires_on.isoformat()}")
    return key


def authorize(key: ApiKey, command: c.Command, cluster_of_pact: Callable[[str], str]) -> None:
    """Raise Forbidden unless the key's role holds the command's right within its scope.

    ``cluster_of_pact(pact_id)`` is asked only for a cluster-scoped key on a pact command.
    """
    if key.role == "admin":
        return
    right = right_of(command)
    who = f"key {key.name!r} (role {key.role}{f', {key.scope}' if key.scope else ''})"
    if right not in GRANTS.get(key.role, frozenset()):
        raise Forbidden(f"{who} lacks the right {right}", right)
    if key.role == "unit":
        unit_id = getattr(command, ACTING_UNIT.get(type(command), "unit_id"), None)
        if unit_id != key.unit_id:
            raise Forbidden(f"{who} lacks the right {right} for unit {unit_id}", right)
    elif key.role == "cluster":
        cluster_id = getattr(command, "cluster_id", None)
        pact_id = getattr(command, "pact_id", None)
        if cluster_id is None and pact_id is not None:
            cluster_id = cluster_of_pact(pact_id)
        if cluster_id != key.cluster_id:
            raise Forbidden(f"{who} lacks the right {right} in cluster {cluster_id}", right)
