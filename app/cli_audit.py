"""`pacts verify`, `pacts export`, `pacts checkpoint`, `pacts signing-key`: the auditors' commands.

Registered on the main `pacts` command by app.cli (``register``). docs/audit.md says
what they check and write.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from app.audit import export as exporting
from app.audit.signing import Checkpoint, PublicKey, SigningKeyError, generate
from app.audit.verify import verify_database, verify_export
from app.settings import Settings, get_settings

signing_key = typer.Typer(help="The Ed25519 key that signs checkpoints of the log.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    """Add the auditors' commands to ``cli`` (the `pacts` command)."""
    cli.command()(verify)
    cli.command()(export)
    cli.command()(checkpoint)
    cli.add_typer(signing_key, name="signing-key")


def _ensure_migrated() -> None:
    from app.cli import _ensure_migrated as at_head  # registered by it: loaded already

    at_head()


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg="red", err=True)
    return typer.Exit(code)


def verify(
    export_file: Annotated[
        Path | None,
        typer.Option(
            "--export", help="Verify this NDJSON export ('-': standard input) instead of the database"
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            help="PEM or JWK public key for checkpoint signatures (default: the signing key's, if any)"
        ),
    ] = None,
    checkpoint_file: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint", help="Checkpoints you kept (JSON object, array, NDJSON or a checkpoints page)"
        ),
    ] = None,
) -> None:
    """Verify the log: positions gapless, versions contiguous, every hash, every checkpoint.

    Exit 0 with a one-line summary when intact; exit 1 with the first bad position otherwise."""
    settings = get_settings()
    key = _public_key(public_key, settings, required=False)
    held = _checkpoints(checkpoint_file) if checkpoint_file else []
    if export_file is not None:
        with ExitStack() as stack:
            lines: IO[bytes] = (
                sys.stdin.buffer if str(export_file) == "-" else stack.enter_context(_open(export_file))
            )
            report = verify_export(lines, key, held)
    else:
        from app.bootstrap import bootstrap

        _ensure_migrated()
        ledger = bootstrap(settings)
        try:
            with ledger.engine.connect() as conn, conn.begin():
                report = verify_database(conn, key, held, split=True)
        finally:
            ledger.close()
    typer.echo(report.summary())
    raise typer.Exit(0 if report.intact else 1)


def export(
    file: Annotated[Path | None, typer.Argument(help="Where to write (default: standard output)")] = None,
    after: Annotated[int, typer.Option(min=0, help="Only the events after this log position")] = 0,
) -> None:
    """Write the log as NDJSON, one event a line: the input of `pacts verify --export`."""
    from app.bootstrap import bootstrap

    _ensure_migrated()
    ledger = bootstrap()
    columns = (
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeRemainingColumn(),
    )
    try:
        with ExitStack() as stack:
            out = (
                sys.stdout.buffer
                if file is None or str(file) == "-"
                else stack.enter_context(file.open("wb"))
            )
            conn = stack.enter_context(ledger.engine.connect())
            stack.enter_context(conn.begin())
            head = ledger.store.last_position(conn)
            progress = stack.enter_context(Progress(*columns, console=Console(stderr=True)))
            task = progress.add_task("export", total=max(0, head - after))
            written = 0
            for chunk in exporting.ndjson(conn, after=after, upto=head):
                out.write(chunk)
                written += chunk.count(b"\n")
                progress.update(task, completed=written)
    finally:
        ledger.close()
    span = f" (positions {after + 1}..{head})" if written else ""
    typer.echo(f"exported {written} events{span}", err=True)


def checkpoint() -> None:
    """Sign a checkpoint of the log's head now, and print it (keep a copy outside our systems)."""
    from app.bootstrap import bootstrap

    _ensure_migrated()
    ledger = bootstrap()
    try:
        if ledger.checkpointer is None:
            raise _fail(
                f"no signing key at {ledger.settings.signing_key_path!r}: run `pacts signing-key init`"
            )
        made = ledger.checkpointer.checkpoint(force=True)
        if made is None:
            from app.audit.checkpoints import latest

            with ledger.engine.connect() as conn:
                made = latest(conn)
        if made is None:
            raise _fail("the log is empty: nothing to sign", 1)
    finally:
        ledger.close()
    typer.echo(json.dumps(made.as_dict()))


@signing_key.command("init")
def signing_key_init() -> None:
    """Make the Ed25519 key that signs checkpoints (at PACTS_SIGNING_KEY_PATH); never replaces one."""
    path = Path(get_settings().signing_key_path)
    try:
        public = generate(path)
    except FileExistsError as error:
        raise _fail(str(error)) from None
    typer.echo(f"signing key {public.key_id} written to {path}; its public key:", err=True)
    typer.echo(public.pem(), nl=False)


@signing_key.command("public")
def signing_key_public(
    jwk: Annotated[bool, typer.Option("--jwk", help="As a JWK (JSON) instead of PEM")] = False,
) -> None:
    """Print the public key auditors check checkpoint signatures with."""
    public = _public_key(None, get_settings(), required=True)
    assert public is not None
    typer.echo(json.dumps(public.jwk()) if jwk else public.pem().rstrip("\n"))


def ensure_signing_key(settings: Settings) -> None:
    """Make the signing key if there is none yet (the demo does this under var/)."""
    path = Path(settings.signing_key_path) if settings.signing_key_path else None
    if path is not None and not path.exists():
        public = generate(path)
        typer.echo(f"signing key {public.key_id} written to {path}", err=True)


def _public_key(path: Path | None, settings: Settings, required: bool) -> PublicKey | None:
    source = path or (Path(settings.signing_key_path) if settings.signing_key_path else None)
    if source is None or (path is None and not source.is_file()):
        if required:
            raise _fail(f"no signing key at {settings.signing_key_path!r}: run `pacts signing-key init`")
        return None
    try:
        return PublicKey.from_file(source)
    except SigningKeyError as error:
        raise _fail(str(error)) from None


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise _fail(f"cannot read {path}: {error}") from None


def _checkpoints(path: Path) -> list[Checkpoint]:
    """Checkpoints from a file: one JSON object, a JSON array, NDJSON, or a page of the API."""
    with _open(path) as source:
        text = source.read().decode("utf-8")
    try:
        try:
            document = json.loads(text)
            values = document.get("items", [document]) if isinstance(document, dict) else document
        except json.JSONDecodeError:
            values = [json.loads(line) for line in text.splitlines() if line.strip()]
        return [Checkpoint.from_dict(value) for value in values]
    except (ValueError, AttributeError, TypeError) as error:
        raise _fail(f"{path} does not hold checkpoints: {error}") from None
