"""``python -m bench.plot OUT.svg FIGURES.json...``: path 8's curves as one SVG, no dependencies.

Each FIGURES file is what path 8 writes (``{server: {clients: [writes/s, p99 ms]}}``),
named ``bench-writes-<store>.json``. Two panels: writes/s and p99 (log scale) against
the number of clients (log scale), one line per server and store.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

W, H, PAD = 420, 300, 52
COLOURS = {"ours": "#1b7837", "today": "#b2182b", "bare": "#2166ac"}
LABELS = {"ours": "Pact Ledger, group commit", "today": "Pact Ledger, one tx per write", "bare": "bare app"}
DASH = {"sqlite": "", "postgresql": "6,4"}


def _x(clients: int, most: int) -> float:
    return PAD + (W - PAD - 12) * math.log2(clients) / math.log2(most)


def _panel(series, left: float, title: str, index: int, log_y: bool) -> list[str]:
    values = [v[index] for _, _, points in series for v in points.values()]
    top = max(values) * 1.1
    bottom = max(min(values) / 1.5, 1.0) if log_y else 0.0

    def y(value: float) -> float:
        if log_y:
            share = (math.log10(value) - math.log10(bottom)) / (math.log10(top) - math.log10(bottom))
        else:
            share = (value - bottom) / (top - bottom)
        return H - PAD - (H - PAD - 24) * share

    most = max(c for _, _, points in series for c in points)
    out = [
        f'<g transform="translate({left},0)">',
        f'<text x="{W / 2}" y="16" text-anchor="middle">{title}</text>',
    ]
    out.append(f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - 12}" y2="{H - PAD}" stroke="#444"/>')
    out.append(f'<line x1="{PAD}" y1="24" x2="{PAD}" y2="{H - PAD}" stroke="#444"/>')
    for clients in sorted({c for _, _, points in series for c in points}):
        out.append(
            f'<text x="{_x(clients, most):.1f}" y="{H - PAD + 16}" text-anchor="middle">{clients}</text>'
        )
    out.append(f'<text x="{W / 2}" y="{H - 12}" text-anchor="middle">clients</text>')
    ticks = (
        [bottom * (top / bottom) ** (k / 4) for k in range(5)] if log_y else [top * k / 4 for k in range(5)]
    )
    for tick in ticks:
        out.append(f'<text x="{PAD - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:,.0f}</text>')
        out.append(f'<line x1="{PAD}" y1="{y(tick):.1f}" x2="{W - 12}" y2="{y(tick):.1f}" stroke="#ddd"/>')
    for server, store, points in series:
        path = " ".join(f"{_x(c, most):.1f},{y(v[index]):.1f}" for c, v in sorted(points.items()))
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS[server]}" stroke-width="2" '
            f'stroke-dasharray="{DASH.get(store, "")}"/>'
        )
    return [*out, "</g>"]


def render(files: list[Path]) -> str:
    series = []
    for file in files:
        store = file.stem.removeprefix("bench-writes-")
        for server, points in json.loads(file.read_text()).items():
            series.append((server, store, {int(c): v for c, v in points.items()}))
    legend = []
    for server, store in ((s, st) for s in COLOURS for st in DASH):
        if not any(s == server and st == store for s, st, _ in series):
            continue
        y = H + 18 + 16 * (len(legend) // 2)
        x = 20 + (len(legend) % 2) * W
        legend.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 30}" y2="{y - 4}" stroke="{COLOURS[server]}" '
            f'stroke-width="2" stroke-dasharray="{DASH[store]}"/>'
            f'<text x="{x + 36}" y="{y}">{LABELS[server]} ({store})</text>'
        )
    height = H + 24 + 16 * ((len(legend) + 1) // 2)
    body = [
        *_panel(series, 0, "writes/s (higher is better)", 0, False),
        *_panel(series, W, "p99 latency, ms (log scale; lower is better)", 1, True),
        *legend,
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{height}" '
        f'font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(render([Path(a) for a in sys.argv[2:]]))
