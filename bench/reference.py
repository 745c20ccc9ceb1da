"""The reference: the eventsourcing library (9.x) doing the same shape of work.

One ``Pact`` aggregate per cluster-year with the same invariants the pact keeps
in our domain (a party signs once, never before the proposal; a target must exist
and apply; a closed pact takes nothing). One ``save`` per command, like one
transaction per command on our side. Dates travel as ISO strings through a
registered transcoding, as ours do in JSON.

Durability: on SQLite the library already switches to WAL; we also set
``PRAGMA synchronous=FULL`` on every connection it opens (SQLite's default is
FULL too, but we do not rely on the build's default) and read it back. On
PostgreSQL both sides talk to the same server, so fsync/synchronous_commit are
the server's, equal for both.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import eventsourcing.sqlite as es_sqlite
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, Transcoding

from app.domain import commands as c
from bench import workload as w

# --- durability: synchronous=FULL on every SQLite connection the library opens ---------

_original_create = es_sqlite.SQLiteConnectionPool._create_connection


def _create_connection_full_sync(self: es_sqlite.SQLiteConnectionPool) -> Any:
    connection = _original_create(self)
    raw: sqlite3.Connection = connection._sqlite_conn
    raw.execute("PRAGMA synchronous=FULL")
    return connection


es_sqlite.SQLiteConnectionPool._create_connection = _create_connection_full_sync  # type: ignore[method-assign]


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class PactError(Exception):
    pass


class Pact(Aggregate):
    @staticmethod
    def create_id(pact_id: str, **_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, f"/pacts/{pact_id}")

    @event("Proposed")
    def __init__(
        self,
        pact_id: str,
        cluster_id: str,
        title: str,
        theme: str,
        year: int,
        content_items: list[str],
        parties: list[str],
        proposed_on: date,
        attainment_cap: float,
    ) -> None:
        self.pact_id, self.cluster_id, self.title, self.theme = pact_id, cluster_id, title, theme
        self.year, self.content_items, self.parties = year, content_items, parties
        self.proposed_on, self.attainment_cap = proposed_on, attainment_cap
        self.signatures: dict[str, dict] = {}
        self.targets: dict[str, dict] = {}
        self.results: dict[str, dict] = {}  # "unit|target" -> latest result
        self.closed_on: date | None = None

    def _ensure_open(self) -> None:
        if self.closed_on is not None:
            raise PactError("closed")

    def sign(self, unit_id: str, signed_by: str, signed_on: date) -> None:
        self._ensure_open()
        if unit_id not in self.parties:
            raise PactError("not a party")
        if unit_id in self.signatures:
            raise PactError("already signed")
        if signed_on < self.proposed_on:
            raise PactError("signed before proposal")
        self._signed(unit_id, signed_by, signed_on)

    @event("Signed")
    def _signed(self, unit_id: str, signed_by: str, signed_on: date) -> None:
        self.signatures[unit_id] = {"signed_by": signed_by, "signed_on": signed_on}

    def set_target(
        self,
        code: str,
        title: str,
        kind: str,
        measure: str,
        direction: str,
        value: float | None,
        weight: float,
        applies_to: list[str] | None,
        set_on: date | None,
    ) -> None:
        self._ensure_open()
        if kind not in ("quantitative", "qualitative") or direction not in ("at_least", "at_most"):
            raise PactError("bad target")
        if not weight > 0 or (kind == "quantitative" and value is None):
            raise PactError("bad target")
        self._target_set(code, title, kind, measure, direction, value, weight, applies_to, set_on)

    @event("TargetSet")
    def _target_set(
        self,
        code: str,
        title: str,
        kind: str,
        measure: str,
        direction: str,
        value: float | None,
        weight: float,
        applies_to: list[str] | None,
        set_on: date | None,
    ) -> None:
        self.targets[code] = {
            "title": title,
            "kind": kind,
            "measure": measure,
            "direction": direction,
            "value": value,
            "weight": weight,
            "applies_to": applies_to,
            "set_on": set_on,
        }

    def record_result(
        self,
        unit_id: str,
        target_code: str,
        value: float,
        reported_on: date,
        source: str,
        note: str | None,
    ) -> None:
        self._ensure_open()
        target = self.targets.get(target_code)
        if target is None:
            raise PactError("unknown target")
        if unit_id not in self.parties:
            raise PactError("not a party")
        if target["applies_to"] is not None and unit_id not in target["applies_to"]:
            raise PactError("does not apply")
        self._result_recorded(unit_id, target_code, value, reported_on, source, note)

    @event("ResultRecorded")
    def _result_recorded(
        self,
        unit_id: str,
        target_code: str,
        value: float,
        reported_on: date,
        source: str,
        note: str | None,
    ) -> None:
        self.results[f"{unit_id}|{target_code}"] = {
            "value": value,
            "reported_on": reported_on,
            "source": source,
            "note": note,
        }


class Pacts(Application):
    """The application: one save per command, an aggregate cache like our state cache."""

    env = {
        # Like our StateCache (20,000 states, tail-read on every load): the library's
        # cache, fast-forwarded from the store on every get (its default), deep-copied
        # on the way out (its default, the safe setting).
        "AGGREGATE_CACHE_MAXSIZE": "20000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- commands: the same command objects our bus gets ----------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Our side reads a pact's parties from its cluster aggregate; the reference has
        # no clusters, so it is told the members (a dict lookup, cheaper than ours).
        self.parties_of: dict[str, list[str]] = {}

    def handle(self, cmd: c.Command) -> None:
        """One command: load (cache + fast-forward), decide, save once (one transaction)."""
        if type(cmd) is c.ProposePact:
            self.save(self._propose(cmd))
            return
        pact: Pact = self.repository.get(Pact.create_id(cmd.pact_id))
        _DECIDE[type(cmd)](pact, cmd)
        self.save(pact)

    def handle_many(self, commands: list[c.Command]) -> None:
        """Many commands, one save (one transaction): what an import does."""
        touched: dict[str, Pact] = {}
        for cmd in commands:
            if type(cmd) is c.ProposePact:
                touched[cmd.id] = self._propose(cmd)
                continue
            pact = touched.get(cmd.pact_id)
            if pact is None:
                pact = touched[cmd.pact_id] = self.repository.get(Pact.create_id(cmd.pact_id))
            _DECIDE[type(cmd)](pact, cmd)
        self.save(*touched.values())

    def _propose(self, cmd: c.ProposePact) -> Pact:
        return Pact(
            pact_id=cmd.id,
            cluster_id=cmd.cluster_id,
            title=cmd.title,
            theme=cmd.theme,
            year=cmd.year,
            content_items=list(cmd.content_items),
            parties=list(self.parties_of[cmd.cluster_id]),
            proposed_on=cmd.proposed_on,
            attainment_cap=cmd.attainment_cap,
        )

    # --- reads ------------------------------------------------------------------------

    def replay_all(self, batch: int = 5000) -> tuple[int, int]:
        """Plain replay of the whole log: decode every event and fold it, no writes."""
        aggregates: dict[UUID, Any] = {}
        start, count = 1, 0
        recorder, mapper = self.recorder, self.mapper
        while True:
            notifications = recorder.select_notifications(start=start, limit=batch)
            if not notifications:
                break
            for n in notifications:
                domain_event = mapper.to_domain_event(n)
                aggregates[domain_event.originator_id] = domain_event.mutate(
                    aggregates.get(domain_event.originator_id)
                )
            count += len(notifications)
            start = notifications[-1].id + 1
        return count, len(aggregates)

    def pact_at_version(self, pact_id: str, version: int) -> Pact:
        return self.repository.get(Pact.create_id(pact_id), version=version)


def _sign(pact: Pact, cmd: c.SignPact) -> None:
    pact.sign(cmd.unit_id, cmd.signed_by, cmd.signed_on)


def _set_target(pact: Pact, cmd: c.SetTarget) -> None:
    pact.set_target(
        cmd.code,
        cmd.title,
        cmd.kind,
        cmd.measure,
        cmd.direction,
        cmd.value,
        cmd.weight,
        list(cmd.applies_to) if cmd.applies_to is not None else None,
        cmd.set_on,
    )


def _record_result(pact: Pact, cmd: c.RecordResult) -> None:
    pact.record_result(cmd.unit_id, cmd.target_code, cmd.value, cmd.reported_on, cmd.source, cmd.note)


_DECIDE = {c.SignPact: _sign, c.SetTarget: _set_target, c.RecordResult: _record_result}


@contextmanager
def reference_app(es_env: dict[str, str], cache: bool = True) -> Iterator[Pacts]:
    env = dict(es_env)
    if not cache:
        env["AGGREGATE_CACHE_MAXSIZE"] = ""
    app = Pacts(env=env)
    try:
        yield app
    finally:
        app.close()


def sqlite_synchronous(app: Pacts) -> str:
    """Reads back journal_mode and synchronous from one of the library's own connections."""
    datastore = app.factory.datastore  # type: ignore[attr-defined]
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        sync = cursor.fetchone()[0]
    return (
        f"journal_mode={mode}, synchronous={ {0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA'}.get(sync, sync) }"
    )


if __name__ == "__main__":  # pragma: no cover - a manual check
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": os.path.join(tmp, "x.db")}
        with reference_app(env) as app:
            app.parties_of = {w.cluster_id(0): list(w.members_of(0))}
            for cmd in w.pact_commands(w.PactSpec(0)):
                app.handle(cmd)
            app.handle_many(w.pact_commands(w.PactSpec(1)))
            print(sqlite_synchronous(app), app.replay_all())
