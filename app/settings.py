"""The one place settings are read from the environment (prefix PACTS_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACTS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/pacts.db",
        validation_alias=AliasChoices("PACTS_DATABASE_URL", "DATABASE_URL"),
    )
    host: str = "127.0.0.1"
    port: int = 8000
    # Aggregate states kept in memory between commands (tail-read, so never stale).
    state_cache_size: int = 20_000
    # Logs: JSON lines on stderr at this level (DEBUG, INFO, WARNING, ERROR).
    log_level: str = "INFO"
    # On SIGTERM, how long requests in flight get to finish before they are cancelled
    # (their transactions then roll back): under `docker stop`'s 10 s before SIGKILL.
    shutdown_timeout: int = 8
    # The server secret API keys are hashed with (HMAC-SHA256). No default: without
    # it (or the file below) no key can be issued or checked. `pacts demo` writes
    # the file for a local demo when neither is set.
    key_secret: SecretStr | None = Field(default=None, min_length=MIN_SECRET)
    key_secret_file: Path = Path("var/key-secret")
    # Reads (GET) need no key by default: standings are public information.
    public_reads: bool = True
    # How long the answer to a write sent with an Idempotency-Key is kept for retries.
    idempotency_ttl_hours: float = Field(default=24.0, ge=24.0)

    # Group commit (app.services.group_commit): the writes waiting in a process share
    # one transaction, at most write_group_max of them; at most write_queue_max wait
    # (then 503 with Retry-After: write_retry_after seconds). False: one transaction each.
    group_commit: bool = True
    write_group_max: int = Field(default=64, ge=1)
    write_queue_max: int = Field(default=128, ge=1)
    write_retry_after: int = Field(default=1, ge=1)

    def secret(self) -> bytes | None:
        """The key secret: the setting, else the file's content, else None."""
        if self.key_secret is not None:
            return self.key_secret.get_secret_value().encode()
        try:
            text = self.key_secret_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if len(text) < MIN_SECRET:
            raise ValueError(f"{self.key_secret_file} holds fewer than {MIN_SECRET} characters")
        return text.encode()

    # Request bodies larger than these are refused (413) before they are parsed.
    max_body_bytes: int = 1024 * 1024
    max_import_body_bytes: int = 20 * 1024 * 1024
    # X-Actor, X-Reason and X-Correlation-ID are stored with every event: capped (422).
    max_meta_header_chars: int = 500
    # All of a request's header names and values together, reads included (431 above it).
    max_header_bytes: int = 16 * 1024
    # Slow clients (app.serving): a request's headers must arrive within header_timeout
    # seconds, its body within body_timeout seconds of them; an idle keep-alive
    # connection is closed after keep_alive_timeout seconds.
    header_timeout: float = Field(default=10.0, gt=0)
    body_timeout: float = Field(default=60.0, gt=0)
    keep_alive_timeout: int = Field(default=5, ge=1)
    # Database connections per process: pool_size kept open, max_overflow more at a
    # peak; a request waits at most db_pool_timeout seconds for one, then answers 503.
    # `pacts serve` checks workers x (pool + overflow) against PostgreSQL's
    # max_connections, leaving db_reserved_connections for `pacts rebuild` and tools.
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    db_reserved_connections: int = Field(default=10, ge=0)
    # The Ed25519 key that signs checkpoints of the log (``pacts signing-key init``),
    # kept outside the database; no file there (or "") signs none.
    signing_key_path: str = "var/signing-key.pem"
    # A checkpoint is signed once the log has moved this many events, or this many
    # seconds after the last one if it has moved at all (app.audit.checkpoints).
    checkpoint_every_events: int = Field(default=1000, ge=1)
    checkpoint_every_seconds: float = Field(default=300.0, gt=0)
    # Browser apps on these origins may call the API (CORS): comma-separated, like
    # "https://thidua.example.gov.vn,http://localhost:5173", or "*". None by default.
    cors_origins: Annotated[list[str], NoDecode] = []
    # How long a browser may reuse a preflight's answer, in seconds.
    cors_max_age: int = Field(default=600, ge=0)
    # Cache-Control of answers to reads sent without a key. "no-cache": caches keep
    # them but revalidate (If-None-Match, 304) every time; "public, max-age=60" lets
    # shared caches serve them for a minute. Reads sent with a key are always
    # "private, no-cache".
    cache_control: str = "no-cache"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
