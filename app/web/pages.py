"""Placeholder router; filled in by the public-site work."""

from fastapi import APIRouter

router = APIRouter()
