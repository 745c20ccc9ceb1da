"""The HTTP baseline: a bare ``async def`` FastAPI endpoint returning a constant body.

Same route shape as ours (path parameter + ``year`` query parameter), same uvicorn
flags; the body is the bytes our endpoint answered (read from $BENCH_BARE_BODY).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Response

BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes() if "BENCH_BARE_BODY" in os.environ else b"{}"

app = FastAPI()


@app.get("/api/v1/clusters/{cluster_id}/standings")
async def standings(cluster_id: str, year: int) -> Response:
    return Response(content=BODY, media_type="application/json")
