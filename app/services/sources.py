"""Sources: who a figure came from."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Source

_SOURCE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def get_or_create_source(session: Session, slug: str, *, name: str | None = None) -> Source:
    if not _SOURCE_SLUG.match(slug):
        raise ValueError(f"a source slug is lower-case a-z, 0-9 and '-', not {slug!r}")
    source = session.scalar(select(Source).where(Source.slug == slug))
    if source is None:
        source = Source(slug=slug, name=name or slug)
        session.add(source)
        session.flush()
    return source
