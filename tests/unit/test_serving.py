"""app.serving.watch_parent: a worker of `pacts serve --workers N` never outlives its master."""

from __future__ import annotations

import os
import signal

from app import serving


def _kills(monkeypatch) -> list[tuple[int, int]]:
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(serving.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    return sent


def test_a_single_process_watches_no_master(monkeypatch):
    monkeypatch.delenv(serving.SUPERVISOR_ENV, raising=False)
    sent = _kills(monkeypatch)
    assert serving.watch_parent() is None and sent == []


def test_a_worker_whose_master_is_alive_watches_it(monkeypatch):
    monkeypatch.setenv(serving.SUPERVISOR_ENV, str(os.getppid()))
    sent = _kills(monkeypatch)
    thread = serving.watch_parent(every=0.01)
    assert thread is not None and thread.is_alive() and thread.daemon and sent == []


def test_a_worker_born_after_its_master_died_stops_at_once(monkeypatch):
    # uvicorn restarts a worker that misses its pings; the master may be killed meanwhile,
    # and the new worker's parent is then init: it stopped nothing before this check.
    monkeypatch.setenv(serving.SUPERVISOR_ENV, str(os.getppid() + 100_000))
    sent = _kills(monkeypatch)
    assert serving.watch_parent() is None
    assert sent == [(os.getpid(), signal.SIGTERM)]
