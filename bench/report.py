"""Rows of the result table: our figure, the reference's, their ratio, the goal, met or not."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Row:
    path: str
    store: str
    workload: str
    unit: str  # "cmd/s", "ev/s", "ms", "MB", "req/s"
    ours: float | None = None
    reference: float | None = None
    # ratio = ours / reference, oriented so that > 1 means "we are better" for rates
    # (higher is better) and shown as ours / reference for times (lower is better).
    goal: str = ""
    met: bool | None = None
    runs: list[float] = field(default_factory=list)
    ref_runs: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.reference:
            return None
        return self.ours / self.reference


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("ms",):
        text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    elif unit == "MB":
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def fmt_met(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[met]


HEADERS = ("path", "store", "workload", "ours", "reference", "ratio", "goal", "met?")


def cells(row: Row) -> tuple[str, ...]:
    return (
        row.path,
        row.store,
        row.workload,
        fmt(row.ours, row.unit),
        fmt(row.reference, row.unit),
        fmt_ratio(row.ratio),
        row.goal,
        fmt_met(row.met),
    )


def text_table(rows: Sequence[Row]) -> str:
    table = [HEADERS, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    notes = [f"  [{r.path}/{r.store}] {r.note}" for r in rows if r.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def markdown_table(rows: Sequence[Row]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |" for r in rows]
    return "\n".join(out)


def runs_detail(rows: Sequence[Row]) -> str:
    lines = []
    for r in rows:
        if r.runs:
            ours = ", ".join(fmt(v, r.unit) for v in r.runs)
            ref = ", ".join(fmt(v, r.unit) for v in r.ref_runs) or "-"
            lines.append(f"- {r.path} / {r.store}: ours [{ours}]; reference [{ref}]")
    return "\n".join(lines)


def at_least(threshold: float) -> Callable[[float], bool]:
    return lambda value: value >= threshold
