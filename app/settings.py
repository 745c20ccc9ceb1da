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
    # Logs: JSON lines on stderr at this level (DEBUG, INFO, WARNING, ERROR).
    log_level: str = "INFO"
    # On SIGTERM, how long requests in flight get to finish before they are cancelled
    # (their transactions then roll back): under `docker stop`'s 10 s before SIGKILL.
    shutdown_timeout: int = 8


@lru_cache
def get_settings() -> Settings:
    return Settings()
