"""A long random (but seeded) life of the ledger, driven through the message bus.

A small shadow of the world decides which commands are valid next; the domain
itself decides everything else. ``step()`` performs one valid command (it must
succeed); ``invalid()`` returns a command the domain must refuse, with the
error class it must raise, so the test can check the refusal changed nothing.
Business dates only move forward, one day or more per step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain import commands as c
from app.domain import errors
from tests.integration.scenario_scoring import Scoring

Refusal = tuple[c.Command, type[errors.DomainError]]


@dataclass
class Cluster:
    members: dict[str, date]  # current member -> joined on
    holder: str | None = None
    last_handover: tuple[int, int] | None = None  # (conference number, year)
    led_years: set[int] = field(default_factory=set)
    pending: dict[str, str] = field(default_factory=dict)  # unit that left on its merger -> into


@dataclass
class Pact:
    cluster: str
    parties: tuple[str, ...]
    years: tuple[int, int]
    signed: set[str] = field(default_factory=set)
    targets: dict[str, c.SetTarget] = field(default_factory=dict)
    results: set[tuple[str, str]] = field(default_factory=set)
    closed: bool = False
    absent: str | None = None  # a party that never signs: the pact stays proposed


class Scenario:
    def __init__(self, bus, seed: int) -> None:
        self.bus, self.rng = bus, random.Random(seed)
        self.today = date(2015, 1, 5)
        self.active: list[str] = []
        self.merged: set[str] = set()
        self.clusters: dict[str, Cluster] = {}
        self.pacts: dict[str, Pact] = {}
        self.counts: dict[str, int] = {}
        self.keys: dict[str, bool] = {}  # key id -> revoked
        # Keys come and go on their own draws, so the rest of the life stays as it was.
        self.key_rng = random.Random(seed + 1_000)
        # So does the year-end scoring (score sheets and assessments).
        self.scoring = Scoring(self, random.Random(seed + 2_000))
        self._serial = 0

    def do(self, command: c.Command) -> None:
        try:
            self.bus.handle(command)
        except errors.DomainError as error:
            raise AssertionError(f"a valid step was refused: {command!r}: {error}") from error
        name = type(command).__name__
        self.counts[name] = self.counts.get(name, 0) + 1

    def step(self) -> None:
        self.today += timedelta(days=self.rng.randint(1, 12))
        if len(self.active) < 6 or len(self._unseated()) < 2:
            # One cluster per unit: keep some free units for clusters to form and grow.
            return self.do(self._register())
        if self.key_rng.random() < 0.08:
            revoke = self.key_rng.random() < 0.4 and self._revoke_key()
            self.do(revoke or self._issue_key())
        if self.scoring.rng.random() < 0.2 and (scoring := self.scoring.next()) is not None:
            self.do(scoring)
        weighted = [
            (self._register, 2),
            (self._rename, 2),
            (self._form, 2),
            (self._add, 4),
            (self._remove, 3),
            (self._merge, 2),
            (self._repartition, 2),
            (self._lead, 4),
            (self._hand_over, 4),
            (self._propose, 5),
            (self._sign, 8),
            (self._set_target, 10),
            (self._record, 24),
            (self._withdraw, 3),
            (self._award, 4),
            (self._close, 5),
        ]
        while True:
            (make,) = self.rng.choices([m for m, _ in weighted], [w for _, w in weighted])
            command = make()
            if command is not None:
                return self.do(command)

    def _next(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:03d}"

    def _pick(self, items):
        items = sorted(items)
        return self.rng.choice(items) if items else None

    def _open_pacts(self) -> list[str]:
        return [p for p, s in self.pacts.items() if not s.closed]

    # --- valid commands, each updating the shadow ---------------------------------

    def _register(self) -> c.RegisterUnit:
        unit_id = self._next("u")
        self.active.append(unit_id)
        return c.RegisterUnit(
            id=unit_id, name=f"Sở Công Thương {unit_id}", province="Thanh Hóa", registered_on=self.today
        )

    def _rename(self) -> c.RenameUnit:
        name = f"Sở CT {self._next('n')}"
        return c.RenameUnit(
            unit_id=self._pick(self.active), name=name, province="Nghệ An", effective_on=self.today
        )

    def _unseated(self) -> set[str]:
        """Active units in no cluster: the only ones a cluster may take (one cluster each)."""
        return set(self.active) - {u for s in self.clusters.values() for u in s.members}

    def _form(self) -> c.FormCluster | None:
        free = sorted(self._unseated())
        if len(self.clusters) >= 4 or len(free) < 2:
            return None
        members = tuple(self.rng.sample(free, self.rng.randint(2, min(6, len(free)))))
        cluster_id = self._next("k")
        self.clusters[cluster_id] = Cluster({u: self.today for u in members})
        return c.FormCluster(
            id=cluster_id,
            name=f"Cụm {cluster_id}",
            region="Bắc Trung Bộ",
            members=members,
            formed_on=self.today,
        )

    def _add(self) -> c.AddMember | None:
        cluster_id = self._pick(self.clusters)
        unit_id = self._pick(self._unseated()) if cluster_id else None
        if unit_id is None:
            return None
        self.clusters[cluster_id].members[unit_id] = self.today
        return c.AddMember(cluster_id=cluster_id, unit_id=unit_id, joined_on=self.today)

    def _remove(self) -> c.RemoveMember | None:
        cluster_id = self._pick(k for k, s in self.clusters.items() if len(s.members) > 2)
        if cluster_id is None:
            return None
        shadow = self.clusters[cluster_id]
        unit_id = self._pick(set(shadow.members) - {shadow.holder})
        del shadow.members[unit_id]
        return c.RemoveMember(cluster_id=cluster_id, unit_id=unit_id, effective_on=self.today)

    def _merge(self) -> c.MergeUnit | None:
        holders = {s.holder for s in self.clusters.values()}
        absorbed = self._pick(set(self.active) - holders)
        if absorbed is None or len(self.active) < 8:
            return None
        into = self._pick(set(self.active) - {absorbed})
        self.active.remove(absorbed)
        self.merged.add(absorbed)
        for shadow in self.clusters.values():
            if shadow.members.pop(absorbed, None) is not None and into not in shadow.members:
                shadow.pending[absorbed] = into
        return c.MergeUnit(
            unit_id=absorbed, into=into, effective_on=self.today, legal_basis="Nghị quyết 202/2025/QH15"
        )

    def _repartition(self) -> c.DecideRepartition | None:
        """An admin decides a seat a merger emptied: admits the successor when it may join."""
        cluster_id = self._pick(k for k, s in self.clusters.items() if s.pending)
        if cluster_id is None:
            return None
        shadow = self.clusters[cluster_id]
        unit_id = self._pick(shadow.pending)
        into = shadow.pending.pop(unit_id)
        admit = into in self._unseated() and self.rng.random() < 0.7
        if admit:
            shadow.members[into] = self.today
        return c.DecideRepartition(
            cluster_id=cluster_id,
            unit_id=unit_id,
            admit_successor=admit,
            decision_ref=f"QĐ {self._next('r')}/QĐ-BCT",
            decided_on=self.today,
        )

    def _lead(self) -> c.AssignLeadership | None:
        year = self.today.year
        cluster_id = self._pick(
            k for k, s in self.clusters.items() if year not in s.led_years and len(s.members) > 1
        )
        if cluster_id is None:
            return None
        shadow = self.clusters[cluster_id]
        chair, deputy = self.rng.sample(sorted(shadow.members), 2)
        shadow.led_years.add(year)
        ref = f"QĐ {year}/{cluster_id}"
        return c.AssignLeadership(
            cluster_id=cluster_id,
            year=year,
            chair=chair,
            deputy=deputy,
            decision_ref=ref,
            decided_on=self.today,
        )

    def _hand_over(self) -> c.HandOverHostFlag | None:
        year = self.today.year
        cluster_id = self._pick(
            k
            for k, s in self.clusters.items()
            if (s.last_handover is None or s.last_handover[1] < year)
            and (s.holder is None or s.holder in s.members)
            and len(s.members) > 1
        )
        if cluster_id is None:
            return None
        shadow = self.clusters[cluster_id]
        giver = shadow.holder or self._pick(shadow.members)
        receiver = self._pick(set(shadow.members) - {giver})
        number = shadow.last_handover[0] + 1 if shadow.last_handover else self.rng.randint(1, 20)
        shadow.holder, shadow.last_handover = receiver, (number, year)
        return c.HandOverHostFlag(
            cluster_id=cluster_id,
            conference_number=number,
            year=year,
            from_unit=giver,
            to_unit=receiver,
            handed_over_on=self.today,
        )

    def _taken(self, cluster_id: str, first: int, last: int) -> str | None:
        """The cluster's pact for any of these years, if it has one (one pact per cluster-year)."""
        for pact_id, shadow in sorted(self.pacts.items()):
            if shadow.cluster == cluster_id and first <= shadow.years[1] and shadow.years[0] <= last:
                return pact_id
        return None

    def _propose(self) -> c.ProposePact | None:
        # This year's pact, or (as at a year-end review) next year's.
        year = self.today.year + self.rng.choice([0, 1])
        multi_year = self.rng.random() < 0.3
        years = (year, year + 2) if multi_year else (year, year)
        cluster_id = self._pick(k for k in self.clusters if self._taken(k, *years) is None)
        if cluster_id is None or len(self._open_pacts()) >= 5:
            return None
        pact_id = self._next("p")
        parties = tuple(self.clusters[cluster_id].members)
        absent = self.rng.choice(sorted(parties)) if self.rng.random() < 0.15 else None
        self.pacts[pact_id] = Pact(cluster_id, parties, years, absent=absent)
        return c.ProposePact(
            id=pact_id,
            cluster_id=cluster_id,
            title=f"Giao ước {pact_id}",
            theme="Thi đua chuyển đổi số",
            year=None if multi_year else year,
            period_start=year if multi_year else None,
            period_end=year + 2 if multi_year else None,
            content_items=("Nội dung 1", "Nội dung 2"),
            proposed_on=self.today,
            attainment_cap=self.rng.choice([1.0, 1.2, 1.5]),
        )

    def _sign(self) -> c.SignPact | None:
        choices = [
            (p, u)
            for p in self._open_pacts()
            for u in self.pacts[p].parties
            if u not in self.pacts[p].signed
            and u != self.pacts[p].absent
            and u in self.active
            and u in self.clusters[self.pacts[p].cluster].members
        ]
        if not choices:
            return None
        pact_id, unit_id = self.rng.choice(choices)
        self.pacts[pact_id].signed.add(unit_id)
        return c.SignPact(
            pact_id=pact_id, unit_id=unit_id, signed_by=f"Giám đốc {unit_id}", signed_on=self.today
        )

    def _set_target(self) -> c.SetTarget | None:
        pact_id = self._pick(self._open_pacts())
        if pact_id is None:
            return None
        shadow, rng, day = self.pacts[pact_id], self.rng, self.today
        fresh = f"T{len(shadow.targets) + 1}"
        code = rng.choice([*shadow.targets, fresh, fresh])  # re-set an old code a third of the time
        weight = float(rng.choice([5, 10, 20]))
        applies_to = None
        if rng.random() < 0.3:
            chosen = rng.sample(shadow.parties, rng.randint(1, len(shadow.parties)))
            applies_to = tuple(sorted(chosen))
        qualitative = rng.random() < 0.3
        if any(code == reported for _, reported in shadow.results):
            # A target with results keeps its kind: the results would change meaning.
            qualitative = shadow.targets[code].kind == "qualitative"
        if qualitative:
            command = c.SetTarget(
                pact_id=pact_id,
                code=code,
                title=f"Tiêu chí {code}",
                kind="qualitative",
                measure="điểm",
                direction="at_least",
                value=None,
                weight=weight,
                applies_to=applies_to,
                set_on=day,
            )
        else:
            direction = rng.choice(["at_least", "at_most"])
            value = rng.choice([0, 50, 250]) if direction == "at_most" else rng.randint(1, 300)
            command = c.SetTarget(
                pact_id=pact_id,
                code=code,
                title=f"Chỉ tiêu {code}",
                kind="quantitative",
                measure="%",
                direction=direction,
                value=float(value),
                weight=weight,
                applies_to=applies_to,
                set_on=day,
            )
        shadow.targets[code] = command
        return command

    def _record(self) -> c.RecordResult | None:
        choices = [
            (p, u, code)
            for p in self._open_pacts()
            for code, target in self.pacts[p].targets.items()
            for u in (target.applies_to or self.pacts[p].parties)
        ]
        if not choices:
            return None
        # Now and then report again on a result already recorded: it supersedes.
        again = [key for key in choices if (key[1], key[2]) in self.pacts[key[0]].results]
        if again and self.rng.random() < 0.3:
            choices = again
        pact_id, unit_id, code = self.rng.choice(choices)
        target = self.pacts[pact_id].targets[code]
        if target.kind == "qualitative":
            value = float(self.rng.randint(0, int(target.weight)))
        else:
            value = round(self.rng.uniform(0, 2 * (target.value or 10)), 2)
        self.pacts[pact_id].results.add((unit_id, code))
        note = None if value else "chưa đạt"
        return c.RecordResult(
            pact_id=pact_id,
            unit_id=unit_id,
            target_code=code,
            value=value,
            reported_on=self.today,
            source="báo cáo năm",
            note=note,
        )

    def _withdraw(self) -> c.WithdrawResult | None:
        choices = [(p, u, code) for p in self._open_pacts() for u, code in self.pacts[p].results]
        if not choices:
            return None
        pact_id, unit_id, code = self._pick(choices)
        self.pacts[pact_id].results.discard((unit_id, code))
        return c.WithdrawResult(
            pact_id=pact_id,
            unit_id=unit_id,
            target_code=code,
            reason="Số liệu báo cáo sai, chờ báo cáo lại",
            withdrawn_on=self.today,
        )

    def _award(self) -> c.GrantAward | None:
        choices = [(p, u) for p, s in self.pacts.items() for u in s.parties if u in self.active]
        if not choices:
            return None
        pact_id, unit_id = self.rng.choice(choices)
        person, ref = self.rng.choice([None, "Nguyễn Văn A"]), self.rng.choice([None, "QĐ 1/TTg"])
        return c.GrantAward(
            pact_id=pact_id,
            recipient_unit=unit_id,
            title="Cờ thi đua",
            conferred_by="Thủ tướng",
            granted_on=self.today,
            recipient_person=person,
            decision_ref=ref,
        )

    def _close(self) -> c.ClosePact | None:
        pact_id = self._pick(p for p in self._open_pacts() if len(self.pacts[p].results) >= 5)
        if pact_id is None:
            return None
        self.pacts[pact_id].closed = True
        return c.ClosePact(pact_id=pact_id, closed_on=self.today)

    def _issue_key(self) -> c.CreateApiKey:
        key_id = f"key{len(self.keys) + 1:03d}"
        self.keys[key_id] = False
        role = self.key_rng.choice(["admin", "cluster", "unit", "integration", "auditor"])
        scope: dict[str, str] = {}
        if role == "unit":
            scope["unit_id"] = sorted(self.active)[self.key_rng.randrange(len(self.active))]
        elif role == "cluster" and self.clusters:
            scope["cluster_id"] = sorted(self.clusters)[self.key_rng.randrange(len(self.clusters))]
        elif role == "cluster":
            role = "integration"
        expires = self.key_rng.choice([None, self.today + timedelta(days=365)])
        return c.CreateApiKey(
            id=key_id,
            name=f"Văn phòng {key_id}",
            role=role,
            created_on=self.today,
            secret_hash="0" * 64,
            expires_on=expires,
            **scope,
        )

    def _revoke_key(self) -> c.RevokeApiKey | None:
        live = sorted(k for k, revoked in self.keys.items() if not revoked)
        if not live:
            return None
        key_id = self.key_rng.choice(live)
        self.keys[key_id] = True
        return c.RevokeApiKey(key_id=key_id, revoked_on=self.today, reason="hết nhiệm kỳ")

    # --- commands the domain must refuse ----------------------------------------

    def invalid(self) -> Refusal:
        if self.scoring.rng.random() < 0.15:
            return self.scoring.rng.choice(self.scoring.refusals())
        if self.key_rng.random() < 0.15:
            revoked = sorted(k for k, gone in self.keys.items() if gone)
            if revoked and self.key_rng.random() < 0.5:
                again = c.RevokeApiKey(key_id=self.key_rng.choice(revoked), revoked_on=self.today)
                return again, errors.AlreadyRevoked
            root = c.CreateApiKey(
                id="key-x", name="x", role="root", created_on=self.today, secret_hash="0" * 64
            )
            return root, errors.InvalidValue
        if self.rng.random() < 0.25:
            joiner = self._same_day_joiner()
            if joiner:
                return joiner
        day, unit_id = self.today, self._pick(self.active)
        refusals: list[Refusal] = [
            (
                c.RegisterUnit(id=unit_id, name="Trùng mã", province="Hà Tĩnh", registered_on=day),
                errors.AlreadyExists,
            ),
            (
                c.RenameUnit(unit_id="u999", name="Không có", province="Hà Tĩnh", effective_on=day),
                errors.NotFound,
            ),
            (
                c.RenameUnit(
                    unit_id=unit_id, name="Cũ", province="Huế", effective_on=day, expected_version=0
                ),
                errors.VersionConflict,
            ),
            (
                c.MergeUnit(unit_id=unit_id, into=unit_id, effective_on=day, legal_basis="NQ"),
                errors.InvalidValue,
            ),
        ]
        if self.merged:
            gone = self._pick(self.merged)
            refusals += [
                (
                    c.MergeUnit(unit_id=gone, into=unit_id, effective_on=day, legal_basis="NQ"),
                    errors.UnitMergedAway,
                ),
                (
                    c.RenameUnit(unit_id=gone, name="Mới", province="Huế", effective_on=day),
                    errors.UnitMergedAway,
                ),
            ]
        if self.clusters:
            k = self._pick(self.clusters)
            shadow = self.clusters[k]
            member = self._pick(shadow.members)
            outsider = self._pick(set(self.active) - set(shadow.members))
            refusals += [
                (c.AddMember(cluster_id=k, unit_id=member, joined_on=day), errors.AlreadyAMember),
                (
                    c.AssignLeadership(
                        cluster_id=k, year=2099, chair=member, deputy=member, decision_ref="QĐ"
                    ),
                    errors.SameChairAndDeputy,
                ),
            ]
            if outsider:
                refusals.append(
                    (c.RemoveMember(cluster_id=k, unit_id=outsider, effective_on=day), errors.NotAMember)
                )
            elsewhere = self._pick(
                set().union(*(s.members for s in self.clusters.values())) - set(shadow.members)
            )
            if elsewhere:
                joining = c.AddMember(cluster_id=k, unit_id=elsewhere, joined_on=day)
                refusals.append((joining, errors.MemberOfAnotherCluster))
            never_left = c.DecideRepartition(
                cluster_id=k, unit_id=member, admit_successor=True, decision_ref="QĐ", decided_on=day
            )
            refusals.append((never_left, errors.NotPendingRepartition))
            if shadow.holder in shadow.members and len(shadow.members) > 1:
                other = self._pick(set(shadow.members) - {shadow.holder})
                handover = c.HandOverHostFlag(
                    cluster_id=k,
                    conference_number=99,
                    year=2099,
                    from_unit=other,
                    to_unit=shadow.holder,
                    handed_over_on=day,
                )
                refusals.append((handover, errors.NotFlagHolder))
        for p in self._pick_some(self._open_pacts()):
            refusals += [
                (
                    c.RecordResult(
                        pact_id=p, unit_id=unit_id, target_code="NOPE", value=1.0, reported_on=day, source="x"
                    ),
                    errors.UnknownTarget,
                ),
                (
                    c.SetTarget(
                        pact_id=p,
                        code="T1",
                        title="x",
                        kind="quantitative",
                        measure="%",
                        direction="at_least",
                        value=10,
                        weight=0,
                    ),
                    errors.InvalidValue,
                ),
                (
                    c.ProposePact(
                        id=p,
                        cluster_id=self.pacts[p].cluster,
                        title="x",
                        theme="x",
                        year=2020,
                        period_start=None,
                        period_end=None,
                        content_items=(),
                        proposed_on=day,
                    ),
                    errors.AlreadyExists,
                ),
            ]
            shadow = self.pacts[p]
            clash = c.ProposePact(
                id=f"{p}-bis",
                cluster_id=shadow.cluster,
                title="x",
                theme="x",
                year=shadow.years[1],
                period_start=None,
                period_end=None,
                content_items=(),
                proposed_on=day,
            )
            refusals.append((clash, errors.PactExistsForYear))
            missing = [(u, t) for t in shadow.targets for u in shadow.parties if (u, t) not in shadow.results]
            for unit, code in missing[:1]:
                withdrawal = c.WithdrawResult(
                    pact_id=p, unit_id=unit, target_code=code, reason="x", withdrawn_on=day
                )
                refusals.append((withdrawal, errors.NoResult))
            for _, code in sorted(self.pacts[p].results)[:1]:
                was = self.pacts[p].targets[code].kind
                kind = "quantitative" if was == "qualitative" else "qualitative"
                turned = c.SetTarget(
                    pact_id=p,
                    code=code,
                    title="x",
                    kind=kind,
                    measure="%",
                    direction="at_least",
                    value=10,
                    weight=5,
                )
                refusals.append((turned, errors.RuleViolated))
        for p in self._pick_some([p for p, s in self.pacts.items() if s.closed]):
            refusals += [
                (c.ClosePact(pact_id=p, closed_on=day), errors.PactIsClosed),
                (
                    c.SetTarget(
                        pact_id=p,
                        code="T9",
                        title="x",
                        kind="qualitative",
                        measure="đ",
                        direction="at_least",
                        value=None,
                        weight=5,
                    ),
                    errors.PactIsClosed,
                ),
            ]
        return self.rng.choice(refusals)

    def _pick_some(self, items: list[str]) -> list[str]:
        return [self._pick(items)] if items else []

    def _same_day_joiner(self) -> Refusal | None:
        """A merger that fails half-way: the unit's own event is fine, but its new cluster
        seat cannot be left on the day it was taken. Nothing of it may survive: no event,
        no row, no cached state."""
        command = self._add()
        if command is None:
            return None
        self.do(command)
        into = self._pick(set(self.active) - {command.unit_id})
        return c.MergeUnit(
            unit_id=command.unit_id, into=into, effective_on=self.today, legal_basis="NQ"
        ), errors.DateOutOfOrder
