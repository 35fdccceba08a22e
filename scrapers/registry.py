"""Every source, by slug. A source's module name is its slug with ``_`` for ``-``."""

from __future__ import annotations

import importlib
from typing import cast

from scrapers.base import SourceModule

SOURCE_SLUGS = ("skamlistan", "svarta-listan", "konsumentverket", "bolagsverket", "wait-pages")


def load_source(slug: str) -> SourceModule:
    if slug not in SOURCE_SLUGS:
        raise KeyError(f"unknown source {slug!r}; known: {', '.join(SOURCE_SLUGS)}")
    module = importlib.import_module(f"scrapers.sources.{slug.replace('-', '_')}")
    return cast(SourceModule, module)


def all_sources() -> list[SourceModule]:
    return [load_source(slug) for slug in SOURCE_SLUGS]
