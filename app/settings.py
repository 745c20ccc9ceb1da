"""The one place settings are read from the environment (prefix PACTS_)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # The Ed25519 key that signs checkpoints of the log (``pacts signing-key init``),
    # kept outside the database; no file there (or "") signs none.
    signing_key_path: str = "var/signing-key.pem"
    # A checkpoint is signed once the log has moved this many events, or this many
    # seconds after the last one if it has moved at all (app.audit.checkpoints).
    checkpoint_every_events: int = Field(default=1000, ge=1)
    checkpoint_every_seconds: float = Field(default=300.0, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
