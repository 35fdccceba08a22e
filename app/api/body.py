"""Receiving an import body: content type, size limit, spooled to disk, hashed."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import IO

from fastapi import HTTPException, Request

CONTENT_TYPES = {"text/csv": "csv", "application/json": "json"}
_IN_MEMORY_BYTES = 4 * 1024 * 1024


@dataclass
class ReceivedBody:
    file: IO[bytes]
    format: str
    sha256: str
    size: int


def body_format(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CONTENT_TYPES:
        raise HTTPException(
            415, detail="send the rows as text/csv or application/json (Content-Type header)"
        )
    return CONTENT_TYPES[media_type]


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413, detail=f"the body is larger than {limit} bytes: split it into several imports"
    )


async def receive_body(request: Request, limit: int) -> ReceivedBody:
    """Read the whole body into a spooled file, refusing it as soon as it passes ``limit``."""
    fmt = body_format(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 (returned)
    sha256, size = hashlib.sha256(), 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            sha256.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ReceivedBody(file=spool, format=fmt, sha256=sha256.hexdigest(), size=size)
