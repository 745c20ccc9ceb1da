"""Who may read what the auditors read: the whole log, its checkpoints, its verification.

Reading the log will need the ``auditor`` or ``admin`` role once API keys exist
(the trusted-writes issue). Until then the log is open like every other read.
This is the one place to tighten: every log route depends on it.
"""

from __future__ import annotations


async def require_log_reader() -> None:
    """Open for now. At merge with API keys: require a key whose role is auditor or admin
    (401 without a key, 403 with another role), like the writes' checks."""
