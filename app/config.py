"""Settings, read from environment variables with the prefix ``SHAMELIST_``."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.client_address import parse_trusted_proxies

DEFAULT_DATABASE_URL = "sqlite:///./shamelist.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHAMELIST_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    site_name: str = "Skamlistan"
    # Imports larger than this are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    # How long a SQLite writer waits for another writer's lock before giving up.
    sqlite_busy_timeout_seconds: float = Field(default=120.0, gt=0)
    # Requests a worker lets into the application at once; more get 503 at once.
    max_concurrency: int = Field(default=32, ge=1)
    # Database connections a worker keeps, and how long a request waits for one
    # before it is answered 503.
    db_pool_size: int = Field(default=16, ge=1)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    # The site's address as readers reach it (behind a proxy, not the app server's own):
    # permanent links and citations are written with it. Empty: the request's own address.
    public_url: str = ""
    # Who publishes the site and how readers and companies reach them (the /om page).
    publisher: str = "Skamlistans redaktion"
    contact_email: str = "kontakt@example.org"
    data_licence: str = "CC BY 4.0"
    data_licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    # Rate limits (contract v2). X-Forwarded-For names the client only on a request from
    # one of these proxies (addresses or CIDR networks, comma-separated). Requests are
    # counted in fixed windows: the import and reply APIs per token and per client address
    # in the database, so every app server agrees; /search per client address in each
    # worker process (app/web/rate_limits.py says why). An address allows more than a
    # token: several tokens may come from one office.
    trusted_proxies: str = ""
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    import_limit_per_token: int = Field(default=60, ge=1)
    import_limit_per_address: int = Field(default=120, ge=1)
    reply_limit_per_token: int = Field(default=20, ge=1)
    reply_limit_per_address: int = Field(default=60, ge=1)
    search_limit_per_address: int = Field(default=60, ge=1)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, text: str) -> str:
        parse_trusted_proxies(text)  # a ValueError names the entry that is wrong
        return text

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if not url.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "SHAMELIST_DATABASE_URL must be a sqlite:// or postgresql+psycopg:// URL"
            )
        return url
