"""Scraper settings, read from environment variables with the prefix ``SHAMELIST_SCRAPER_``.

Only ``scrapers.http.PoliteClient`` reads them: it is the one place that decides
how the project behaves towards the sites it reads.
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ScraperSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHAMELIST_SCRAPER_", extra="ignore")

    # Named in the User-Agent so that a site's operator can find out who we are.
    contact_url: str = "https://github.com/shamelist/shamelist"
    # The least time between two requests to the same host (robots.txt's
    # Crawl-delay makes it longer, never shorter).
    delay_seconds: float = Field(default=5.0, ge=0)
    # A body larger than this is cut off while streaming (decoded size).
    max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    connect_timeout: float = Field(default=10.0, gt=0)
    # The longest wait for any one read from the socket.
    read_timeout: float = Field(default=30.0, gt=0)
    # The most one ``get`` may take, from its first request: retries, backoff,
    # redirects and a slow body included.
    deadline_seconds: float = Field(default=120.0, gt=0)
    # Retries after the first attempt, on 429, 5xx and network errors.
    max_retries: int = Field(default=4, ge=0)
    # The first backoff; each retry doubles it, plus up to as much again of jitter.
    backoff_seconds: float = Field(default=1.0, ge=0)

    @field_validator("contact_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
            raise ValueError("SHAMELIST_SCRAPER_CONTACT_URL must be an http(s) URL")
        return url
