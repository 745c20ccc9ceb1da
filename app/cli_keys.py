"""`pacts keys create|list|revoke`: who may write what.

`create` prints the new key alone on stdout, so `KEY=$(pacts keys create ...)`
keeps it; everything else goes to stderr. The key is shown this once: the
ledger keeps only its keyed hash.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated

import sqlalchemy as sa
import typer

from app.bootstrap import Ledger, bootstrap
from app.domain.apikey import ROLES
from app.domain.cluster import CLUSTER
from app.domain.errors import DomainError
from app.domain.unit import UNIT
from app.projections.tables import api_keys
from app.services import keys
from app.services.bus import Meta
from app.settings import get_settings

keys_cli = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)

NO_SECRET = (
    "no key secret: set PACTS_KEY_SECRET (32 characters or more) or put one in {file}; "
    "`pacts demo` makes a local one"
)


def cli_meta() -> Meta:
    """Writes from the console name the account that ran them."""
    return Meta(actor=f"{getpass.getuser()}@{socket.gethostname()}", source="cli")


@contextmanager
def _ledger() -> Iterator[Ledger]:
    from app.cli import _ensure_migrated

    _ensure_migrated()
    ledger = bootstrap()
    try:
        yield ledger
    except DomainError as error:
        typer.secho(f"refused: {error.detail}", fg="red", err=True)
        raise typer.Exit(2) from error
    finally:
        ledger.close()


@keys_cli.command()
def create(
    name: str = typer.Option(..., help="Who holds the key, e.g. so-ct-ha-tinh or vu-thi-dua"),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}"),
    unit: str | None = typer.Option(None, help="The unit a `unit` key acts for"),
    cluster: str | None = typer.Option(None, help="The cluster a `cluster` key acts in"),
    expires: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The last day the key works (UTC); default: never expires"),
    ] = None,
) -> None:
    """Issue a key; print it alone on stdout (shown once)."""
    settings = get_settings()
    secret = settings.secret()
    if secret is None:
        typer.secho(NO_SECRET.format(file=settings.key_secret_file), fg="red", err=True)
        raise typer.Exit(2)
    with _ledger() as ledger:
        token, ack = keys.issue(
            ledger.bus,
            secret,
            name=name,
            role=role,
            unit_id=unit,
            cluster_id=cluster,
            expires_on=expires.date() if expires else None,
            meta=cli_meta(),
        )
    typer.echo(f"created key {ack.id} ({role}) for {name}; it is shown once, below:", err=True)
    typer.echo(token)


@keys_cli.command("list")
def list_keys() -> None:
    """Every key ever issued, and whether it works today (no secrets)."""
    today = datetime.now(UTC).date()
    with _ledger() as ledger, ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.created_on, api_keys.c.id)).all()
    header = ("id", "name", "role", "scope", "created", "expires", "status")
    lines = [header] + [
        (
            row.id,
            row.name,
            row.role,
            row.unit_id
            and UNIT.stream_id(row.unit_id)
            or row.cluster_id
            and CLUSTER.stream_id(row.cluster_id)
            or "-",
            row.created_on.isoformat(),
            row.expires_on.isoformat() if row.expires_on else "-",
            _status(row.revoked_on, row.expires_on, today),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def _status(revoked_on: date | None, expires_on: date | None, today: date) -> str:
    if revoked_on is not None:
        return f"revoked {revoked_on.isoformat()}"
    if expires_on is not None and today > expires_on:
        return "expired"
    return "active"


@keys_cli.command()
def revoke(
    key_id: str = typer.Argument(..., help="The key's id (see `pacts keys list`)"),
    reason: str | None = typer.Option(None, help="Why, for the log"),
) -> None:
    """Revoke a key: it stops working at once, in every server process."""
    with _ledger() as ledger:
        keys.revoke(ledger.bus, key_id, reason=reason, meta=cli_meta())
    typer.echo(f"revoked key {key_id}", err=True)
