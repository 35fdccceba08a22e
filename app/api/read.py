"""The read API: rankings, companies, search (JSON)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["read"])
