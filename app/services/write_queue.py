"""A process's write queue: FIFO, bounded, served by one writer at a time.

Requests wait in arrival order. The first to arrive at an idle queue becomes the
writer: it takes every job waiting (up to ``max_group``) in order, has them run
as one group, answers each, and hands the writer's role to the job now at the
head of the queue, which takes the next group; otherwise the queue goes idle.
No thread of its own: one client alone writes in its own thread, as before,
and no request overtakes an earlier one (a group is a prefix of the queue).

A job that must run alone (an import: its own transaction) is a group of its
own, in its turn. When ``max_waiting`` jobs wait already, a new one is refused
at once (``Overloaded``: the API answers 503 with Retry-After) rather than
letting every wait grow.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


class Overloaded(Exception):
    """The write queue is full: try again after ``retry_after`` seconds."""

    def __init__(self, waiting: int, retry_after: int) -> None:
        super().__init__(f"{waiting} writes are waiting already; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(eq=False, slots=True)
class Job:
    """One write waiting its turn: ``payload`` is the caller's; ``alone``: a group of its own."""

    payload: Any
    alone: bool = False
    result: Any = None
    error: BaseException | None = None
    lead: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class WriteQueue:
    def __init__(
        self,
        run_group: Callable[[Sequence[Job]], None],
        max_group: int = 64,
        max_waiting: int = 128,
        retry_after: int = 1,
    ) -> None:
        # run_group answers every job it is given (result or error) and never raises.
        self._run_group = run_group
        self.max_group, self.max_waiting, self.retry_after = max_group, max_waiting, retry_after
        self._waiting: deque[Job] = deque()
        self._busy = False
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """Jobs queued and not taken yet (the group being written is not counted)."""
        return len(self._waiting)

    @property
    def writing(self) -> bool:
        """A group is being written (or handed to the next writer) now."""
        return self._busy

    def submit(self, job: Job) -> Any:
        """Queue ``job``, wait for its answer (written by this thread or another), return it."""
        with self._lock:
            if len(self._waiting) >= self.max_waiting:
                raise Overloaded(len(self._waiting), self.retry_after)
            self._waiting.append(job)
            lead, self._busy = not self._busy, True
        if not lead:
            job.done.wait()
            if not job.lead:
                return job.outcome()
        self._write_one_group()
        return job.outcome()

    def _write_one_group(self) -> None:
        """As the writer: the group at the head of the queue (this thread's job first)."""
        with self._lock:
            group = [self._waiting.popleft()]
            if not group[0].alone:
                while self._waiting and len(group) < self.max_group and not self._waiting[0].alone:
                    group.append(self._waiting.popleft())
        try:
            self._run_group(group)
        except BaseException as error:  # run_group should not raise; if it did, nobody waits forever
            for job in group:
                if job.error is None and job.result is None:
                    job.error = error
        finally:
            with self._lock:
                if self._waiting:
                    head = self._waiting[0]
                    head.lead = True
                    head.done.set()
                else:
                    self._busy = False
            for job in group[1:]:
                job.done.set()
