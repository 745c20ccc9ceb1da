"""`pacts demo`: load the facts of the seed articles through the ordinary commands.

One transaction (``MessageBus.handle_many``): the demo is recorded whole or not at
all. Loading it again writes nothing. What is fact and what is placeholder is
listed in docs/demo-data.md.
"""

from __future__ import annotations

from app.bootstrap import Ledger
from app.demo.data import demo_commands
from app.domain import errors
from app.domain.commands import RegisterUnit
from app.domain.unit import UNIT
from app.services.bus import Meta

META = Meta(actor="demo-loader", source="demo", reason="facts of the seed articles")


def _marker() -> str:
    first = demo_commands()[0]
    assert isinstance(first, RegisterUnit)
    return first.id


def is_loaded(ledger: Ledger) -> bool:
    """Whether the first demo unit's stream exists (read in a rolled-back unit of work)."""
    with ledger.unit_of_work() as uow:
        return uow.load(UNIT, _marker()) is not None


def load_demo(ledger: Ledger) -> int:
    """Record the demo data set; returns the number of events written (0 if already there)."""
    if is_loaded(ledger):
        return 0
    commands = demo_commands()
    try:
        acks = ledger.bus.handle_many(commands, META)
    except errors.AlreadyExists:
        if is_loaded(ledger):  # another loader committed first
            return 0
        raise
    # Every stream the demo touches is new, so its final version is its event count.
    final_versions = {ack.id: ack.version for ack in acks}
    return sum(final_versions.values())
