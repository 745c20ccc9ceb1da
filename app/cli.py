"""The `pacts` command: serve, migrate, demo, rebuild, keys."""

from __future__ import annotations

import logging.config
import os
import signal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from app import cli_audit, cli_push, migrations
from app.bootstrap import bootstrap
from app.cli_keys import keys_cli
from app.observability import logs, metrics
from app.settings import get_settings

cli = typer.Typer(help="Pact Ledger: emulation pacts as an append-only event log.", no_args_is_help=True)


@cli.callback()
def _configure() -> None:
    """Every command logs JSON lines on stderr (stdout stays for its human answer)."""
    logging.config.dictConfig(logs.log_config(get_settings().log_level))


def _ensure_migrated(workers: int | None = None) -> None:
    """Refuse an unmigrated database; for `pacts serve` (``workers``), also pools that
    would not fit in PostgreSQL's max_connections (app.serving)."""
    from app.serving import BudgetExceeded, connection_budget

    settings = get_settings()
    ledger = bootstrap(settings)
    try:
        current = migrations.current_revision(ledger.engine)
        budget = connection_budget(ledger.engine, settings, workers) if workers else None
    except BudgetExceeded as error:
        typer.secho(f"refused: {error}", fg="red", err=True)
        raise typer.Exit(2) from None
    finally:
        ledger.close()
    if budget:
        logging.getLogger("pacts.serve").info("connection budget: %s", budget)
    if current != migrations.head_revision():
        typer.secho(
            f"The database at {settings.database_url} is at migration {current}, "
            f"not {migrations.head_revision()}: run `pacts migrate` first.",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)


@cli.command()
def migrate() -> None:
    """Bring the database schema to the latest migration (alembic upgrade head)."""
    url = get_settings().database_url
    migrations.upgrade(url)
    typer.echo(f"migrated {sa_safe(url)} to {migrations.head_revision()}")


@cli.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default PACTS_HOST or 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default PACTS_PORT or 8000)"),
    workers: int = typer.Option(1, help="Worker processes (use PostgreSQL for more than one)"),
) -> None:
    """Run the JSON API with uvicorn."""
    import uvicorn

    from app.serving import SUPERVISOR_ENV

    settings = get_settings()
    _ensure_migrated(workers)
    if settings.secret() is None:
        typer.secho(
            "no key secret (PACTS_KEY_SECRET or its file): every write will answer 401",
            fg="yellow",
            err=True,
        )
    # Uvicorn ends its graceful shutdown (requests in flight answered, then the
    # lifespan closed) by raising the signal again, for the handler it found: by
    # default the process would end as killed. A stop that finished its work is a
    # success, so the handler it finds does nothing and `pacts serve` exits 0.
    signal.signal(signal.SIGTERM, lambda *_: None)
    if workers > 1:
        os.environ[SUPERVISOR_ENV] = str(os.getpid())  # the workers stop when it dies
    with metrics.multiprocess_mode(workers):
        uvicorn.run(
            "app.api.main:app",
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_config=logs.log_config(settings.log_level),
            access_log=False,  # app.api.observe logs each request, with its correlation id
            timeout_graceful_shutdown=settings.shutdown_timeout,
            # Slow clients: read deadlines (app.serving.Deadlines), idle keep-alive closed.
            http="app.serving:Deadlines",
            timeout_keep_alive=settings.keep_alive_timeout,
        )


@cli.command()
def demo() -> None:
    """Load the facts of the seed articles (idempotent: a second run writes nothing)."""
    from app.demo import key, load_demo

    _ensure_migrated()
    settings = get_settings()
    if key.ensure_secret(settings):
        typer.echo(f"wrote a key secret for this machine to {settings.key_secret_file}", err=True)
    cli_audit.ensure_signing_key(settings)  # the demo signs checkpoints too
    ledger = bootstrap(settings)
    try:
        written = load_demo(ledger)
        token, _created = key.demo_key(ledger)
    finally:
        ledger.close()
    typer.echo(f"demo loaded: {written} events written" if written else "demo already loaded")
    typer.echo(f"demo admin key (kept in {key.key_file(settings)}): {token}")
    typer.echo(f"try: {key.curl_example(token, settings.host, settings.port)}")


@cli.command()
def rebuild(
    workers: int | None = typer.Option(
        None,
        min=0,
        help="Processes that fold the log while this one writes: 0 replays in this process; "
        "default: none for logs under 50,000 events, else one per core (at most 4).",
    ),
) -> None:
    """Verify the log's hash chain, then truncate every read model and replay the whole log into it."""
    from app.audit.verify import LogNotIntact
    from app.projections.rebuild import rebuild as run_rebuild

    _ensure_migrated()
    ledger = bootstrap()
    columns = (
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns) as progress:
            task = progress.add_task("replay", total=None)
            report = run_rebuild(
                ledger.engine,
                ledger.store,
                progress=lambda n: progress.advance(task, n),
                on_total=lambda total: progress.update(task, total=total),
                workers=workers,
            )
    except LogNotIntact as error:
        typer.secho(f"refused: the log is not intact at {error}; nothing was changed", fg="red", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    typer.echo(
        f"rebuilt read models from {report.events} events in {report.streams} streams "
        f"(log position {report.position})"
    )


cli.add_typer(keys_cli, name="keys")
cli.command()(cli_push.push)


def sa_safe(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


cli_audit.register(cli)


def main() -> None:
    cli()
