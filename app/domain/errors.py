"""Named domain errors. They carry no HTTP: the API maps each class to a status."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    slug = "domain-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    slug = "not-found"


class RuleViolated(DomainError):
    """A command would break an invariant of the real-world process."""

    slug = "rule-violated"


class AlreadyExists(RuleViolated):
    slug = "already-exists"


class NotAMember(RuleViolated):
    slug = "not-a-member"


class AlreadyAMember(RuleViolated):
    slug = "already-a-member"


class AlreadySigned(RuleViolated):
    slug = "already-signed"


class PactIsClosed(RuleViolated):
    slug = "pact-closed"


class PactExistsForYear(RuleViolated):
    """The cluster already has a pact for (part of) the years asked for: one pact per
    cluster and year, so that its standings never have to choose."""

    slug = "pact-exists-for-year"

    def __init__(self, detail: str, existing_pact_id: str) -> None:
        super().__init__(detail)
        self.existing_pact_id = existing_pact_id


class NoResult(RuleViolated):
    slug = "no-result"


class UnknownTarget(RuleViolated):
    slug = "unknown-target"


class TargetDoesNotApply(RuleViolated):
    slug = "target-does-not-apply"


class NotFlagHolder(RuleViolated):
    slug = "not-flag-holder"


class WrongConferenceNumber(RuleViolated):
    slug = "wrong-conference-number"


class SameChairAndDeputy(RuleViolated):
    slug = "same-chair-and-deputy"


class LeadershipAlreadyAssigned(RuleViolated):
    slug = "leadership-already-assigned"


class MemberOfAnotherCluster(RuleViolated):
    """A unit is a current member of at most one cluster."""

    slug = "member-of-another-cluster"


class NotPendingRepartition(RuleViolated):
    slug = "not-pending-repartition"


class UnitMergedAway(RuleViolated):
    """The unit was absorbed by a merger (sáp nhập) on or before that date."""

    slug = "unit-merged"


class DateOutOfOrder(RuleViolated):
    slug = "date-out-of-order"


class VersionConflict(DomainError):
    """The stream is not at the version the caller expected (optimistic concurrency)."""

    slug = "version-conflict"

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id} is at version {actual}, not the expected {expected}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class InvalidValue(DomainError):
    """A field's value is well-formed but not acceptable (maps to 422)."""

    slug = "invalid-value"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Unauthenticated(DomainError):
    """No usable key: none sent, unknown, revoked or expired (maps to 401)."""

    slug = "unauthenticated"


class Forbidden(DomainError):
    """A known key without the right a command needs, or outside its scope (maps to 403)."""

    slug = "forbidden"

    def __init__(self, detail: str, right: str) -> None:
        super().__init__(detail)
        self.right = right


class AlreadyRevoked(RuleViolated):
    slug = "already-revoked"


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row of an import: ``row`` counts from 1."""

    row: int
    field: str
    reason: str


class InvalidRows(DomainError):
    """Rows of an import break the rules; every bad row is listed (maps to 422)."""

    slug = "invalid-rows"

    def __init__(self, rows: list[RowError], total: int) -> None:
        bad = len({r.row for r in rows})
        super().__init__(f"{bad} of {total} rows are invalid; nothing was recorded")
        self.rows = sorted(rows, key=lambda r: r.row)
        self.total = total


# --- scoring by score sheet ------------------------------------------------------


class NoScoreSheet(RuleViolated):
    """The pact has adopted no score sheet, and the command needs one."""

    slug = "no-score-sheet"


class AssessmentStarted(RuleViolated):
    """The pact's score sheet is fixed once the first assessment is in."""

    slug = "assessment-started"


class SelfGrading(RuleViolated):
    """A unit cannot cross-grade itself (chấm chéo is by another member)."""

    slug = "self-grading"


class NotTheGrader(RuleViolated):
    slug = "not-the-grader"


class StageOutOfOrder(RuleViolated):
    """The stage comes too early or too late: self, cross (and explanation), final."""

    slug = "stage-out-of-order"


class AwaitingExplanation(RuleViolated):
    """The cross-grade differs from the self-assessment by more than the tolerance,
    and the unit has not explained (giải trình) yet."""

    slug = "awaiting-explanation"


class NoExplanationDue(RuleViolated):
    slug = "no-explanation-due"
