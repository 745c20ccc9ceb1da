"""Search without diacritics: the folded form of a name, its rows, and the query.

Folding is done here, in Python, for the rows the projector keeps and for the
query alike, so SQLite and PostgreSQL compare the same ASCII-like text with a
plain LIKE: "Đắk Lắk", "Dak Lak" and "ĐẮK LẮK" (NFC or NFD) all fold to "dak lak".
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.projections import tables as t

KINDS = ("unit", "cluster", "pact", "award")


def fold(text: str) -> str:
    """Lower case, no diacritics, Đ/đ as d, runs of white space as one space."""
    text = unicodedata.normalize("NFD", text).replace("Đ", "D").replace("đ", "d")
    bare = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def exact(text: str) -> str:
    """The text as typed, diacritics kept: NFC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def rows(kind: str, entity_id: str, names: list[str]) -> list[dict[str, Any]]:
    """One row per distinct name, in the order the entity bore them."""
    distinct = list(dict.fromkeys(names))
    stream_id = f"{kind}:{entity_id}"
    return [
        {"stream_id": stream_id, "seq": i, "kind": kind, "id": entity_id, "name": n, "folded": fold(n)}
        for i, n in enumerate(distinct, 1)
    ]


def award_row(pact_id: str, seq: int, title: str) -> dict[str, Any]:
    """An award of a pact, found by its title; its id names it within the pact."""
    return {
        "stream_id": f"pact:{pact_id}",
        "seq": 1 + seq,  # 1 is the pact's title
        "kind": "award",
        "id": f"{pact_id}/awards/{seq}",
        "name": title,
        "folded": fold(title),
    }


def _like(folded: str) -> str:
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(conn: Connection, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """Units (by every name they bore), clusters, pacts and awards whose folded name holds
    the folded query. Each entity once, under its best-matching name; matches that
    keep the query's diacritics first, then by kind and name."""
    folded = fold(q)
    if not folded:
        return []
    s = t.search_names.c
    found = conn.execute(
        sa.select(s.kind, s.id, s.name, s.seq)
        .where(s.folded.like(_like(folded), escape="\\"))
        .order_by(s.kind, s.id, s.seq)
    ).all()
    wanted = exact(q)
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in found:
        hit = {
            "kind": row.kind,
            "id": row.id,
            "name": row.name,
            "exact": wanted in exact(row.name),
        }
        key = (row.kind, row.id)
        # A later name wins a tie: a unit shows its latest matching name.
        if key not in best or hit["exact"] >= best[key]["exact"]:
            best[key] = hit
    ranked = sorted(
        best.values(), key=lambda h: (not h["exact"], KINDS.index(h["kind"]), fold(h["name"]), h["id"])
    )
    return ranked[:limit]
