"""`pacts push`: send a year's results file to a Pact Ledger server, once.

Built for integrations: the Idempotency-Key is derived from what is sent (the
file's bytes, the pact, the number format), so a retry, including a rerun of
the command after a crash, is the same request under the same key and the
server records the import at most once. Connection errors, 5xx and 429 are
retried with exponential backoff and full jitter (Retry-After is honoured);
anything else is final.

Exit status: 0 recorded (or checked, with --dry-run); 1 the server refused rows
(printed as a table: nothing was recorded); 2 another refusal (printed);
3 no answer after --max-attempts tries.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn
from rich.table import Table

ROWS_REFUSED, REFUSED, GAVE_UP = 1, 2, 3
MEDIA_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}
CHUNK = 64 * 1024


def idempotency_key(content: bytes, pact_id: str, number_format: str | None) -> str:
    """The same file for the same pact in the same format: the same key (64 hex digits)."""
    digest = hashlib.sha256()
    for part in (pact_id.encode(), (number_format or "").encode(), content):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return f"pacts-push-{digest.hexdigest()}"


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter: a uniform wait up to base x 2^(attempt-1), at most ``cap``."""
    return rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def endpoint(url: str, pact_id: str) -> str:
    base = url.rstrip("/").removesuffix("/api/v1")
    return f"{base}/api/v1/pacts/{pact_id}/results/batch"


def _chunks(content: bytes, advance: Callable[[int], None]) -> Iterator[bytes]:
    for start in range(0, len(content), CHUNK):
        piece = content[start : start + CHUNK]
        yield piece
        advance(len(piece))


def _problem_table(problem: dict[str, Any], console: Console) -> None:
    errors = problem.get("errors") or []
    if errors:
        table = Table("row", "field", "reason", title=problem.get("detail"), title_justify="left")
        for e in errors:
            table.add_row(str(e.get("row", "")), str(e.get("field", "")), str(e.get("reason", "")))
        console.print(table)
    else:
        console.print(f"{problem.get('title', 'refused')}: {problem.get('detail', '')}")


def _answer(response: httpx.Response, out: Console) -> int:
    try:
        body = response.json()
    except ValueError:
        body = {"title": f"HTTP {response.status_code}", "detail": response.text[:500]}
    if response.is_success:
        replayed = response.headers.get("idempotent-replayed") == "true"
        once = " (the answer kept from an earlier try: recorded once)" if replayed else ""
        if body.get("dry_run"):
            out.print(f"checked {body['rows']} rows for pact {body['id']}: all valid, nothing written")
        else:
            out.print(
                f"recorded {body['recorded']} results for pact {body['id']}: "
                f"version {body['version']}, log position {body['position']}{once}"
            )
        return 0
    out.print(f"HTTP {response.status_code}: nothing was recorded")
    _problem_table(body, out)
    is_rows = response.status_code == 422 and any("row" in e for e in body.get("errors") or [])
    return ROWS_REFUSED if is_rows else REFUSED


def push(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A .csv or .json file")
    ],
    pact: Annotated[str, typer.Option("--pact", help="The pact the results are for")],
    url: Annotated[str, typer.Option("--url", help="The server, e.g. https://pacts.example.gov.vn")],
    key: Annotated[str, typer.Option("--key", envvar="PACTS_API_KEY", help="API key (or PACTS_API_KEY)")],
    number_format: Annotated[
        str | None,
        typer.Option("--number-format", help="vi (1.234,5) or en (1,234.5): how the file writes numbers"),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Have every row checked, write nothing")] = False,
    max_attempts: Annotated[int, typer.Option(min=1, help="Tries before giving up")] = 10,
    backoff_base: Annotated[
        float, typer.Option("--backoff", min=0, help="The first retry's longest wait (seconds)")
    ] = 0.5,
    backoff_max: Annotated[
        float, typer.Option(min=0, help="The longest wait between tries (seconds)")
    ] = 30.0,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for the server's answer")] = 120.0,
) -> None:
    """Send a year's results (CSV or JSON) as one import: all rows or none, once."""
    media_type = MEDIA_TYPES.get(file.suffix.lower())
    if media_type is None:
        raise typer.BadParameter("the file must end in .csv or .json", param_hint="FILE")
    if number_format not in (None, "vi", "en"):
        raise typer.BadParameter("vi or en", param_hint="--number-format")
    content = file.read_bytes()
    headers = {
        "Content-Type": media_type,
        "Content-Length": str(len(content)),
        "Authorization": f"Bearer {key}",
        "Idempotency-Key": idempotency_key(content, pact, number_format),
    }
    params = {
        k: v for k, v in (("number_format", number_format), ("dry_run", "true" if dry_run else None)) if v
    }
    out, err = Console(), Console(stderr=True)
    rng = random.Random()
    target = endpoint(url, pact)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with (
        httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0)) as client,
        Progress(*columns, console=err) as bar,
    ):
        task: TaskID = bar.add_task(f"{file.name} → {pact}", total=len(content))
        for attempt in range(1, max_attempts + 1):
            bar.reset(task, total=len(content), description=f"{file.name} → {pact} (try {attempt})")
            wait: float | None = None
            try:
                response = client.post(
                    target,
                    content=_chunks(content, lambda n: bar.advance(task, n)),
                    headers=headers,
                    params=params,
                )
            except httpx.TransportError as error:
                reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            else:
                if response.status_code != 429 and response.status_code < 500:
                    bar.stop()
                    raise typer.Exit(_answer(response, out))
                reason, wait = f"HTTP {response.status_code}", retry_after(response)
            if attempt == max_attempts:
                break
            delay = max(backoff(attempt, backoff_base, backoff_max, rng), min(wait or 0.0, backoff_max))
            err.print(f"try {attempt} failed ({reason}); retrying in {delay:.1f} s with the same key")
            time.sleep(delay)
    err.print(f"no answer after {max_attempts} tries ({reason}); a rerun sends the same Idempotency-Key")
    raise typer.Exit(GAVE_UP)
