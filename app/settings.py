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
    # Request bodies larger than these are refused (413) before they are parsed.
    max_body_bytes: int = 1024 * 1024
    max_import_body_bytes: int = 20 * 1024 * 1024
    # X-Actor, X-Reason and X-Correlation-ID are stored with every event: capped (422).
    max_meta_header_chars: int = 500
    # Tests only: while this file exists, the server exits right after an import's
    # commit, before answering (tests/integration/test_push.py); empty in production.
    test_exit_after_commit_flag: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
