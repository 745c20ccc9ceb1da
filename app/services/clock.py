"""The server's date, against which business dates may not run ahead."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

_day: tuple[float, date] = (0.0, date.min)  # (when it stops being today, UTC), today


def today() -> date:
    """The server's date (UTC), against which business dates may not run ahead.

    Asked once per result: kept until the next midnight rather than read from
    the clock each time (an import asks 10,000 times)."""
    global _day
    until, day = _day
    now = time.time()
    if now >= until:
        day = datetime.fromtimestamp(now, UTC).date()
        _day = ((now // 86_400 + 1) * 86_400, day)
    return day
