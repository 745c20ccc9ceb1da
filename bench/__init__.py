"""Benchmarks of Pact Ledger's core paths against the eventsourcing library (``make bench``).

``python -m bench --help`` lists the options; docs/benchmarks.md records a run and
explains what each side does and what dominates each path.
"""
